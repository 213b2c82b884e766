import Agent
import Client
import Model
import Net
import Support

#if canImport(Glibc)
    import Glibc
#endif

/// `ffrtmp agent`: a transcoding node. Proves its capabilities, pulls jobs from `job.<capability>`
/// while it has free slots, runs ffmpeg, measures, and reports. SIGTERM/SIGINT drains (finish
/// running jobs, pull nothing more); a second signal hands running jobs back and exits.
public enum AgentCommand: CLICommand {
    public static let spec = CommandSpec(
        name: "ffrtmp agent",
        summary: "Run a transcoding agent that pulls jobs, runs ffmpeg and reports energy",
        usage: "ffrtmp agent [options]",
        options: ClientCommandOptions.all + [
            OptionSpec(
                ["-n", "--name"], value: "NAME",
                help: "Node id used in subjects and results (letters, digits, - and _); default: the host name",
                environment: "FFRTMP_NODE"),
            OptionSpec(["-c", "--config"], value: "FILE", help: "Settings file: keys are these long option names"),
            OptionSpec(["-j", "--max-concurrent-jobs"], value: "N", help: "Jobs run at once", default: "1"),
            OptionSpec(
                ["--work-dir"], value: "DIR", help: "Where jobs write (a folder per job, removed afterwards)",
                default: "/var/lib/ffrtmp/agent/work"),
            OptionSpec(
                ["--spool-dir"], value: "DIR", help: "Results waiting for the broker (kept across restarts)",
                default: "/var/lib/ffrtmp/agent/spool"),
            OptionSpec(
                ["--capabilities"], value: "LIST",
                help: "Declare capabilities (cpu,nvenc,qsv,vaapi) instead of proving them by probe encodes"),
            OptionSpec(["--ffmpeg"], value: "PATH", help: "ffmpeg binary", default: "ffmpeg"),
            OptionSpec(
                ["--input-root"], value: "DIR", help: "A folder file inputs may be read from (repeatable)"),
            OptionSpec(["--min-free"], value: "SIZE", help: "Free space the work dir must keep", default: "512MB"),
            OptionSpec(
                ["--clip-cache"], value: "SIZE", help: "Clips kept in <work dir>/.clips at most (clip inputs)",
                default: "10GB"),
            OptionSpec(
                ["--output-retention"], value: "DURATION",
                help: "How long the outputs bucket keeps kept outputs (submit --keep-output); 0: until removed",
                default: "7d"),
            OptionSpec(
                ["--limits"], value: "MODE",
                help: "Job limits: auto (cgroup v2, else nice+rlimits), rlimits, or none", default: "auto"),
            OptionSpec(
                ["--default-cpu-percent"], value: "N",
                help: "CPU limit (100 = one core) for jobs that set none; at most 100 × the node's threads"),
            OptionSpec(
                ["--default-memory"], value: "SIZE", help: "Memory limit for jobs that set none (e.g. 2GB)"),
            OptionSpec(["--cgroup-parent"], value: "PATH", help: "Delegated cgroup where job cgroups are made"),
            OptionSpec(["--sysfs-powercap"], value: "DIR", help: "RAPL powercap root", default: "/sys/class/powercap"),
            OptionSpec(["--proc"], value: "DIR", help: "procfs root", default: "/proc"),
            OptionSpec(["--cgroup-root"], value: "DIR", help: "cgroup v2 mount", default: "/sys/fs/cgroup"),
            OptionSpec(
                ["--nvidia-smi"], value: "PATH", help: "nvidia-smi binary; \"none\" disables GPU reading",
                default: "nvidia-smi"),
            OptionSpec(["--tdp"], value: "WATTS", help: "CPU TDP for the labelled estimate when no sensor exists"),
            OptionSpec(
                ["--region"], value: "NAME",
                help: "Where the node draws power (letters, digits, - and _); the master prices energy per region"),
            OptionSpec(["--price-kwh"], value: "USD", help: "Electricity price per kWh for job cost", default: "0.12"),
            OptionSpec(["--co2-g-per-kwh"], value: "GRAMS", help: "Grid carbon intensity", default: "400"),
            OptionSpec(
                ["--max-attempts"], value: "N", help: "Runs of a failing job before it is reported failed",
                default: "3"),
            OptionSpec(["--heartbeat"], value: "DURATION", help: "Heartbeat period", default: "5s"),
        ] + LogSettings.options,
        discussion: """
            The agent probes the machine (CPU, RAM, GPUs, ffmpeg's encoders), proves each capability with a
            tiny encode, and pulls from the JOBS stream's job.<capability> consumers only for the proven
            ones. It publishes results on result.<node>, events on evt.job.<id>.<state> (started:
            evt.job.<id>.started.<node>), heartbeats on hb.<node> and telemetry on metrics.<node>. Energy
            comes from RAPL and NVML/nvidia-smi when readable, else an estimate labelled "estimated".
            Results wait in --spool-dir while the broker is away. Run `ffrtmp setup` once so the streams exist.

            The same command is the whole of the smaller `ffrtmp-agent` binary (for nodes that only
            transcode): `ffrtmp-agent [options]` takes these options.

            Example: ffrtmp agent -s tls://broker:4222 --tlscert agent.pem --tlskey agent.key --tlsca ca.pem -j 2
            """)

