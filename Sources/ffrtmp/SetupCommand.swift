import Client
import CommandKit
import Fleet
import Support

/// `ffrtmp setup`: declares ffrtmp's streams and job consumers on a JetStream server, idempotently.
enum SetupCommand: CLICommand {
    static let spec = CommandSpec(
        name: "ffrtmp setup", summary: "Declare ffrtmp's streams and consumers on a JetStream server",
        usage: "ffrtmp setup [options]",
        options: ClientCommandOptions.all + [
            OptionSpec(["--dry-run"], help: "Show what would be created or changed, change nothing"),
            OptionSpec(
                ["--replicas"], value: "N",
                help: "Stream replicas on a nats-server cluster (existing streams keep theirs unless given)"),
            OptionSpec(["--timeout"], value: "DURATION", help: "How long to wait for each answer", default: "5s"),
            OptionSpec(["--json"], help: "Print the outcome as one JSON object"),
        ],
        discussion: """
            Works against ffrtmp broker (-js) and nats-server (-js). Declares:
              JOBS     job.>     work queue, file storage, duplicate window 2m (Nats-Msg-Id de-duplication)
              EVENTS   evt.>     limits, kept 7 days
              RESULTS  result.>  limits, kept 30 days
              CONTROL  ctl.>     limits, kept 7 days, last message per subject (when the server allows it)
              JOB_ADVISORIES  $JS.EVENT.ADVISORY.CONSUMER.{MAX_DELIVERIES,MSG_TERMINATED}.JOBS.*
                       limits, kept 7 days, no_ack: jobs JetStream gave up on, for the master
              durable pull consumers cpu, nvenc, qsv, vaapi on JOBS, filtered on job.<capability>:
              explicit ack, ack wait 30s, max deliver 5, max ack pending 64
            Running it again changes nothing. A setting that differs is updated when the server allows the
            change; when it does not, the stream is reported with what differs and the server's reason.
            Settings ffrtmp does not declare (extra subjects, size limits) are left as they are.
            Exit status: 0 everything in place, 1 something could not be set up (or no JetStream),
            2 usage error.
            """)

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        guard arguments.positionals.isEmpty else {
            throw UsageError("setup takes no arguments (see ffrtmp setup --help)")
        }
        guard let timeout = try arguments.durationNanoseconds("--timeout"), timeout > 0 else {
            throw UsageError("--timeout must be above zero")
        }
        let replicas = try arguments.int("--replicas")
        if let replicas, !(1...5).contains(replicas) { throw UsageError("--replicas must be 1 to 5") }
        let url = arguments.string("--server") ?? "nats://127.0.0.1:4222"
        let connection = try ClientCommandOptions.connect(arguments, name: "ffrtmp setup") {
            $0.allowReconnect = false
        }
        defer { connection.close() }
        let context = JetStreamContext(connection: connection, timeout: .nanoseconds(timeout))
        let setup = JetStreamSetup(context: context, dryRun: arguments.flag("--dry-run"), replicas: replicas)
        let outcomes: [SetupOutcome]
        do {
            outcomes = try setup.applyFleet()
        } catch {
            throw explained(error, url: url, timeout: arguments.string("--timeout") ?? "5s")
        }
        if arguments.flag("--json") {
            print(json(outcomes, url: url, dryRun: setup.dryRun))
        } else {
            print(humanText(outcomes, url: url, dryRun: setup.dryRun), terminator: "")
        }
        return outcomes.contains(where: \.isFailure) ? 1 : 0
    }

    /// The two failures that stop setup before it starts, in words that say what to do.
    static func explained(_ error: JetStreamError, url: String, timeout: String) -> any Error {
        switch error {
        case .notEnabled:
            SupportError("JetStream is not enabled on \(url) (start ffrtmp broker or nats-server with -js)")
        case .timeout:
            SupportError("no answer from the JetStream API on \(url) within \(timeout)")
        default:
            error
        }
    }

    static func humanText(_ outcomes: [SetupOutcome], url: String, dryRun: Bool) -> String {
        var text = (dryRun ? "Dry run against " : "JetStream at ") + url + ":\n"
        let width = (outcomes.map { $0.kind.rawValue.count + 1 + $0.name.count }.max() ?? 0) + 2
        func padded(_ text: String, _ width: Int) -> String {
            text + String(repeating: " ", count: max(1, width - text.count))
        }
        for outcome in outcomes {
            let changes = outcome.changes.map(\.description).joined(separator: ", ")
            let detail = outcome.error ?? (changes.isEmpty ? outcome.summary : changes)
            let line =
                "  " + padded(outcome.kind.rawValue + " " + outcome.name, width)
                + (detail.isEmpty ? outcome.action.rawValue : padded(outcome.action.rawValue, 14) + detail)
            text += line + "\n"
            if let note = outcome.note { text += "      note: " + note + "\n" }
        }
        let failed = outcomes.filter(\.isFailure).count
        if failed > 0 {
            text += "\(failed) of \(outcomes.count) could not be set up.\n"
        } else {
            let counts = Dictionary(grouping: outcomes, by: \.action).mapValues(\.count)
            let order: [SetupOutcome.Action] = [.created, .updated, .wouldCreate, .wouldUpdate, .unchanged]
            let parts = order.compactMap { action in counts[action].map { "\($0) \(action.rawValue)" } }
            text += (dryRun ? "Nothing changed: " : "Done: ") + parts.joined(separator: ", ") + ".\n"
        }
        return text
    }

    static func json(_ outcomes: [SetupOutcome], url: String, dryRun: Bool) -> String {
        var object = JSONObject()
        object.add("server", url)
        object.add("dry_run", dryRun)
        object.add("ok", !outcomes.contains(where: \.isFailure))
        let results = outcomes.map { outcome in
            var entry = JSONObject()
            entry.add("kind", outcome.kind.rawValue)
            entry.add("name", outcome.name)
            entry.add("action", outcome.action.rawValue)
            if !outcome.summary.isEmpty { entry.add("summary", outcome.summary) }
            if !outcome.changes.isEmpty {
                let changes = outcome.changes.map { change in
                    var item = JSONObject()
                    item.add("field", change.field)
                    item.add("current", change.current)
                    item.add("wanted", change.wanted)
                    return item.text
                }
                entry.add("changes", raw: "[" + changes.joined(separator: ",") + "]")
            }
            if let note = outcome.note { entry.add("note", note) }
            if let error = outcome.error { entry.add("error", error) }
            return entry.text
        }
        object.add("results", raw: "[" + results.joined(separator: ",") + "]")
        return object.text
    }
}
