#if canImport(Glibc)
    import Glibc
#endif
import Synchronization

/// Severity of a log line; lines below a sink's minimum level are dropped.
public enum LogLevel: Int, Comparable, Sendable, CustomStringConvertible {
    case debug, info, warning, error

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        switch self {
        case .debug: "debug"
        case .info: "info"
        case .warning: "warn"
        case .error: "error"
        }
    }
}

/// How a sink writes each event: one logfmt line (the default) or one JSON object per line.
public enum LogFormat: String, Sendable, CaseIterable {
    case logfmt, json
}

/// Where log lines go: a file descriptor (stderr by default) guarded by a lock, so lines from
/// several threads never interleave.
public final class LogSink: Sendable {
    private struct State {
        var fd: Int32
        var minimumLevel: LogLevel
        var format: LogFormat
        /// The file a file sink appends to, for `reopen()`; nil for standard error.
        var path: String?
    }
    private let state: Mutex<State>

    /// A sink writing logfmt to standard error.
    public convenience init(minimumLevel: LogLevel = .info) {
        self.init(minimumLevel: minimumLevel, format: .logfmt)
    }

    /// A sink writing `format` to standard error.
    public init(minimumLevel: LogLevel, format: LogFormat) {
        state = Mutex(State(fd: 2, minimumLevel: minimumLevel, format: format, path: nil))
    }

    /// A sink appending logfmt to the file at `path` (created with mode 0640 when missing).
    public convenience init(path: String, minimumLevel: LogLevel = .info) throws(SupportError) {
        try self.init(path: path, minimumLevel: minimumLevel, format: .logfmt)
    }

    /// A sink appending `format` to the file at `path` (created with mode 0640 when missing).
    public init(path: String, minimumLevel: LogLevel, format: LogFormat) throws(SupportError) {
        let fd = try Self.openLog(path)
        state = Mutex(State(fd: fd, minimumLevel: minimumLevel, format: format, path: path))
    }

    private static func openLog(_ path: String) throws(SupportError) -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
        if fd < 0 { throw SupportError("cannot open log file \(path): \(String(cString: strerror(errno)))") }
        return fd
    }

    /// Opens the file at the sink's path again and writes there from now on (after logrotate moved
    /// the old one away); the old descriptor is closed. Nothing for standard error. On failure
    /// the sink keeps writing to the file it had.
    public func reopen() throws(SupportError) {
        try state.withLock { (state: inout State) throws(SupportError) in
            guard let path = state.path else { return }
            let fd = try Self.openLog(path)
            close(state.fd)
            state.fd = fd
        }
    }

    /// The file this sink appends to; nil for standard error.
    public var path: String? { state.withLock { $0.path } }

    public var format: LogFormat { state.withLock { $0.format } }

    public func setFormat(_ format: LogFormat) { state.withLock { $0.format = format } }

    deinit {
        state.withLock { if $0.path != nil { close($0.fd) } }
    }

    public var minimumLevel: LogLevel {
        get { state.withLock { $0.minimumLevel } }
    }

    public func setMinimumLevel(_ level: LogLevel) { state.withLock { $0.minimumLevel = level } }

    public func accepts(_ level: LogLevel) -> Bool { state.withLock { level >= $0.minimumLevel } }

    func write(_ line: String) {
        state.withLock { state in
            var line = line
            // A log line that cannot be written has nowhere better to go: it is dropped.
            line.withUTF8 { bytes in try? Syscall.writeAll(state.fd, UnsafeRawBufferPointer(bytes)) }
        }
    }

    /// The process-wide default sink (stderr, info) used by loggers that are not given one.
    public static let standardError = LogSink()
}

/// Writes one logfmt line per event: `ts=… level=info comp=broker msg="client connected" cid=7`.
public struct Logger: Sendable {
    public let component: String
    public let sink: LogSink

    public init(component: String, sink: LogSink = .standardError) {
        self.component = component
        self.sink = sink
    }

    public func debug(_ message: @autoclosure () -> String, _ fields: KeyValuePairs<String, Any> = [:]) {
        log(.debug, message(), fields)
    }

    public func info(_ message: @autoclosure () -> String, _ fields: KeyValuePairs<String, Any> = [:]) {
        log(.info, message(), fields)
    }

    public func warning(_ message: @autoclosure () -> String, _ fields: KeyValuePairs<String, Any> = [:]) {
        log(.warning, message(), fields)
    }

    public func error(_ message: @autoclosure () -> String, _ fields: KeyValuePairs<String, Any> = [:]) {
        log(.error, message(), fields)
    }

    public func log(_ level: LogLevel, _ message: @autoclosure () -> String, _ fields: KeyValuePairs<String, Any>) {
        guard sink.accepts(level) else { return }
        let timestamp = Logger.timestampNow()
        switch sink.format {
        case .logfmt:
            sink.write(
                Logger.formatLine(
                    timestamp: timestamp, level: level, component: component, message: message(), fields: fields))
        case .json:
            sink.write(
                Logger.formatJSONLine(
                    timestamp: timestamp, level: level, component: component, message: message(), fields: fields))
        }
    }

    /// Builds one logfmt line (with trailing newline); public so its format can be tested.
    public static func formatLine(
        timestamp: String, level: LogLevel, component: String, message: String, fields: KeyValuePairs<String, Any>
    ) -> String {
        var line = "ts=\(timestamp) level=\(level) comp=\(component) msg=\(logfmtValue(message))"
        for (key, value) in fields {
            line += " \(key)=\(logfmtValue(String(describing: value)))"
        }
        line += "\n"
        return line
    }

    /// Quotes a value when it is empty or holds spaces, quotes, `=` or control characters.
    public static func logfmtValue(_ value: String) -> String {
        var needsQuotes = value.isEmpty
        for scalar in value.unicodeScalars where scalar == " " || scalar == "\"" || scalar == "=" || scalar.value < 0x20
        {
            needsQuotes = true
            break
        }
        guard needsQuotes else { return value }
        var quoted = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\r": quoted += "\\r"
            case "\t": quoted += "\\t"
            default:
                if scalar.value < 0x20 {
                    quoted += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    quoted.unicodeScalars.append(scalar)
                }
            }
        }
        quoted += "\""
        return quoted
    }

    /// UTC time with milliseconds, RFC 3339.
    static func timestampNow() -> String {
        Timestamp.rfc3339(nanoseconds: Timestamp.nowNanoseconds(), fractionDigits: 3)
    }
}
