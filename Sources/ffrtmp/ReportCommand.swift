import CommandKit
import Console
import Model
import Support

/// `ffrtmp report --run NAME`: the run's report, one self-contained HTML page the master renders,
/// or the same comparison rows as CSV or JSON.
enum ReportCommand: CLICommand {
    static let spec = CommandSpec(
        name: "ffrtmp report", summary: "A benchmark run's report: HTML comparison table and charts, or CSV/JSON",
        usage: "ffrtmp report --run NAME [--out FILE.html | --csv | --json]",
        options: [
            MasterClient.option,
            MasterClient.tokenFileOption,
            MasterClient.authorityOption,
            MasterClient.certificateOption,
            MasterClient.keyOption,
            OptionSpec(
                ["--timeout"], value: "DURATION", help: "How long to wait for the master's answer", default: "10s"),
            OptionSpec(["--run"], value: "NAME", help: "The run (ffrtmp submit --name)"),
            OptionSpec(["--out"], value: "FILE", help: "Write the HTML page to FILE instead of standard output"),
            OptionSpec(["--csv"], help: "The comparison rows as CSV"),
            OptionSpec(["--json"], help: "The comparison rows as the API's JSON"),
        ],
        discussion: """
            Reads GET /api/runs/NAME/report (HTML) or, with --csv or --json, /api/summary?run=NAME from the
            master (`--master`, env FFRTMP_MASTER). The page needs nothing else: inline CSS and SVG, no
            script, no external asset, so it opens from disk and can be mailed. It holds the comparison
            table (configuration × hardware: n, mean ± 95 % interval of fps, J/frame, W, PSNR, SSIM, and
            the CV of J/frame) and charts of J/frame against fps and, when measured, against quality, one
            colour per node, intervals as error bars.
            Exit status: 0 written, 1 the master could not be read (or has no such run) or FILE could not
            be written, 2 usage error.

            Examples:
              ffrtmp report --run ladder --out ladder.html
              ffrtmp report --run ladder --csv > ladder.csv
            """)

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        guard arguments.positionals.isEmpty else {
            throw UsageError("report takes no arguments (see ffrtmp report --help)")
        }
        guard let run = arguments.string("--run") else { throw UsageError("--run NAME is required") }
        guard Identifier.isValid(run) else { throw UsageError("--run: \"\(run)\" is not a run name") }
        let formats = ["--csv", "--json", "--out"].filter { arguments.isGiven($0) }
        if formats.count > 1 { throw UsageError("choose one of --out, --csv and --json") }
        let master = try MasterOptions.client(arguments)
        if arguments.flag("--csv") || arguments.flag("--json") {
            let body = try master.fetch("/api/summary", query: [("run", run)])
            if arguments.flag("--json") {
                print(String(decoding: body, as: UTF8.self))
            } else {
                let rows = try master.decode(MasterRows.SummaryList.self, body, path: "/api/summary").summary
                print(MasterTables.summaryCSV(rows), terminator: "")
            }
            return 0
        }
        let page = try master.fetch("/api/runs/\(run)/report")
        guard let path = arguments.string("--out") else {
            print(String(decoding: page, as: UTF8.self), terminator: "")
            return 0
        }
        do {
            try DurableFiles.replace(path, with: page)
        } catch {
            printError("ffrtmp report: could not write \(path): \(error)\n")
            return 1
        }
        print("wrote \(path) (run \(run))")
        return 0
    }
}
