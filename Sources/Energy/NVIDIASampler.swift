import Support
/// Reads every NVIDIA GPU through the best source it offers: NVML's energy counter, else NVML
/// power, else `nvidia-smi --query-gpu` power, else "not measured". NVML is loaded at run time;
/// a machine with neither NVML nor nvidia-smi simply has no GPUs (status `absent`, no error).
public final class NVIDIASampler {
    /// Where the tools are and how long nvidia-smi may take.
    public struct Configuration: Sendable {
        /// `nvidia-smi`, searched in PATH when it holds no `/`.
        public var nvidiaSMIPath: String
        /// The NVML library to `dlopen`; nil to use nvidia-smi only.
        public var nvmlLibraryPath: String?
        public var commandTimeoutSeconds: Double
        /// Run `nvidia-smi pmon` at every sample for per-process utilisation (it takes ~1 s).
        public var processUtilization: Bool

        public init(
            nvidiaSMIPath: String = "nvidia-smi", nvmlLibraryPath: String? = "libnvidia-ml.so.1",
            commandTimeoutSeconds: Double = 5, processUtilization: Bool = false
        ) {
            self.nvidiaSMIPath = nvidiaSMIPath
            self.nvmlLibraryPath = nvmlLibraryPath
            self.commandTimeoutSeconds = commandTimeoutSeconds
            self.processUtilization = processUtilization
        }
    }

    /// A GPU found at start and the source chosen for it.
    public struct GPU: Sendable, Equatable {
        public var index: Int
        public var name: String?
        public var driverVersion: String?
        public var source: GPUSource
    }

    public let configuration: Configuration
    public private(set) var gpus: [GPU] = []
    /// `available` when at least one GPU reports power or energy.
    public private(set) var status: SensorStatus = .absent
    /// What happened with NVML and with nvidia-smi at start, for the start log.
    public private(set) var notes: [String] = []
    /// The last nvidia-smi failure, if its last run failed.
    public private(set) var lastSMIError: String?

    private let nvml: NVMLLibrary?
    private var nvmlDevices: [NVMLLibrary.Device] = []
    private var query = NVIDIASMIQuery.full
    private var smiFound = true

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        var library: NVMLLibrary? = nil
        if let path = configuration.nvmlLibraryPath {
            do {
                library = try NVMLLibrary(path: path)
            } catch {
                notes.append(error.description)
            }
        }
        nvml = library
        discover()
    }

    /// Finds the GPUs and picks each one's source.
    private func discover() {
        var byIndex: [Int: GPU] = [:]
        if let nvml {
            nvmlDevices = nvml.devices()
            let driver = nvml.driverVersionText()
            for (index, device) in nvmlDevices.enumerated() {
                let source: GPUSource =
                    nvml.energyMillijoules(device) != nil
                    ? .nvmlEnergy : nvml.powerWatts(device) != nil ? .nvmlPower : .notMeasured
                byIndex[index] = GPU(index: index, name: nvml.name(device), driverVersion: driver, source: source)
            }
            notes.append("NVML: \(nvmlDevices.count) GPU(s)")
        }
        if byIndex.isEmpty || byIndex.values.contains(where: { $0.source == .notMeasured }) {
            let rows = querySMI()
            if let lastSMIError { notes.append(lastSMIError) }
            if query == .compatible { notes.append("nvidia-smi: power.draw.instant not supported by this driver") }
            for row in rows {
                let smiSource: GPUSource = row.integrablePowerWatts != nil ? .nvidiaSMI : .notMeasured
                if var known = byIndex[row.index] {
                    if known.source == .notMeasured { known.source = smiSource }
                    known.name = known.name ?? row.name
                    known.driverVersion = known.driverVersion ?? row.driverVersion
                    byIndex[row.index] = known
                } else {
                    byIndex[row.index] = GPU(
                        index: row.index, name: row.name, driverVersion: row.driverVersion, source: smiSource)
                }
            }
        }
        gpus = byIndex.values.sorted { $0.index < $1.index }
        if gpus.contains(where: { $0.source != .notMeasured }) {
            status = .available
        } else if !gpus.isEmpty {
            status = .failed("\(gpus.count) GPU(s) report no power: not measured")
        }
    }

    /// The sources in use, deduplicated (`nvml` for either NVML source), for heartbeats.
    public var sourceNames: [String] {
        var names: [String] = []
        for gpu in gpus {
            let name: String? =
                switch gpu.source {
                case .nvmlEnergy, .nvmlPower: "nvml"
                case .nvidiaSMI: "nvidia-smi"
                case .notMeasured: nil
                }
            if let name, !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// One reading per GPU: NVML values for NVML GPUs, one nvidia-smi run for the others.
    public func read() -> [GPUReading] {
        var readings: [Int: GPUReading] = [:]
        for gpu in gpus { readings[gpu.index] = GPUReading(index: gpu.index) }
        if gpus.contains(where: { $0.source == .nvidiaSMI }) {
            for row in querySMI() where readings[row.index] != nil { readings[row.index] = row }
        }
        if let nvml {
            for gpu in gpus where gpu.source == .nvmlEnergy || gpu.source == .nvmlPower {
                guard gpu.index < nvmlDevices.count else { continue }
                let device = nvmlDevices[gpu.index]
                var reading = readings[gpu.index] ?? GPUReading(index: gpu.index)
                reading.energyMillijoules = nvml.energyMillijoules(device)
                reading.powerWatts = nvml.powerWatts(device)
                reading.encoderSessions = nvml.encoderSessions(device)
                readings[gpu.index] = reading
            }
        }
        for gpu in gpus {
            guard var reading = readings[gpu.index] else { continue }
            reading.name = reading.name ?? gpu.name
            reading.driverVersion = reading.driverVersion ?? gpu.driverVersion
            readings[gpu.index] = reading
        }
        return readings.values.sorted { $0.index < $1.index }
    }

    /// Per-process utilisation from `nvidia-smi pmon`; nil when not asked for or failing.
    public func readProcessUtilization() -> [GPUProcessUtilization]? {
        guard configuration.processUtilization, smiFound, !gpus.isEmpty else { return nil }
        guard
            let outcome = try? CommandRunner.run(
                configuration.nvidiaSMIPath, NVIDIAProcessMonitor.arguments,
                timeoutSeconds: configuration.commandTimeoutSeconds),
            outcome.succeeded
        else { return nil }
        return NVIDIAProcessMonitor.parse(outcome.standardOutput)
    }

    /// Runs the query; on a driver that refuses `power.draw.instant`, falls back to the
    /// compatible field list for good.
    func querySMI() -> [GPUReading] {
        guard smiFound else { return [] }
        do {
            let timeout = configuration.commandTimeoutSeconds
            var outcome = try CommandRunner.run(configuration.nvidiaSMIPath, query.arguments, timeoutSeconds: timeout)
            if !outcome.succeeded && query != .compatible
                && (outcome.standardOutput + outcome.standardError).contains("not a valid field")
            {
                query = .compatible
                outcome = try CommandRunner.run(configuration.nvidiaSMIPath, query.arguments, timeoutSeconds: timeout)
            }
            guard outcome.succeeded else {
                let why = outcome.timedOut ? "timed out" : "exit \(outcome.exitStatus.map(String.init) ?? "signal")"
                lastSMIError = "nvidia-smi \(why): \(outcome.standardError.trimmingWhitespace().prefix(200))"
                return []
            }
            lastSMIError = nil
            return query.parse(outcome.standardOutput)
        } catch {
            if error.isNotFound { smiFound = false }
            lastSMIError = error.isNotFound ? "nvidia-smi not found" : error.description
            return []
        }
    }
}
