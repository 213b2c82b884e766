import Model

extension DomainDescription {
    /// The GPU index for a GPU domain; nil for CPU-side domains.
    var gpuIndex: Int? {
        domain.hasPrefix("gpu") ? Int(domain.dropFirst(3)) : nil
    }
}

/// Finding the sensors at start, and the labels each domain carries into the reports.
extension MeterCore {
    static let cpuAttribution =
        "dynamic = ΔE·u (u = busy share of /proc/stat ticks) split by the job's CPU time over all host CPU time; "
        + "idle = ΔE − dynamic split by alive share (docs/energy.md)"

    init(configuration: EnergyMeterConfiguration, nvidia: GPUInventory?) {
        self.configuration = configuration
        cpuReader = ProcessCPUReader(
            procRoot: configuration.procRoot, cgroupRoot: configuration.cgroupRoot,
            clockTicksPerSecond: configuration.clockTicksPerSecond, files: configuration.files)
        rapl = RAPLReader(root: configuration.powercapRoot, files: configuration.files)
        if rapl.status.isAvailable {
            usesRAPL = true
            estimate = nil
        } else {
            usesRAPL = false
            estimate = CPUPowerEstimate(
                configuredWatts: configuration.tdpWatts,
                threads: configuration.hardwareThreads ?? CPUPowerEstimate.onlineThreads())
        }
        self.nvidia = nvidia
        gpuChannels = (nvidia?.gpus ?? []).map {
            GPUChannel(
                gpu: $0, integrator: GPUEnergyIntegrator(source: $0.source), idleWatts: configuration.gpuIdleWatts,
                idleConfigured: configuration.gpuIdleWatts != nil)
        }
    }

    /// `rapl`, `nvml`, `nvidia-smi`, `estimated`: what the heartbeat advertises.
    var availableSources: [String] {
        var names: [String] = usesRAPL ? ["rapl"] : ["estimated"]
        names += nvidia?.sourceNames ?? []
        return names
    }

    /// The start log line: what was found, and why anything was left out.
    func logSensors() {
        var cpu = "rapl " + rapl.plan.zones.map(\.name).joined(separator: ",")
        if let estimate { cpu = "estimated (rapl \(rapl.status.description)): \(estimate.modelDescription)" }
        var gpu = "off"
        var notes = rapl.plan.notes
        if let nvidia {
            let gpus = nvidia.gpus.map { "gpu\($0.index) \($0.name ?? "?") \($0.source.rawValue)" }
            gpu = gpus.isEmpty ? "none" : gpus.joined(separator: "; ")
            notes += nvidia.notes
        }
        configuration.logger.info(
            "energy sensors",
            [
                "sources": availableSources.joined(separator: ","), "cpu": cpu, "gpu": gpu,
                "notes": notes.joined(separator: "; "),
            ])
    }

    func raplDescription(_ domain: String, _ sums: RAPLTotals) -> DomainDescription {
        DomainDescription(
            domain: domain, source: .rapl, zones: sums.zones, ranges: sums.ranges,
            attribution: Self.cpuAttribution + "; " + safeIntervalText(zones: sums.zones))
    }

    /// How far apart the zones' reads may be: "read ≤ 0.67 s apart (package-0: 100 J range ÷ 150 W)".
    func safeIntervalText(zones: [String]) -> String {
        let parts = rapl.plan.zones.filter { zones.contains($0.name) }.compactMap { zone -> String? in
            guard let safe = zone.safeReadIntervalSeconds, let range = zone.rangeMicrojoules else { return nil }
            let limit = zone.powerLimitWatts == nil ? "default" : "limit × \(PowercapZone.limitMargin)"
            return "\(zone.name) ≤ \(Self.rounded(safe, places: 2)) s (\(Self.rounded(Double(range) / 1e6)) J range ÷ "
                + "\(Self.rounded(zone.plausibleMaximumWatts)) W, \(limit))"
        }
        return "safe read interval " + parts.joined(separator: ", ")
    }

    func estimateDescription(_ estimate: CPUPowerEstimate) -> DomainDescription {
        DomainDescription(
            domain: "cpu", source: .estimated, zones: [], ranges: [], model: estimate.modelDescription,
            attribution: Self.cpuAttribution + "; no CPU energy sensor readable (RAPL \(rapl.status.description))")
    }

    func gpuDescription(_ channel: GPUChannel) -> DomainDescription {
        let idle: String =
            if let watts = channel.idleWatts {
                channel.idleConfigured
                    ? "P_idle \(watts) W (configured)"
                    : "P_idle \(Self.rounded(watts)) W (lowest seen with no encoder sessions and no job)"
            } else {
                "P_idle not known yet (all energy counted active)"
            }
        let source: EnergyReport.Source =
            switch channel.gpu.source {
            case .nvmlEnergy: .nvmlEnergy
            case .nvmlPower: .nvmlPower
            case .nvidiaSMI: .nvidiaSMI
            case .notMeasured: .notMeasured
            }
        let integration = channel.gpu.source == .nvmlEnergy ? "energy counter" : "trapezoid rule over power samples"
        return DomainDescription(
            domain: channel.domain, source: source, zones: channel.gpu.name.map { [$0] } ?? [], ranges: [],
            device: channel.gpu.name, driver: channel.gpu.driverVersion,
            attribution: "\(integration); idle = min(ΔE, P_idle·Δt) split by alive share, \(idle); "
                + "active split by enc+dec+sm per process, else equally among the GPU's jobs")
    }

    func notMeasuredDescription(gpu: Int) -> DomainDescription {
        let known = gpuChannels.first { $0.gpu.index == gpu }
        return DomainDescription(
            domain: "gpu\(gpu)", source: .notMeasured, zones: known?.gpu.name.map { [$0] } ?? [], ranges: [],
            device: known?.gpu.name, driver: known?.gpu.driverVersion,
            attribution: known == nil ? "GPU not found: not measured" : "GPU reports no power: not measured")
    }

    static func rounded(_ value: Double, places: Int = 1) -> Double {
        let scale = places == 1 ? 10.0 : 100.0
        return (value * scale).rounded() / scale
    }
}
