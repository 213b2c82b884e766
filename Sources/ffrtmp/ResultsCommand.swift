import CommandKit
import Console
import Model
import Support

/// `ffrtmp results`: finished jobs with their speed, energy and quality, as a table, CSV or JSON, or
/// the per configuration × node summary.
enum ResultsCommand: CLICommand {
    static let spec = CommandSpec(
        name: "ffrtmp results", summary: "Show job results: speed, energy, J/frame (from the master); --summary, --csv",
        usage: "ffrtmp results [options]",
        options: MasterOptions.all + MasterOptions.paging + [
            OptionSpec(["--scenario"], value: "NAME", help: "Only this scenario"),
            OptionSpec(["--encoder"], value: "NAME", help: "Only this encoder"),
            OptionSpec(["--node"], value: "NODE", help: "Only this node"),
            OptionSpec(["--run"], value: "NAME", help: "Only jobs of this run (ffrtmp submit --name)"),
            OptionSpec(["--status"], value: "STATUS", help: "Only succeeded, failed, timeout, cancelled or rejected"),
            OptionSpec(
                ["--since"], value: "DURATION", help: "Only results finished in the last DURATION: 30m, 24h"),
            OptionSpec(
                ["--summary"], help: "Mean ± 95% interval per configuration × node over succeeded results"),
            OptionSpec(
                ["--energy"], value: "BASIS",
                help: "With --summary: gross (default) or net energy (less the idle baseline of --settle jobs)"),
            OptionSpec(["--csv"], help: "Write CSV (a header row, raw numbers) instead of a table"),
        ],
        discussion: """
            Reads GET /api/results (or /api/summary with --summary) of the master's HTTP API (`--master`,
            env FFRTMP_MASTER), newest first. The table shows job, status, node, encoder, size, frames, fps,
            wall time, energy, J/frame, energy source (rapl, nvml-energy, nvidia-smi, estimated…) and how
            long ago each finished; failures are listed under it with their errors.
            --summary compares like with like: one row per configuration (encoder, preset, rate control,
            size, fps, pixel format, input, length) × node, with n and mean ± 95 % confidence interval
            (Student t) of fps, J/frame, W, PSNR and SSIM, and the CV of J/frame; unlike runs are never
            averaged. --scenario, --encoder, --node and --run filter it (the API does, so --json too).
            --csv writes raw numbers (joules, seconds; times as RFC 3339) for spreadsheets, quoting fields as
            RFC 4180 says. --json prints the API's answer unchanged (full result messages).
            Exit status: 0 shown, 1 the master could not be read, 2 usage error.

            Examples:
              ffrtmp results
              ffrtmp results --encoder libx265 --since 24h
              ffrtmp results --summary
              ffrtmp results --summary --run ladder --json
              ffrtmp results --scenario 1080p60-h265 --limit 1000 --csv > results.csv
            """)

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        guard arguments.positionals.isEmpty else {
            throw UsageError("results takes no arguments (see ffrtmp results --help)")
        }
        if arguments.flag("--csv") && arguments.flag("--json") { throw UsageError("choose --csv or --json, not both") }
        if let status = arguments.string("--status"), JobResult.Status(rawValue: status) == nil {
            throw UsageError(
                "--status: unknown status \"\(status)\"; one of " + JobResult.Status.allNames.joined(separator: ", "))
        }
        if arguments.isGiven("--energy") && !arguments.flag("--summary") {
            throw UsageError("--energy chooses the summary's energy: it needs --summary")
        }
        let master = try MasterOptions.client(arguments)
        if arguments.flag("--summary") { return try summary(arguments, master) }
        var since: String?
        if let age = try arguments.durationNanoseconds("--since") {
            since = String(max(0, Timestamp.nowNanoseconds() - age))
        }
        let query: [(name: String, value: String?)] =
            [
                ("scenario", arguments.string("--scenario")), ("encoder", arguments.string("--encoder")),
                ("node", arguments.string("--node")), ("status", arguments.string("--status")), ("since", since),
                ("run", arguments.string("--run")),
            ] + (try MasterOptions.pagingQuery(arguments))
        let body = try master.fetch("/api/results", query: query)
        if arguments.flag("--json") {
            print(String(decoding: body, as: UTF8.self))
            return 0
        }
        let list = try master.decode(MasterRows.ResultList.self, body, path: "/api/results")
        if list.undecodable > 0 {
            printError(
                "ffrtmp results: \(list.undecodable) result(s) could not be read and are left out (--json shows them)\n"
            )
        }
        if arguments.flag("--csv") {
            print(ResultTable.csv(list.results), terminator: "")
            return 0
        }
        if list.results.isEmpty {
            print("No results" + (query.dropLast(2).contains { $0.value != nil } ? " match." : " yet."))
            return 0
        }
        print(
            ResultTable.table(list.results, now: Timestamp.nowNanoseconds(), regionCosts: list.regionCosts).text,
            terminator: "")
        let failures = ResultTable.failures(list.results)
        if !failures.isEmpty { print("\n" + failures, terminator: "") }
        MasterOptions.moreNote(list.results.count + list.undecodable, arguments, what: "results")
        return 0
    }

    static func summary(_ arguments: ParsedArguments, _ master: MasterClient) throws -> Int32 {
        if arguments.isGiven("--status") || arguments.isGiven("--since") || arguments.isGiven("--offset") {
            throw UsageError("--summary covers every succeeded result: --status, --since and --offset do not apply")
        }
        if let basis = arguments.string("--energy"), basis != "gross" && basis != "net" {
            throw UsageError("--energy takes gross or net, not \"\(basis)\"")
        }
        let query = ["--scenario", "--encoder", "--node", "--run", "--energy"].map { flag in
            (name: String(flag.dropFirst(2)), value: arguments.string(flag))
        }
        let body = try master.fetch("/api/summary", query: query)
        if arguments.flag("--json") {
            print(String(decoding: body, as: UTF8.self))
            return 0
        }
        let rows = try master.decode(MasterRows.SummaryList.self, body, path: "/api/summary").summary
        if arguments.flag("--csv") {
            print(MasterTables.summaryCSV(rows), terminator: "")
        } else if rows.isEmpty {
            print("No succeeded results yet.")
        } else {
            print(MasterTables.summary(rows).text, terminator: "")
        }
        return 0
    }
}
