#if canImport(Glibc)
    import Glibc
#endif
import Net
import Support

/// The logging options every long-running part shares (`ffrtmp broker`, `master`, `agent`, `up`):
/// where (`--log-file`, standard error by default), how (`--log-format logfmt|json`) and how much
/// (`--log-level`, `--debug`). SIGUSR1 makes a file sink reopen its path, for logrotate.
public enum LogSettings {
    public static let options: [OptionSpec] = [
        OptionSpec(
            ["-l", "--log", "--log-file"], value: "FILE",
            help: "Append logs to FILE instead of standard error (reopened on SIGUSR1)"),
        OptionSpec(
            ["--log-format"], value: "FORMAT", help: "logfmt or json (one JSON object per line)",
            environment: "FFRTMP_LOG_FORMAT", default: "logfmt"),
        OptionSpec(
            ["--log-level"], value: "LEVEL", help: "Least severe level written: debug, info, warn or error",
            environment: "FFRTMP_LOG_LEVEL", default: "info"),
        OptionSpec(["-D", "--debug"], help: "Log debug events (the same as --log-level debug)"),
    ]

    /// The sink the options ask for; `path` and `debug` override `--log-file` and `--debug`
    /// (the broker's config file may set them). Installs the SIGUSR1 reopen: call this before any
    /// thread starts, as `SignalWaiter.blockTerminationSignals`.
    public static func sink(_ arguments: ParsedArguments, path: String? = nil, debug: Bool = false) throws -> LogSink {
        let format = try self.format(arguments.string("--log-format") ?? "logfmt")
        var level = try self.level(arguments.string("--log-level") ?? "info")
        if debug || arguments.flag("--debug") { level = .debug }
        let sink: LogSink
        if let file = arguments.string("--log") ?? path {
            sink = try LogSink(path: file, minimumLevel: level, format: format)
        } else {
            sink = LogSink.standardError
            sink.setMinimumLevel(level)
            sink.setFormat(format)
        }
        LogReopenSignal.install(for: sink)
        return sink
    }

    public static func format(_ text: String) throws(UsageError) -> LogFormat {
        guard let format = LogFormat(rawValue: text) else {
            throw UsageError("--log-format takes logfmt or json, not \"\(text)\"")
        }
        return format
    }

    public static func level(_ text: String) throws(UsageError) -> LogLevel {
        switch text {
        case "debug": .debug
        case "info": .info
        case "warn", "warning": .warning
        case "error": .error
        default: throw UsageError("--log-level takes debug, info, warn or error, not \"\(text)\"")
        }
    }
}

/// SIGUSR1 → `LogSink.reopen()` on a thread of its own (logrotate's `postrotate` sends it after
/// moving the file away). The signal is blocked in the calling thread, so in every thread started
/// after it; the process no longer dies of SIGUSR1's default action even when logging to stderr.
public enum LogReopenSignal {
    public static func install(for sink: LogSink) {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGUSR1)
        pthread_sigmask(SIG_BLOCK, &set, nil)
        _ = SystemThread.start(name: "log-reopen") {
            // This thread may start before main blocks SIGINT/SIGTERM/SIGHUP for the signal waiter:
            // it must never be the thread those land on (their default action would end the process
            // without a drain).
            var termination = sigset_t()
            sigemptyset(&termination)
            for signal in SignalWaiter.handled { sigaddset(&termination, signal) }
            pthread_sigmask(SIG_BLOCK, &termination, nil)
            var waited = sigset_t()
            sigemptyset(&waited)
            sigaddset(&waited, SIGUSR1)
            let logger = Logger(component: "log", sink: sink)
            while true {
                var received: Int32 = 0
                guard sigwait(&waited, &received) == 0 else { continue }
                do {
                    try sink.reopen()
                    logger.info("log file reopened", ["path": sink.path ?? "stderr"])
                } catch {
                    logger.error("cannot reopen the log file; still writing to the old one", ["error": error])
                }
            }
        }
    }
}
