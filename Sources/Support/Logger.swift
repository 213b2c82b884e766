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

/// Where log lines go: a file descriptor (stderr by default) guarded by a lock, so lines from
/// several threads never interleave.
public final class LogSink: Sendable {
    private struct State {
        var fd: Int32
        var minimumLevel: LogLevel
        var ownsDescriptor: Bool
    }
    private let state: Mutex<State>

    /// A sink writing to standard error.
    public init(minimumLevel: LogLevel = .info) {
        state = Mutex(State(fd: 2, minimumLevel: minimumLevel, ownsDescriptor: false))
    }

    /// A sink appending to the file at `path` (created with mode 0640 when missing).
    public init(path: String, minimumLevel: LogLevel = .info) throws(SupportError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
        if fd < 0 { throw SupportError("cannot open log file \(path): \(String(cString: strerror(errno)))") }
        state = Mutex(State(fd: fd, minimumLevel: minimumLevel, ownsDescriptor: true))
    }

    deinit {
        state.withLock { if $0.ownsDescriptor { close($0.fd) } }
    }

    public var minimumLevel: LogLevel {
        get { state.withLock { $0.minimumLevel } }
    }

    public func setMinimumLevel(_ level: LogLevel) { state.withLock { $0.minimumLevel = level } }

    public func accepts(_ level: LogLevel) -> Bool { state.withLock { level >= $0.minimumLevel } }

    func write(_ line: String) {
        state.withLock { state in
            var line = line
            line.withUTF8 { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = Glibc.write(state.fd, bytes.baseAddress! + offset, bytes.count - offset)
                    if written < 0 { if errno == EINTR { continue } else { return } }
                    offset += written
                }
            }
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
        sink.write(
            Logger.formatLine(
                timestamp: Logger.timestampNow(), level: level, component: component, message: message(), fields: fields
            ))
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
