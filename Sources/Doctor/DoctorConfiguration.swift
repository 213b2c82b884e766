import Client
import Energy

/// Where the doctor looks: the same paths and overrides the agent has (`--ffmpeg`, `--nvidia-smi`,
/// `--sysfs-powercap`, `--proc`, `--cgroup-root`, `--work-dir`), so tests point them at fakes.
public struct DoctorConfiguration: Sendable {
    public var ffmpegPath = "ffmpeg"
    /// nil: GPUs not looked for.
    public var nvidiaSMIPath: String? = "nvidia-smi"
    /// nil: NVML not tried (tests; machines where loading it is unwanted).
    public var nvmlLibraryPath: String? = "libnvidia-ml.so.1"
    public var powercapRoot = "/sys/class/powercap"
    public var procRoot = "/proc"
    public var cgroupRoot = "/sys/fs/cgroup"
    /// The agent's `--cgroup-parent`: when given, the agent's own start check runs on it.
    public var cgroupParent: String?
    public var workDirectory = "/var/lib/ffrtmp/agent/work"
    /// Free space the work dir must keep (the agent's `--min-free`).
    public var minimumFreeBytes: Int64 = 512 * 1024 * 1024
    /// nil: the broker is not checked.
    public var serverURL: String?
    public var tls: ClientTLSOptions?
    /// Per command and per connection attempt.
    public var timeoutSeconds: Double = 15
    /// The file layer power checks read through; tests refuse chosen paths (they run as root).
    public var files: any SystemFileReading = LiveSystemFiles()

    public init() {}
}
