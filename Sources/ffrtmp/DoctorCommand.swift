import Client
import CommandKit
import Doctor
import Support

/// `ffrtmp doctor`: checks a node before it runs a part and says how to fix what fails.
enum DoctorCommand: CLICommand {
    static let spec = CommandSpec(
        name: "ffrtmp doctor", summary: "Check ffmpeg, power sensors, cgroups, disk and the broker on this node",
        usage: "ffrtmp doctor [options]",
        options: [
            OptionSpec(
                ["-s", "--server"], value: "URL", help: "Broker to check (not checked without it)",
                environment: "NATS_URL"),
            ClientCommandOptions.tlsCertificate, ClientCommandOptions.tlsKey, ClientCommandOptions.tlsAuthority,
            ClientCommandOptions.tlsFirst,
            OptionSpec(["--ffmpeg"], value: "PATH", help: "ffmpeg binary", default: "ffmpeg"),
            OptionSpec(
                ["--nvidia-smi"], value: "PATH", help: "nvidia-smi binary; \"none\" skips it", default: "nvidia-smi"),
            OptionSpec(
                ["--nvml"], value: "LIBRARY", help: "NVML library; \"none\" skips it", default: "libnvidia-ml.so.1"),
            OptionSpec(["--sysfs-powercap"], value: "DIR", help: "RAPL powercap root", default: "/sys/class/powercap"),
            OptionSpec(["--proc"], value: "DIR", help: "procfs root", default: "/proc"),
            OptionSpec(["--cgroup-root"], value: "DIR", help: "cgroup v2 mount", default: "/sys/fs/cgroup"),
            OptionSpec(
                ["--cgroup-parent"], value: "PATH",
                help: "Run the agent's own cgroup check on this delegated cgroup (enables cpu and memory there)"),
            OptionSpec(
                ["--work-dir"], value: "DIR", help: "The agent's work dir (free space)",
                default: "/var/lib/ffrtmp/agent/work"),
            OptionSpec(["--min-free"], value: "SIZE", help: "Free space the work dir must keep", default: "512MB"),
            OptionSpec(["--timeout"], value: "DURATION", help: "Per probe encode and connection", default: "15s"),
            OptionSpec(["--json"], help: "Print one JSON object instead of text"),
        ],
        discussion: """
            Checks, each ok, not-present (an optional thing this machine lacks, like a GPU), warning or FAILED:
            ffmpeg's version and encoders and one probe encode per capability (the agent's own probe; a GPU
            capability that fails shows ffmpeg's error); RAPL zones (present, absent, or permission denied with
            the udev/tmpfiles fix) and NVIDIA GPUs (NVML, nvidia-smi); cgroup v2 and delegation; free space in
            the work dir; with --server the broker (reachable, JetStream) and with TLS flags its certificate
            (names, not-before/not-after, whether the chain verifies against --tlsca).
            Exit status: 0 nothing needed failed, 1 something needed failed, 2 usage error.

            Examples:
              ffrtmp doctor
              ffrtmp doctor -s tls://broker:4222 --tlsca ca.pem --tlscert agent.pem --tlskey agent.key --json
            """)

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        guard arguments.positionals.isEmpty else {
            throw UsageError("unexpected argument \"\(arguments.positionals[0])\"")
        }
        var configuration = DoctorConfiguration()
        configuration.ffmpegPath = arguments.string("--ffmpeg")!
        let smi = arguments.string("--nvidia-smi")!
        configuration.nvidiaSMIPath = smi == "none" ? nil : smi
        let nvml = arguments.string("--nvml")!
        configuration.nvmlLibraryPath = nvml == "none" ? nil : nvml
        configuration.powercapRoot = arguments.string("--sysfs-powercap")!
        configuration.procRoot = arguments.string("--proc")!
        configuration.cgroupRoot = arguments.string("--cgroup-root")!
        configuration.cgroupParent = arguments.string("--cgroup-parent")
        configuration.workDirectory = arguments.string("--work-dir")!
        do {
            configuration.minimumFreeBytes = Int64(try arguments.byteSize("--min-free") ?? 0)
            guard let timeout = try arguments.durationNanoseconds("--timeout"), timeout > 0 else {
                throw UsageError("--timeout must be above zero")
            }
            configuration.timeoutSeconds = Double(timeout) / 1e9
        } catch let error as SupportError {
            throw UsageError(error.message)
        }
        configuration.serverURL = arguments.string("--server")
        configuration.tls = ClientCommandOptions.tlsOptions(arguments)
        let report = Doctor.run(configuration)
        print(arguments.flag("--json") ? report.json : report.text, terminator: "")
        return report.exitStatus
    }
}
