import Support
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A running child process started without a shell (`ProcessSpawner`) as the leader of its own
/// process group. One thread calls `wait` once, which reads stdout (handed to a callback) and
/// stderr (kept as a bounded log tail), enforces the deadline, and reaps the child with
/// `wait4(pid)` for its rusage; any thread may `terminate`, `kill` or `stop` it meanwhile.
///
/// Signals go to the whole group, and only while the leader is not yet reaped: until then its pid,
/// and so the group id, cannot be reused by an unrelated process. `state`'s mutex makes
/// "not reaped yet" and the signal one atomic step (the reap happens under it too).
public final class ChildProcess: Sendable {
    public let processID: pid_t
    public let launch: ProcessLaunch
    /// CLOCK_MONOTONIC ns when `posix_spawn` returned.
    public let startedAt: UInt64
    let outputDescriptor: Int32
    let errorDescriptor: Int32
    let state: Mutex<State>

    /// What `wait` and the signalling threads share.
    struct State {
        var reaped = false
        var waited = false
        var stopReason: ProcessOutcome.StopReason?
        /// When a stop's SIGTERM turns into SIGKILL.
        var killDeadline: UInt64?
        var killed = false
    }

    /// Starts `launch`.
    public init(_ launch: ProcessLaunch) throws(ProcessError) {
        let spawned = try ProcessSpawner.spawn(launch)
        self.launch = launch
        processID = spawned.processID
        outputDescriptor = spawned.outputDescriptor
        errorDescriptor = spawned.errorDescriptor
        startedAt = Clock.monotonicNanoseconds()
        state = Mutex(State())
    }

    deinit {
        // Never waited for (the owner gave up early): end and reap it so no zombie remains.
        let reaped = state.withLock { $0.reaped }
        if !reaped {
            Glibc.kill(-processID, SIGKILL)
            var status: Int32 = 0
            _ = Syscall.retryingInterrupts { waitpid(processID, &status, 0) }
        }
        if !state.withLock({ $0.waited }) {
            close(outputDescriptor)
            close(errorDescriptor)
        }
    }

    /// SIGTERM to the group (ffmpeg finishes its output and exits).
    public func terminate() { signalGroup(SIGTERM) }

    /// SIGKILL to the group.
    public func kill() { signalGroup(SIGKILL) }

    /// Records why the child is being stopped (the first reason wins), sends SIGTERM, and has
    /// `wait` send SIGKILL if it is still there `graceSeconds` later.
    public func stop(_ reason: ProcessOutcome.StopReason, graceSeconds: Double) {
        let now = Clock.monotonicNanoseconds()
        let first = state.withLock { state -> Bool in
            guard state.stopReason == nil, !state.reaped else { return false }
            state.stopReason = reason
            state.killDeadline = now + Clock.duration(seconds: graceSeconds)
            return true
        }
        if first { terminate() }
    }

    /// Sends `signal` to the child's process group; false once the child is reaped (or on error).
    @discardableResult
    public func signalGroup(_ signal: Int32) -> Bool {
        state.withLock { state in
            guard !state.reaped else { return false }
            if signal == SIGKILL { state.killed = true }
            if Glibc.kill(-processID, signal) == 0 { return true }
            // Not a group leader (cannot happen with POSIX_SPAWN_SETPGROUP): the child alone.
            return Glibc.kill(processID, signal) == 0
        }
    }
}
