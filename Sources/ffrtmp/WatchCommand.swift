import CommandKit
import Client
import Console
import Model
import Support

/// `ffrtmp watch <job>`: a live progress line for one job (percent, fps, speed, node power, ETA) from
/// its events and its node's telemetry, then its result.
enum WatchCommand: CLICommand {
    static let spec = CommandSpec(
        name: "ffrtmp watch", summary: "Follow one job live: progress, fps, speed, watts, ETA, then its result",
        usage: "ffrtmp watch [options] <job-id>",
        options: ClientCommandOptions.all + [
            OptionSpec(["--timeout"], value: "DURATION", help: "Give up after this long (exit 1); default: never"),
            OptionSpec(["--json"], help: "Print each update as one JSON object per line"),
        ],
        discussion: """
            Reads evt.job.<id>.> and result.> from the EVENTS and RESULTS streams through ordered
            consumers (events stored while the connection is down are read once it is back), and
            listens to metrics.> (the running node's telemetry: the job's frame, fps, speed and
            progress, and the node's power, all its jobs together). On a
            terminal the progress line is redrawn in place:
              [#########-----------]  45%  frame 135  61.2 fps  2.04x  142 W  ETA 0:05  node-1
            When standard output is not a terminal, events are printed as lines, and progress at most
            every 5 seconds. It ends with the job's result: status, frames, fps, wall and CPU time,
            energy (with its source), J/frame, quality and cost.
            Events the EVENTS stream already holds are read first, so watching a job that already ended
            says so at once; an id nobody submitted is waited for (until --timeout).
            --json prints {"type":"progress","job_id","state","node_id","attempt","progress","frame",
            "fps","speed","node_w","eta_s"} per update and {"type":"result","result":{…}} at the end.
            Exit status: 0 the job succeeded, 1 it did not (or --timeout passed, or no server), 2 usage
            error.

            Examples:
              ffrtmp watch 01JD8Z3W5K6Q9R2T4V7X8Y0ABC
              ffrtmp watch ladder1-libx265-1080p-5M --timeout 10m
              ffrtmp watch job-42 --json | jq -c 'select(.type=="progress") | .progress'
            """)

    /// How long a final event may wait for its result before the watch ends without it.
    static let resultGrace: Duration = .seconds(10)

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        guard arguments.positionals.count == 1 else {
            throw UsageError("expected one job id (see ffrtmp watch --help)")
        }
        let jobID = arguments.positionals[0]
        guard Identifier.isValid(jobID) else {
            throw UsageError("\"\(jobID)\" is not a job id: \(Identifier.violation(jobID)!.reason)")
        }
        let limit = try arguments.durationNanoseconds("--timeout")
        let refusals = ServerRefusals()
        let connection = try ClientCommandOptions.connect(arguments, name: "ffrtmp watch") {
            $0.maxReconnectAttempts = -1
            $0.onServerError = refusals.record
        }
        defer { connection.close() }
        let inbox = MessageInbox()
        try connection.subscribe("metrics.>", into: inbox)
        // Events and results through ordered consumers from the streams' next messages (read before
        // the history below, so nothing falls between): kept up through reconnects. An identity that may
        // not read results (a submitter) follows the events alone and ends with the final one.
        let readsResults = try refusals.maySubscribe("result.>", on: connection)
        let context = JetStreamContext(connection: connection)
        let feed = try JobFeed(
            context: context, eventFilter: JobFeed.eventFilter(jobIDs: [jobID]), inbox: inbox, results: readsResults)
        defer { feed.stop() }
        var watch = JobWatch(jobID: jobID)
        let history = JobHistory.lastEvents(of: jobID, states: JobState.allCases, in: context)
        for event in history { _ = watch.apply(event) }
        var view = WatchView(json: arguments.flag("--json"), terminal: Terminal.isTerminal)
        if watch.hasFinalEvent {
            return view.endedBefore(watch)
        }
        view.show(watch, event: history.last)
        let clock = ContinuousClock()
        let deadline = limit.map { clock.now + .nanoseconds($0) }
        var finalSeen: ContinuousClock.Instant?
        var resultPayload: [UInt8] = []
        while !watch.isFinished {
            if let deadline, clock.now >= deadline {
                return view.gaveUp(watch, after: arguments.string("--timeout") ?? "")
            }
            if let finalSeen, !readsResults || clock.now - finalSeen >= resultGrace { break }
            let message: Message
            do {
                message = try inbox.next(timeout: .seconds(1))
            } catch .timeout {
                continue
            } catch {
                break
            }
            let hadFinal = watch.hasFinalEvent
            switch apply(message, to: &watch) {
            case .none: continue
            case .event(let event): view.show(watch, event: event)
            case .telemetry: view.show(watch, event: nil)
            case .result: resultPayload = message.payload
            }
            if watch.hasFinalEvent && !hadFinal { finalSeen = clock.now }
        }
        return view.finish(watch, payload: resultPayload, resultsReadable: readsResults)
    }

    /// What a message changed.
    enum Change { case none, event(JobEvent), telemetry, result }

    static func apply(_ message: Message, to watch: inout JobWatch) -> Change {
        let subject = message.subject
        if subject.hasPrefix("metrics.") {
            guard let sample = try? MessageCoding.decode(TelemetrySample.self, from: message.payload) else {
                return .none
            }
            return watch.apply(sample) ? .telemetry : .none
        }
        if subject.hasPrefix("result.") {
            guard let result = try? MessageCoding.decode(JobResult.self, from: message.payload) else { return .none }
            return watch.apply(result) ? .result : .none
        }
        guard let event = try? MessageCoding.decode(JobEvent.self, from: message.payload) else { return .none }
        return watch.apply(event) ? .event(event) : .none
    }
}
