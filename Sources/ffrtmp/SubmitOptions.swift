import CommandKit
import Console
import Model
import Support

/// `ffrtmp submit`'s job and matrix flags, and the jobs they make (through `JobDraft` and `JobMatrix`,
/// which hold the logic and its tests).
enum SubmitOptions {
    /// One option per job field: `--encoder`, `--bitrate`…
    static let job = [
        OptionSpec(["--scenario"], value: "NAME", help: "A preset: 720p30-h264, 1080p60-h265… (--list-scenarios)"),
        OptionSpec(
            ["--encoder"], value: "NAME", help: "libx264, libx265, libsvtav1, libvpx-vp9, h264_nvenc, hevc_nvenc…"),
        OptionSpec(["--preset"], value: "NAME", help: "The encoder's preset: medium, fast, p4, 8…"),
        OptionSpec(["--resolution"], value: "WxH", help: "Output size: 1280x720, or 720p, 1080p, 4k"),
        OptionSpec(["--bitrate"], value: "RATE", help: "Target bitrate: 3M, 2500k, 800000 (bit/s)"),
        OptionSpec(["--crf"], value: "N", help: "Constant quality instead of a bitrate"),
        OptionSpec(["--fps"], value: "RATE", help: "Output frame rate: 30, 29.97, 30000/1001"),
        OptionSpec(["--gop"], value: "N", help: "Keyframe interval in frames (default 2 s of frames)"),
        OptionSpec(["--duration"], value: "DURATION", help: "Seconds to encode: 10, 10s, 2m"),
        OptionSpec(
            ["--input"], value: "SOURCE",
            help: "generated[:PATTERN], clip:NAME (ffrtmp clips), /absolute/path on the agent, or srt://…"),
        OptionSpec(["--output"], value: "TARGET", help: "null, a file name in the agent's work dir, or rtmp://…"),
        OptionSpec(
            ["--keep-output"], help: "Keep the output in the object store bucket outputs, named by job id"),
        OptionSpec(
            ["--quality"], value: "METRICS",
            help: "Compute psnr, ssim and/or vmaf (libvmaf nodes only) after the encode"),
        OptionSpec(
            ["--target-ssim"], value: "SCORE",
            help: "Search crf (bisection, at most 6 encodes) for the cheapest setting reaching this SSIM"),
        OptionSpec(["--target-psnr"], value: "DB", help: "As --target-ssim, for a PSNR in dB"),
        OptionSpec(["--target-vmaf"], value: "SCORE", help: "As --target-ssim, for a VMAF score (libvmaf nodes only)"),
        OptionSpec(["--timeout"], value: "DURATION", help: "The job's wall-clock limit: 90s, 5m (agent default 1h)"),
        OptionSpec(["--cpu-percent"], value: "N", help: "CPU limit, percent of one core (200 = two cores)"),
        OptionSpec(["--memory-mb"], value: "N", help: "Memory limit in MB"),
        OptionSpec(["--priority"], value: "N", help: "0 (lowest) to 9; default 5"),
        OptionSpec(
            ["--settle"], value: "DURATION",
            help: "Measure idle power this long (1s to 2m) before each job, for net energy (e_net_j)"),
        OptionSpec(["--label"], value: "KEY=VALUE", help: "A tag copied into the result (repeatable)"),
    ]

    /// A benchmark run's flags: `--name`, `--repeat`, `--confidence` (which reads the master).
    static let campaign = [
        OptionSpec(["--name"], value: "NAME", help: "A benchmark run: every job gets this run id (ffrtmp runs)"),
        OptionSpec(["--repeat"], value: "N", help: "Submit N copies of each job (ids …-r1…-rN), round by round"),
        OptionSpec(
            ["--confidence"], help: "With --name: repeat rounds until J/frame's CV is under 5% everywhere, or 5 rounds"),
        MasterClient.option,
        MasterClient.tokenFileOption,
        MasterClient.authorityOption,
        MasterClient.certificateOption,
        MasterClient.keyOption,
    ]

    /// Where the jobs go: `--node`, `--each-node`, `--hardware` (which read the master's node list).
    static let targets = [
        OptionSpec(["--node"], value: "NAME", help: "Send the jobs to this node only (its own queue keeps them)"),
        OptionSpec(
            ["--each-node"], help: "One copy of each job per live node proven for it (ids …-<node>), as one run"),
        OptionSpec(["--hardware"], value: "ID", help: "Only nodes with this hardware_id (ffrtmp nodes --json)"),
    ]

