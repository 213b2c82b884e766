import CommandKit
import Client
import Console
import Model
import Support

/// `ffrtmp cancel <job>…`: asks agents to stop jobs, through the CONTROL stream so an agent that has
/// not started a job yet skips it when it pulls it.
enum CancelCommand: CLICommand {
    static let spec = CommandSpec(
        name: "ffrtmp cancel", summary: "Cancel queued or running jobs",
        usage: "ffrtmp cancel [options] <job-id>… | --run NAME",
        options: ClientCommandOptions.all + [
            OptionSpec(["--timeout"], value: "DURATION", help: "How long to wait for the stream's ack", default: "5s"),
            OptionSpec(["--run"], value: "NAME", help: "Every job of this run that has not finished (asks the master)"),
            MasterClient.option,
            MasterClient.tokenFileOption,
            MasterClient.authorityOption,
            MasterClient.certificateOption,
            MasterClient.keyOption,
            OptionSpec(["--json"], help: "Print one JSON object per job"),
        ],
        discussion: """
            Publishes ctl.job.<id>.cancel for each job through JetStream. The CONTROL stream keeps the last
            request per job for 7 days: an agent checks it before starting a job it pulled (and reports the
            job cancelled without running it), and agents running the job hear the request at once and
            stop ffmpeg. Either way the job ends with a `cancelled` result. A job that has already ended is
            reported as such (the request is recorded anyway and does nothing).
            Without a CONTROL stream (`ffrtmp setup` not run) the request still reaches running agents but
            not ones that start the job later; that is reported.
            --run NAME asks the master (`--master`, env FFRTMP_MASTER) for the run's jobs and cancels each
            one not finished yet, the same way.
            --json prints {"job_id","subject","stream","sequence","already_ended"} per job.
            Exit status: 0 every request was sent, 1 failure, 2 usage error (such as an invalid id).

            Examples:
              ffrtmp cancel 01JD8Z3W5K6Q9R2T4V7X8Y0ABC
              ffrtmp cancel ladder1-libx264-720p-2M ladder1-libx264-720p-5M
              ffrtmp cancel --run ladder
            """)

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        var ids = arguments.positionals
        guard ids.isEmpty == arguments.isGiven("--run") else {
            throw UsageError("give job ids or --run NAME, not both nor neither (see ffrtmp cancel --help)")
        }
        for id in ids where !Identifier.isValid(id) {
            throw UsageError("\"\(id)\" is not a job id: \(Identifier.violation(id)!.reason)")
        }
        guard let timeout = try arguments.durationNanoseconds("--timeout"), timeout > 0 else {
            throw UsageError("--timeout must be above zero")
        }
        if let run = arguments.string("--run") {
            ids = try unfinishedJobs(of: run, arguments, timeout: timeout)
            if ids.isEmpty {
                print("run \(run): no job left to cancel")
                return 0
            }
        }
        let connection = try ClientCommandOptions.connect(arguments, name: "ffrtmp cancel") {
            $0.allowReconnect = false
        }
        defer { connection.close() }
        let context = JetStreamContext(connection: connection, timeout: .nanoseconds(timeout))
        var failed = false
        for id in ids {
            let subject = Subjects.cancel(jobID: id)
            let ended = JobHistory.finalEvent(of: id, in: context)
            var ack: PublishAck?
            var note: String?
            do {
                ack = try context.publish(subject, payload: [UInt8](), retries: 0)
            } catch .noStreamResponse {
                try connection.publish(subject, payload: [UInt8]())
                try connection.flush()
                note = "no stream stores \(subject) (run `ffrtmp setup`): only agents running it now hear it"
            } catch {
                failed = true
                printError("ffrtmp cancel: \(id): the request was not stored: \(error)\n")
                continue
            }
            if arguments.flag("--json") {
                var object = JSONObject()
                object.add("job_id", id)
                object.add("subject", subject)
                if let ack {
                    object.add("stream", ack.stream)
                    object.add("sequence", Int(ack.sequence))
                }
                if let ended { object.add("already_ended", ended.state.rawValue) }
                print(object.text)
            } else {
                var line = "\(id): cancel requested"
                if let ack { line += " (\(ack.stream) sequence \(ack.sequence))" }
                if let ended {
                    line +=
                        "; the job had already ended: \(ended.state.rawValue)"
                        + (ended.nodeID.map { " on " + $0 } ?? "")
                }
                print(line)
                if let note { printError("ffrtmp cancel: \(id): \(note)\n") }
            }
        }
        return failed ? 1 : 0
    }

    /// The ids of the run's jobs that have not finished, from the master.
    private static func unfinishedJobs(of run: String, _ arguments: ParsedArguments, timeout: Int64) throws -> [String]
    {
        guard Identifier.isValid(run) else { throw UsageError("--run: \"\(run)\" is not a run name") }
        let master = try MasterClient(arguments: arguments, timeout: .nanoseconds(timeout))
        let path = "/api/runs/\(run)"
        let detail = try master.decode(MasterRows.RunDetail.self, try master.fetch(path), path: path)
        return detail.jobs.filter { !$0.isFinished }.map(\.jobID)
    }
}
