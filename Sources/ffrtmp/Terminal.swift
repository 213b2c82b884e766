#if canImport(Glibc)
    import Glibc
#endif

/// Standard output as the streaming commands (`submit --wait`, `watch`) use it: written at once
/// (nothing waits in a buffer when piped), and whether it is a terminal a line can be redrawn on.
enum Terminal {
    /// Standard output is a terminal.
    static var isTerminal: Bool { isatty(1) == 1 }

    /// Columns of the terminal; 80 when unknown.
    static var width: Int {
        var size = winsize()
        guard ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }

    /// Writes `text` to standard output now.
    static func write(_ text: String) { MessagePrinter.write(Array(text.utf8)) }

    /// Replaces the current terminal line with `text` (no newline).
    static func redraw(_ text: String) { write("\r\u{1B}[K" + text) }
}