    /// The node selection the target flags give.
    static func selection(_ arguments: ParsedArguments) throws -> NodeSelection {
        let selection = NodeSelection(
            node: arguments.string("--node"), eachNode: arguments.flag("--each-node"),
            hardwareID: arguments.string("--hardware"))
        do {
            try selection.validate()
        } catch {
            throw UsageError(error.description)
        }
        return selection
    }

    /// One list option per matrix axis: `--encoders`, `--resolutions`…
    static let matrix = JobMatrix.Axis.allCases.map { axis in
        OptionSpec([axis.flag], value: "LIST", help: "Matrix: comma-separated \(axis.field)s, one job per combination")
    }

    /// The jobs the flags describe, each checked by the agents' validator; a bad value is a usage error
    /// naming its flag.
    static func jobs(_ arguments: ParsedArguments, now: Int64) throws -> [Job] {
        var draft = JobDraft()
        draft.scenario = arguments.string("--scenario")
        draft.encoder = arguments.string("--encoder")
        draft.preset = arguments.string("--preset")
        draft.resolution = arguments.string("--resolution")
        draft.bitrate = arguments.string("--bitrate")
        draft.crf = arguments.string("--crf")
        draft.fps = arguments.string("--fps")
        draft.gop = arguments.string("--gop")
        draft.duration = arguments.string("--duration")
        draft.input = arguments.string("--input")
        draft.output = arguments.string("--output")
        draft.keepOutput = arguments.flag("--keep-output")
        draft.quality = arguments.string("--quality")
        draft.timeout = arguments.string("--timeout")
        draft.cpuPercent = arguments.string("--cpu-percent")
        draft.memoryMegabytes = arguments.string("--memory-mb")
        draft.priority = arguments.string("--priority")
        draft.labels = arguments.strings("--label")
        let targets = ["--target-psnr", "--target-ssim", "--target-vmaf"].compactMap { flag in
            arguments.string(flag).map { JobDraft.TargetFlag(flag: flag, value: $0) }
        }
        guard targets.count <= 1 else { throw UsageError("give one quality target, not several") }
        draft.target = targets.first
        var generator = SystemRandomNumberGenerator()
        let id = arguments.string("--id") ?? ULID.make(unixMilliseconds: UInt64(now / 1_000_000), using: &generator)
        // --each-node's copies are one run: named by --name, else by the id.
        draft.runID = arguments.string("--name") ?? (arguments.flag("--each-node") ? id : nil)
        var matrix = JobMatrix(base: draft)
        var jobs: [Job]
        do {
            for axis in JobMatrix.Axis.allCases {
                if let list = arguments.string(axis.flag) { try matrix.set(axis, list: list) }
            }
            jobs = try matrix.jobs(id: id, submittedAt: now, validator: JobValidator(policy: .submitter))
        } catch {
            throw UsageError(error.description)
        }
        if let settle = try arguments.durationNanoseconds("--settle").map({ Double($0) / 1e9 }) {
            let range = ValidationPolicy.submitter.settleSeconds
            guard range.contains(settle) else {
                throw UsageError("--settle must be \(Int(range.lowerBound)) s to \(Int(range.upperBound)) s")
            }
            for index in jobs.indices { jobs[index].settleSeconds = settle }
        }
        return try repeated(jobs, arguments)
    }

    /// `--repeat N`: N rounds of every job, ids suffixed `-r1`…`-rN` (same configuration, distinct
    /// jobs); round by round, so a drift over time (heat, other load) touches every configuration alike.
    private static func repeated(_ jobs: [Job], _ arguments: ParsedArguments) throws -> [Job] {
        if arguments.flag("--confidence") {
            guard !arguments.isGiven("--repeat") else {
                throw UsageError("--confidence chooses the rounds: no --repeat")
            }
            guard arguments.isGiven("--name") else {
                throw UsageError("--confidence needs --name: the run it measures")
            }
            return jobs
        }
        let rounds = try arguments.int("--repeat") ?? 1
        guard (1...1000).contains(rounds) else { throw UsageError("--repeat must be 1 to 1000") }
        guard rounds > 1 else { return jobs }
        return try (1...rounds).flatMap { round in
            try jobs.map { job in
                try copy(job, round: round)
            }
        }
    }

    /// `job` for round `round`: its id suffixed `-r<round>`.
    static func copy(_ job: Job, round: Int) throws -> Job {
        var copy = job
        copy.id = job.id + "-r\(round)"
        guard Identifier.isValid(copy.id) else {
            throw UsageError("the job id \(copy.id) is too long for a repeat (a shorter --id helps)")
        }
        return copy
    }
}
