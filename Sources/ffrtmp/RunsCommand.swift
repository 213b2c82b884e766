import CommandKit
import Console
import Support

/// `ffrtmp runs`: benchmark runs (`ffrtmp submit --name`) and how far each got.
enum RunsCommand: CLICommand {
    static let spec = CommandSpec(
        name: "ffrtmp runs", summary: "List benchmark runs (submit --name) and their progress (from the master)",
        usage: "ffrtmp runs [options]",
        options: MasterOptions.all,
        discussion: """
            Reads GET /api/runs of the master's HTTP API (`--master`, env FFRTMP_MASTER): each run's name,
            jobs, how many succeeded, failed (failed, timeout, cancelled, rejected) or are pending, when its
            first job was queued and, once none is pending, when its last finished; newest first.
            --json prints the API's answer: {"runs":[{run_id,jobs,succeeded,failed,pending,started_at,
            finished_at}]} (times in Unix nanoseconds).
            Exit status: 0 listed, 1 the master could not be read, 2 usage error.

            Examples:
              ffrtmp runs
              ffrtmp results --summary --run ladder
              ffrtmp report --run ladder --out ladder.html
            """)

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        guard arguments.positionals.isEmpty else {
            throw UsageError("runs takes no arguments (see ffrtmp runs --help)")
        }
        let master = try MasterOptions.client(arguments)
        let body = try master.fetch("/api/runs")
        if arguments.flag("--json") {
            print(String(decoding: body, as: UTF8.self))
            return 0
        }
        let runs = try master.decode(MasterRows.RunList.self, body, path: "/api/runs").runs
        if runs.isEmpty {
            print("No runs yet (ffrtmp submit --name NAME starts one).")
        } else {
            print(MasterTables.runs(runs, now: Timestamp.nowNanoseconds()).text, terminator: "")
        }
        return 0
    }
}
