import Support

/// Every check, in the order they ran; prints for people or as JSON, and gives the exit status.
public struct DoctorReport: Sendable {
    public var checks: [DoctorCheck]

    public init(checks: [DoctorCheck]) { self.checks = checks }

    /// 0 when nothing needed failed, 1 otherwise.
    public var exitStatus: Int32 { checks.contains { $0.state == .failed } ? 1 : 0 }

    /// One line per check (`[ok]`, `[not-present]`, `[warning]`, `[FAILED]`), fixes indented below.
    public var text: String {
        var text = ""
        var area = ""
        for check in checks {
            if check.area != area {
                area = check.area
                text += (text.isEmpty ? "" : "\n") + area + "\n"
            }
            let label = check.state == .failed ? "FAILED" : check.state.rawValue
            text += "  [\(label)] \(check.name): \(check.detail)\n"
            if let fix = check.fix { text += "      fix: \(fix)\n" }
        }
        let failed = checks.filter { $0.state == .failed }.count
        text += failed == 0 ? "\nAll needed checks passed.\n" : "\n\(failed) needed check(s) failed.\n"
        return text
    }

    /// `{"ok":true,"checks":[{"area","name","state","detail","fix"}]}`.
    public var json: String {
        let items = checks.map { check in
            "{\"area\":" + JSONStringLiteral.quoted(check.area) + ",\"name\":" + JSONStringLiteral.quoted(check.name)
                + ",\"state\":" + JSONStringLiteral.quoted(check.state.rawValue) + ",\"detail\":"
                + JSONStringLiteral.quoted(check.detail)
                + (check.fix.map { ",\"fix\":" + JSONStringLiteral.quoted($0) } ?? "") + "}"
        }
        return "{\"ok\":\(exitStatus == 0),\"checks\":[" + items.joined(separator: ",") + "]}\n"
    }
}
