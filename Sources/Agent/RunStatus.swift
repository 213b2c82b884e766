import Model

/// How one run of a job on this agent ended: what an executor (ffmpeg's run, or a fake in tests)
/// reports, before the result is built. `ResultBuilder` maps it onto the result's status, and the
/// agent decides from it whether a failure is worth another attempt.
public enum RunStatus: Sendable, Equatable {
    /// ffmpeg exited 0 (and the quality asked for was measured).
    case succeeded
    /// ffmpeg failed, was killed, or quality could not be measured: worth retrying elsewhere.
    case failed
    /// Past `limits.timeout_s`: its process group was killed.
    case timedOut
    /// Stopped by a cancel request (or stopped for the agent's own reasons; see `Agent.execute`).
    case cancelled
    /// The job can never run (publish `rejected`, +TERM it).
    case rejected(JobRejection)
    /// Not run for a reason of this node (disk space, missing input file, ffmpeg not starting):
    /// another agent may succeed (-NAK it).
    case notStarted
}