    public static func run(_ arguments: ParsedArguments) throws -> Int32 {
        guard arguments.positionals.isEmpty else {
            throw UsageError("unexpected argument \"\(arguments.positionals[0])\"")
        }
        let arguments = try SettingsFile.merge(arguments)
        let config: AgentConfig
        do {
            config = try configuration(from: arguments)
            try config.validate()
        } catch let error as SupportError {
            throw UsageError(error.message)
        } catch let error as AgentConfigError {
            throw UsageError(error.description)
        }
        SignalWaiter.blockTerminationSignals()  // before the log's reopen thread starts
        let sink = try LogSettings.sink(arguments)
        let logger = Logger(component: "agent", sink: sink)
        let agent: Agent
        do {
            agent = try Agent.production(config: config, logger: logger)
        } catch {
            logger.error("agent failed to start", ["error": error])
            return 1
        }
        SignalWaiter.start { signal in
            logger.info("signal received", ["signal": SignalWaiter.name(signal)])
            if agent.currentPhase == .draining { agent.abort() } else { agent.drain() }
        }
        do {
            try agent.run()
        } catch {
            logger.error("agent stopped on an error", ["error": error])
            return 1
        }
        return 0
    }

    /// Flags (and environment, and the config file) over defaults.
    static func configuration(from arguments: ParsedArguments) throws -> AgentConfig {
        var config = AgentConfig(nodeID: arguments.string("--name") ?? hostName())
        config.servers = ClientCommandOptions.url(arguments).split(separator: ",").map(String.init)
        config.tls = ClientCommandOptions.tlsOptions(arguments)
        config.user = arguments.string("--user")
        config.password = arguments.string("--pass")
        config.inboxPrefix = arguments.string("--inbox-prefix")
        if config.user != nil && config.password == nil { throw UsageError("--user needs --pass") }
        config.maxConcurrentJobs = try arguments.int("--max-concurrent-jobs") ?? 1
        config.workDirectory = arguments.string("--work-dir")!
        config.spoolDirectory = arguments.string("--spool-dir")!
        if let list = arguments.string("--capabilities") { config.declaredCapabilities = try capabilities(list) }
        config.ffmpegPath = arguments.string("--ffmpeg")!
        config.inputRoots = arguments.strings("--input-root")
        config.minimumFreeBytes = Int64(try arguments.byteSize("--min-free") ?? 0)
        config.clipCacheBytes = UInt64(try arguments.byteSize("--clip-cache") ?? 0)
        if let retention = try arguments.durationNanoseconds("--output-retention") {
            guard retention >= 0 else { throw UsageError("--output-retention must not be negative") }
            config.outputRetention = Double(retention) / 1e9
        }
        config.limits = try limitsMode(arguments.string("--limits")!)
        config.defaultCPUPercent = try arguments.int("--default-cpu-percent")
        config.defaultMemoryMegabytes = try arguments.byteSize("--default-memory").map { $0 >> 20 }
        config.cgroupParent = arguments.string("--cgroup-parent") ?? ""
        config.powercapRoot = arguments.string("--sysfs-powercap")!
        config.procRoot = arguments.string("--proc")!
        config.cgroupRoot = arguments.string("--cgroup-root")!
        let smi = arguments.string("--nvidia-smi")!
        config.nvidiaSMIPath = smi == "none" ? nil : smi
        config.tdpWatts = try number(arguments, "--tdp")
        config.price = EnergyPrice(
            usdPerKilowattHour: try number(arguments, "--price-kwh") ?? 0.12,
            gramsPerKilowattHour: try number(arguments, "--co2-g-per-kwh") ?? 400)
        config.region = arguments.string("--region")
        config.maxAttempts = try arguments.int("--max-attempts") ?? 3
        if let heartbeat = try arguments.durationNanoseconds("--heartbeat") {
            config.heartbeatInterval = Double(heartbeat) / 1e9
        }
        return config
    }

    /// `--capabilities cpu,nvenc`: the declared capabilities, or a usage error naming the bad one.
    public static func capabilities(_ list: String) throws -> [Capability] {
        try list.split(separator: ",").map { name in
            guard let capability = Capability(rawValue: String(name.filter { $0 != " " })) else {
                throw UsageError("--capabilities: unknown capability \"\(name)\" (cpu, nvenc, qsv, vaapi)")
            }
            return capability
        }
    }

    private static func limitsMode(_ text: String) throws -> ResourceLimitConfiguration.Preference {
        switch text {
        case "auto": .automatic
        case "rlimits": .resourceLimits
        case "none": .none
        default: throw UsageError("--limits takes auto, rlimits or none, not \"\(text)\"")
        }
    }

    private static func number(_ arguments: ParsedArguments, _ name: String) throws -> Double? {
        guard let text = arguments.string(name) else { return nil }
        guard let value = Double(text), value.isFinite, value >= 0 else {
            throw UsageError("\(name) takes a number of 0 or more, not \"\(text)\"")
        }
        return value
    }

    /// The host name, made a valid node id (dots and other characters become `-`).
    public static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "agent" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let cleaned = String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" })
        return cleaned.isEmpty ? "agent" : String(cleaned.prefix(64))
    }
}
