import CommandKit
import Client
import Console
import Model
import Support

/// `ffrtmp submit`: builds jobs from a scenario preset and flags, or a matrix of them, checks each as
/// an agent would, and queues them through JetStream; `--wait` follows them to their results.
enum SubmitCommand: CLICommand {
    static let spec = CommandSpec(
        name: "ffrtmp submit", summary: "Submit transcoding jobs (a preset, flags or a matrix); --wait for results",
        usage: "ffrtmp submit [options]",
        options: ClientCommandOptions.all + SubmitOptions.job + SubmitOptions.campaign + SubmitOptions.matrix + [
            OptionSpec(["--id"], value: "ID", help: "The job's id, or the matrix's id prefix (default: a new ULID)"),
            OptionSpec(["--wait"], help: "Wait for every job's result and print a result table"),
            OptionSpec(["--timeout-wait"], value: "DURATION", help: "With --wait: give up after this long (exit 1)"),
            OptionSpec(
                ["--ack-timeout"], value: "DURATION", help: "How long to wait for the stream's acks", default: "5s"),
            OptionSpec(["--dry-run"], help: "Print the job JSON that would be sent; send nothing"),
            OptionSpec(["--json"], help: "Machine output: one JSON object per line"),
            OptionSpec(["--list-scenarios"], help: "List the scenario presets and exit"),
        ] + SubmitOptions.targets,
        discussion: """
            A job is a scenario preset (--scenario 1080p60-h265: size, rate, encoder, preset, bitrate and a
            10 s testsrc2 source) with any field overridden by its flag, or flags alone (then --encoder,
            --resolution and --fps are needed, and the source is 10 s of testsrc2). Values: --resolution 1280x720 or 720p/1080p/1440p/4k; --bitrate 3M, 2500k or 800000
            (bit/s); --duration 10, 10s or 2m; --input generated[:PATTERN], clip:NAME (a clip stored with
            ffrtmp clips put), an absolute path on the agent, or an rtmp:// / srt:// URL; --output null
            (default), a file name in the agent's work dir, or an rtmp:// URL; --quality psnr,ssim,vmaf; --timeout
            is the job's wall-clock limit. --keep-output uploads the output file (output.mp4 unless --output
            names one) to the object store bucket outputs under the job id, for ffrtmp clips get --bucket
            outputs ID; the result says its digest (kept_output).
            A matrix gives lists: --encoders, --resolutions, --bitrates, --crfs, --presets, --scenarios.
            Every combination is one job named <id>-<values> (run7-libx265-1080p-5M), at most 1000.
            A campaign: --name NAME makes every job part of run NAME (ffrtmp runs, results --run,
            report --run, cancel --run); --repeat N sends N copies of each job (ids …-r1…-rN), round by round.
            --confidence (with --name) sends rounds itself: after each it waits until the master has every
            job of the run finished, and stops once every configuration's J/frame has a CV under 5 % (from
            round 2), or after 5 rounds.
            Each job is checked locally with the agents' validator before anything is sent; a bad value
            is refused naming its flag and nothing is sent. File paths and extra URL schemes are checked
            again by the agent against its own settings.
            Choosing machines: --node NAME sends every job to that node alone, on job.node.NAME.<capability>,
            where it waits for that node even when it is offline. --each-node sends one copy of each job to
            every live node (available or busy, from the master's GET /api/nodes) whose probe proved the job's
            capability, ids suffixed -<node>, as one run (--name, else the id). --hardware ID keeps the nodes
            whose heartbeat carries that hardware_id: with --each-node one copy per such node, alone one copy
            to the least busy of them. A job no live node can take is refused and nothing is sent.
            Jobs go to job.<capability> (job.cpu, job.nvenc…) with the job id as Nats-Msg-Id: re-submitting
            an id within 2 minutes is reported as a duplicate and queued once. A `queued` event follows
            on evt.job.<id>.queued.
            --wait follows the jobs' events and results (from EVENTS and RESULTS, so those stored while
            the connection was down are still read) from before sending, prints progress, and ends
            with a table (job, status, node, frames, fps, wall time, energy, J/frame, energy source).
            Stopping the wait (Ctrl-C, --timeout-wait) does not stop the jobs; `ffrtmp cancel` does.
            --json prints {"type":"submitted",…} per job, then with --wait each event and result as
            {"type":"event"|"result",…} and a final {"type":"summary",…}.
            Exit status: 0 submitted (with --wait: every job succeeded), 1 failure (not sent, or a job
            did not succeed, or --timeout-wait passed), 2 usage error or a job refused by validation.

            Examples:
              ffrtmp submit --scenario 720p30-h264
              ffrtmp submit --scenario 1080p60-h265 --encoder hevc_nvenc --duration 30s --wait
              ffrtmp submit --encoder libx264 --resolution 720p --fps 30 --bitrate 3M --preset fast --label run=nightly
              ffrtmp submit --id ladder1 --encoders libx264,libx265 --resolutions 720p,1080p --bitrates 2M,5M --wait
              ffrtmp submit --scenario 720p30-h264 --dry-run
              ffrtmp submit --id ab --name ab --encoders libx264,libx265 --resolutions 160x90,320x180 --repeat 3
              ffrtmp submit --scenario 720p30-h264 --node gpu-box-2
              ffrtmp submit --id cmp --scenario 1080p30-h264 --each-node --hardware 3f9c2a61d0b4e857
            """)

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        guard arguments.positionals.isEmpty else {
            throw UsageError("submit takes no arguments, only options (see ffrtmp submit --help)")
        }
        if arguments.flag("--list-scenarios") {
            for scenario in ScenarioCatalog.all { print(scenario.name.padding(to: 20) + scenario.summary) }
            return 0
        }
        let now = Timestamp.nowNanoseconds()
        let jobs = try routed(SubmitOptions.jobs(arguments, now: now), arguments)
        let json = arguments.flag("--json")
        if arguments.flag("--dry-run") {
            for job in jobs { print(String(decoding: try MessageCoding.encode(job), as: UTF8.self)) }
            return 0
        }
        guard let ackTimeout = try arguments.durationNanoseconds("--ack-timeout"), ackTimeout > 0 else {
            throw UsageError("--ack-timeout must be above zero")
        }
        let waitLimit = try arguments.durationNanoseconds("--timeout-wait")
        if waitLimit != nil && !arguments.flag("--wait") { throw UsageError("--timeout-wait needs --wait") }
        let wait = arguments.flag("--wait")
        let refusals = ServerRefusals()
        let connection = try ClientCommandOptions.connect(arguments, name: "ffrtmp submit") {
            $0.allowReconnect = wait
            $0.maxReconnectAttempts = -1
            $0.onServerError = refusals.record
        }
        defer { connection.close() }
        let context = JetStreamContext(connection: connection, timeout: .nanoseconds(ackTimeout))
        let inbox = MessageInbox()
        // Before sending: a fast job's events must not pass before anyone listens. Read through ordered
        // consumers, events stored while the connection is down are still seen. An identity that may not
        // read results (a submitter) follows the events alone; each job ends with its final event.
        let readsResults = wait ? try refusals.maySubscribe("result.>", on: connection) : true
        if !readsResults && !json {
            printError("ffrtmp submit: this identity may not read results: each job ends with its final event\n")
        }
        let feed =
            wait
            ? try JobFeed(
                context: JetStreamContext(connection: connection),
                eventFilter: JobFeed.eventFilter(jobIDs: jobs.map(\.id)), inbox: inbox, results: readsResults) : nil
        defer { feed?.stop() }
        if arguments.flag("--confidence") {
            if wait { throw UsageError("--confidence waits for each round itself: no --wait") }
            var campaign = ConfidenceCampaign(
                jobs: jobs, run: arguments.string("--name") ?? "", submitter: JobSubmitter(context: context),
                master: try MasterClient(arguments: arguments))
            return try campaign.run(json: json, url: ClientCommandOptions.url(arguments))
        }
        let outcomes = JobSubmitter(context: context).submit(jobs, at: now)
        let sent = report(outcomes, json: json, url: ClientCommandOptions.url(arguments))
        guard wait else { return sent ? 0 : 1 }
        guard sent else { return 1 }
        var tracker = JobTracker(jobIDs: outcomes.filter { (try? $0.ack.get()) != nil }.map(\.jobID))
        for outcome in outcomes where outcome.isDuplicate {
            if let event = JobHistory.finalEvent(of: outcome.jobID, in: context) { tracker.noteEnded(event) }
        }
        return SubmitWait.follow(&tracker, inbox: inbox, limit: waitLimit, json: json, results: readsResults)
    }

    /// The jobs sent to the nodes `--node`, `--each-node` and `--hardware` choose (the latter two read
    /// the master's node list).
    static func routed(_ jobs: [Job], _ arguments: ParsedArguments) throws -> [Job] {
        let selection = try SubmitOptions.selection(arguments)
        guard selection.node != nil || selection.needsNodeList else { return jobs }
        var nodes: [MasterRows.Node] = []
        if selection.needsNodeList {
            let master = MasterClient(baseURL: arguments.string("--master") ?? "http://127.0.0.1:8080")
            nodes = try master.decode(MasterRows.NodeList.self, master.fetch("/api/nodes"), path: "/api/nodes").nodes
        }
        do {
            return try selection.route(jobs, nodes: nodes)
        } catch {
            throw UsageError(error.description)
        }
    }

    /// Prints what happened to each job; false when any job was not stored.
    static func report(_ outcomes: [JobSubmitter.Outcome], json: Bool, url: String) -> Bool {
        var failures = 0
        for outcome in outcomes {
            switch outcome.ack {
            case .success(let ack):
                if json {
                    var object = JSONObject()
                    object.add("type", "submitted")
                    object.add("job_id", outcome.jobID)
                    object.add("subject", outcome.subject)
                    object.add("stream", ack.stream)
                    object.add("sequence", Int(ack.sequence))
                    object.add("duplicate", ack.duplicate)
                    Terminal.write(object.text + "\n")
                } else if ack.duplicate {
                    Terminal.write(
                        "\(outcome.jobID): duplicate of \(ack.stream) sequence \(ack.sequence) (this id was already "
                            + "submitted; not queued again)\n")
                } else {
                    Terminal.write(
                        "\(outcome.jobID): queued on \(outcome.subject) (\(ack.stream) sequence \(ack.sequence))\n")
                }
                if let error = outcome.queuedEventError {
                    printError(
                        "ffrtmp submit: \(outcome.jobID) is queued but its queued event was not stored: \(error)\n")
                }
            case .failure(let error):
                failures += 1
                printError(
                    "ffrtmp submit: \(outcome.jobID) was not submitted: \(explained(error, outcome.subject, url))\n")
            }
        }
        return failures == 0
    }

    static func explained(_ error: JetStreamError, _ subject: String, _ url: String) -> String {
        switch error {
        case .noStreamResponse:
            "no stream stores \(subject) on \(url) (run `ffrtmp setup -s \(url)` first)"
        case .timeout:
            "no acknowledgement in time (re-submit with the same --id: the stream stores it once)"
        case .streamUnavailable:
            "\(error.description); re-submit with the same --id (the stream stores it once)"
        default:
            error.description
        }
    }
}

extension String {
    /// The text followed by spaces up to `width` characters (at least one space).
    func padding(to width: Int) -> String { self + String(repeating: " ", count: Swift.max(1, width - count)) }
}
