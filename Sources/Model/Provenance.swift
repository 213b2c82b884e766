/// What produced a figure, so two results can be compared knowing what differed: the hardware
/// (with a stable `hardwareID`), the ffmpeg build, the kernel, how the CPU was clocked, and which
/// ffrtmp ran. Sent in every heartbeat and every result; nil where an agent predates it.
public struct Provenance: Codable, Sendable, Equatable {
    /// `hw-` and 16 hex digits: a hash of CPU model, cores, RAM (whole GiB) and GPU models
    /// (`hardwareID(of:)`); equal on identical machines, and stable across restarts.
    public var hardwareID: String
    public var cpuModel: String
    public var gpuModels: [String]
    /// The NVIDIA driver version, when the node has a GPU.
    public var gpuDriver: String?
    /// `5.1.6-0+deb12u1`; nil when ffmpeg did not answer.
    public var ffmpegVersion: String?
    /// ffmpeg's `configuration:` line (its build flags).
    public var ffmpegConfiguration: String?
    /// The kernel release (`uname -r`).
    public var kernel: String?
    /// cpu0's cpufreq scaling governor (`performance`, `powersave`…); nil without cpufreq.
    public var cpuGovernor: String?
    /// Whether turbo/boost clocks are allowed (intel_pstate `no_turbo`, else cpufreq `boost`);
    /// nil when the kernel exposes neither.
    public var turbo: Bool?
    /// ffrtmp's version, and the commit it was built from when its packager said (nil: unknown).
    public var softwareVersion: String
    public var softwareCommit: String?
    /// The quality metrics this node's ffmpeg can measure (`psnr`, `ssim`, and `vmaf` when it has
    /// the `libvmaf` filter), sorted; nil where an agent predates it. Names, not `QualityMetric`,
    /// so a newer agent's metric does not make an older master refuse the whole message.
    public var qualityMetrics: [String]?

    public init(
        hardware: Hardware, ffmpegVersion: String? = nil, ffmpegConfiguration: String? = nil, kernel: String? = nil,
        cpuGovernor: String? = nil, turbo: Bool? = nil, softwareVersion: String, softwareCommit: String? = nil,
        qualityMetrics: [String]? = nil
    ) {
        let short = { (text: String) in Self.clipped(text, toBytes: Self.maximumFieldLength) }
        hardwareID = Self.hardwareID(of: hardware)
        cpuModel = short(hardware.cpuModel)
        gpuModels = hardware.gpus.prefix(Self.maximumGPUs).map { short($0.name) }
        gpuDriver = hardware.gpus.first.map { short($0.driver) }
        self.ffmpegVersion = ffmpegVersion.map(short)
        self.ffmpegConfiguration = ffmpegConfiguration.map {
            Self.clipped($0, toBytes: Self.maximumConfigurationLength)
        }
        self.kernel = kernel.map(short)
        self.cpuGovernor = cpuGovernor.map(short)
        self.turbo = turbo
        self.softwareVersion = softwareVersion
        self.softwareCommit = softwareCommit
        self.qualityMetrics = qualityMetrics
    }

    /// The stable id of `hardware`: FNV-1a (64 bit) of `cpu|cores|GiB|gpu,gpu…`. RAM counts in
    /// whole GiB because MemTotal moves by a few MiB between kernels; Swift's `Hasher` is seeded
    /// per process, so it cannot serve.
    public static func hardwareID(of hardware: Hardware) -> String {
        let gibibytes = (hardware.ramMegabytes + 512) / 1024
        let text = [
            hardware.cpuModel, String(hardware.cores), String(gibibytes),
            hardware.gpus.map(\.name).joined(separator: ","),
        ]
        .joined(separator: "|")
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            // Wrapping multiply: FNV is defined modulo 2^64.
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return "hw-" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    enum CodingKeys: String, CodingKey {
        case kernel, turbo
        case hardwareID = "hardware_id"
        case cpuModel = "cpu_model"
        case gpuModels = "gpu_models"
        case gpuDriver = "gpu_driver"
        case ffmpegVersion = "ffmpeg_version"
        case ffmpegConfiguration = "ffmpeg_configuration"
        case cpuGovernor = "cpu_governor"
        case softwareVersion = "ffrtmp_version"
        case softwareCommit = "ffrtmp_commit"
        case qualityMetrics = "quality_metrics"
    }

    /// Longest text kept in one field, and in the ffmpeg configuration (a long flag list).
    public static let maximumFieldLength = 256
    public static let maximumConfigurationLength = 8192
    /// GPUs one node may list.
    public static let maximumGPUs = 64
    /// Quality metric names one node may list.
    public static let maximumQualityMetrics = 16

    /// `text`, cut at a character boundary to at most `bytes` UTF-8 bytes.
    public static func clipped(_ text: some StringProtocol, toBytes bytes: Int) -> String {
        var kept = ""
        var count = 0
        for character in text {
            count += character.utf8.count
            guard count <= bytes else { break }
            kept.append(character)
        }
        return kept
    }

    /// `provenance` when a field is longer, or lists more, than any real machine would.
    public var implausibleField: String? {
        let short =
            [hardwareID, cpuModel, softwareVersion]
            + [gpuDriver, ffmpegVersion, kernel, cpuGovernor, softwareCommit].compactMap { $0 }
        let metrics = qualityMetrics ?? []
        guard gpuModels.count <= Self.maximumGPUs, metrics.count <= Self.maximumQualityMetrics,
            (short + gpuModels + metrics).allSatisfy({ $0.utf8.count <= Self.maximumFieldLength }),
            (ffmpegConfiguration?.utf8.count ?? 0) <= Self.maximumConfigurationLength
        else { return "provenance" }
        return nil
    }
}

/// Thermal throttling seen while one job ran: the CPUs' `thermal_throttle` counters' growth and
/// the GPU clock-throttle reasons nvidia-smi reported at the job's start or end. Nil counts: the
/// kernel exposes no counter (virtual machines, most ARM).
public struct Throttling: Codable, Sendable, Equatable {
    /// Sum over CPUs of `core_throttle_count` growth.
    public var cpuCoreEvents: Int?
    /// Largest `package_throttle_count` growth of one CPU (every CPU of a package shows the
    /// package's one counter, so a sum would count each event once per CPU).
    public var cpuPackageEvents: Int?
    /// Reasons such as `sw_power_cap` or `hw_thermal_slowdown` (`gpu_idle` is not throttling and
    /// is left out), sorted; empty when none, nil without a GPU reading.
    public var gpuReasons: [String]?

    public init(cpuCoreEvents: Int? = nil, cpuPackageEvents: Int? = nil, gpuReasons: [String]? = nil) {
        self.cpuCoreEvents = cpuCoreEvents
        self.cpuPackageEvents = cpuPackageEvents
        self.gpuReasons = gpuReasons
    }

    enum CodingKeys: String, CodingKey {
        case cpuCoreEvents = "cpu_core_events"
        case cpuPackageEvents = "cpu_package_events"
        case gpuReasons = "gpu_reasons"
    }

    /// `throttling` for negative counts or more, or longer, reasons than nvidia-smi has.
    public var implausibleField: String? {
        let reasons = gpuReasons ?? []
        guard (cpuCoreEvents ?? 0) >= 0, (cpuPackageEvents ?? 0) >= 0, reasons.count <= 32,
            reasons.allSatisfy({ $0.utf8.count <= 64 })
        else { return "throttling" }
        return nil
    }
}
