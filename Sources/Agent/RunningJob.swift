import Client
import Model

/// A job this agent is running: what it is, the JetStream message to settle, how to stop it, and
/// its latest progress (for telemetry). Fields other than `spec`/`message`/`control` change under
/// the agent's lock.
final class RunningJob: @unchecked Sendable {
    let spec: JobSpec
    let message: JetStreamMessage
    let control: ExecutionControl
    let attempt: Int
    let startedAt: Int64
    var processID: Int32?
    var progress: ProgressSnapshot?
    /// Set when a cancel request (`ctl.job.<id>.cancel`) stopped it.
    var cancelledByRequest = false
    /// Set when a second termination signal stopped it: hand the job back, no result.
    var abandonedForShutdown = false
    /// The encode's energy, once its window closed.
    var energy: EnergyReport?
    /// When progress was last reported (event + `+WPI`), monotonic ns.
    var lastProgressReport: UInt64 = 0

    init(spec: JobSpec, message: JetStreamMessage, control: ExecutionControl, attempt: Int, startedAt: Int64) {
        self.spec = spec
        self.message = message
        self.control = control
        self.attempt = attempt
        self.startedAt = startedAt
    }

    var id: String { spec.id }
}
