/// A procfs in a temporary folder: the host's `stat` and `<pid>/stat` lines the test writes at
/// each step (ticks at 100 per second).
final class FakeProc {
    let directory = TestDirectory()
    var root: String { directory.path }
    static let ticksPerSecond = 100.0

    private var user: UInt64 = 0
    private var idle: UInt64 = 0
    private var iowait: UInt64 = 0

    /// Advances the host's counters: `busy` ticks of work, `idle` idle and `iowait` waiting.
    func advanceHost(busy: UInt64, idle: UInt64, iowait: UInt64 = 0) {
        user += busy
        self.idle += idle
        self.iowait += iowait
        // user nice system idle iowait irq softirq steal guest guest_nice
        let line = "\(user) 0 0 \(self.idle) \(self.iowait) 0 0 0 0 0\n"
        directory.write("stat", "cpu  " + line + "cpu0 " + line + "intr 0\nctxt 0\nbtime 0\n")
    }

    /// Writes a process's stat line with `utime`/`stime` (ticks) and optional reaped-children
    /// ticks; the command name has spaces and parentheses, as real ones may.
    func setProcess(
        _ processID: Int32, parent: Int32, user: UInt64, system: UInt64 = 0, childrenUser: UInt64 = 0,
        start: UInt64 = 5000
    ) {
        var fields = ["S", "\(parent)", "1", "1", "0", "-1", "4194304", "0", "0", "0", "0"]
        fields += ["\(user)", "\(system)", "\(childrenUser)", "0", "20", "0", "1", "0", "\(start)"]
        fields += ["1000", "100", "18446744073709551615"]
        directory.write("\(processID)/stat", "\(processID) (ff mpeg (worker)) " + fields.joined(separator: " ") + "\n")
    }

    func removeProcess(_ processID: Int32) { directory.remove("\(processID)") }
}
