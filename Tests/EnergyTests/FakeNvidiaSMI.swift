import Energy

/// A fake `nvidia-smi`: a shell script that prints the rows the test wrote for this step
/// (`--query-gpu`) or the pmon table (`pmon`). With `refusesInstantField` it answers the full
/// query as an old driver does ("not a valid field", exit 2) and only the compatible one.
final class FakeNvidiaSMI {
    let directory = TestDirectory()
    var path: String { directory.path + "/nvidia-smi" }

    init(refusesInstantField: Bool = false, sleepSeconds: Double = 0) {
        var script = "#!/bin/sh\n"
        if sleepSeconds > 0 { script += "sleep \(sleepSeconds)\n" }
        script += "dir='\(directory.path)'\n"
        script += "echo \"$@\" >> \"$dir/calls.txt\"\n"
        script += "case \"$1\" in\n  pmon) cat \"$dir/pmon.txt\"; exit 0;;\nesac\n"
        if refusesInstantField {
            script += "case \"$1\" in\n  *power.draw.instant*)\n"
            script += "    echo 'Field \"power.draw.instant\" is not a valid field to query.' >&2; exit 2;;\nesac\n"
            script += "cat \"$dir/rows-compatible.txt\"\n"
        } else {
            script += "cat \"$dir/rows.txt\"\n"
        }
        directory.write("nvidia-smi", script, mode: 0o755)
        setRows([])
        directory.write("pmon.txt", "")
    }

    /// One GPU's row, in the order of `NVIDIASMIQuery.full`; nil values print as `[N/A]`.
    struct Row {
        var index: Int
        var name = "NVIDIA L4"
        var driver = "550.54.15"
        var power: Double?
        var instant: Double?
        var limit: Double? = 72
        var utilization: Double? = 0
        var encoder: Double? = 0
        var decoder: Double? = 0
        var sessions: Int? = 0
        var temperature: Double? = 40
        var memoryUsed: Double? = 1024
    }

    /// Writes the rows for the next run (both field lists).
    func setRows(_ rows: [Row]) {
        func text(_ value: Double?) -> String { value.map { String($0) } ?? "[N/A]" }
        var full = ""
        var compatible = ""
        for row in rows {
            let head = ["\(row.index)", row.name, row.driver, text(row.power)]
            let tail = [
                text(row.limit), text(row.utilization), text(row.encoder), text(row.decoder),
                row.sessions.map(String.init) ?? "[Not Supported]", text(row.temperature), text(row.memoryUsed),
            ]
            full += (head + [text(row.instant)] + tail).joined(separator: ", ") + "\n"
            compatible += (head + tail).joined(separator: ", ") + "\n"
        }
        directory.write("rows.txt", full)
        directory.write("rows-compatible.txt", compatible)
    }

    func setProcessMonitor(_ text: String) { directory.write("pmon.txt", text) }

    /// The argument lines of every run so far.
    var calls: [String] {
        (LiveSystemFiles().read(directory.path + "/calls.txt").text ?? "").split(separator: "\n").map(String.init)
    }
}
