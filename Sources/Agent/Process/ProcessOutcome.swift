/// How a child process ended and what it used.
public struct ProcessOutcome: Sendable, Equatable {
    /// The kernel's account of the end.
    public enum Termination: Sendable, Equatable, CustomStringConvertible {
        /// `exit(code)`.
        case exited(Int32)
        /// Ended by this signal.
        case signaled(Int32)
        /// Reaped by someone else (SIGCHLD ignored): the status is lost.
        case unknown

        public var description: String {
            switch self {
            case .exited(let code): "exit status \(code)"
            case .signaled(let signal): "killed by signal \(signal)\(Self.signalName(signal).map { " (\($0))" } ?? "")"
            case .unknown: "exit status unknown"
            }
        }

        private static func signalName(_ signal: Int32) -> String? {
            [1: "SIGHUP", 2: "SIGINT", 6: "SIGABRT", 9: "SIGKILL", 11: "SIGSEGV", 13: "SIGPIPE", 15: "SIGTERM"][signal]
        }
    }

    /// Why we stopped the child, when we did.
    public enum StopReason: String, Sendable, Equatable {
        /// It ran past its deadline.
        case timedOut
        /// Someone asked it to stop (`ChildProcess.stop(.cancelled, …)`).
        case cancelled
    }

    public var termination: Termination
    /// Set when we signalled the child to stop; it wins over however it then exited.
    public var stopReason: StopReason?
    /// From `wait4`'s rusage: the child and the descendants it reaped.
    public var userCPUSeconds: Double
    public var systemCPUSeconds: Double
    /// `ru_maxrss`, in bytes.
    public var maximumResidentBytes: Int64
    /// From spawn to exit.
    public var wallSeconds: Double
    /// The last lines of stderr.
    public var logTail: [String]

    /// User plus system CPU time.
    public var cpuSeconds: Double { userCPUSeconds + systemCPUSeconds }

    /// Exit status 0 and not stopped by us.
    public var succeeded: Bool { termination == .exited(0) && stopReason == nil }
}
