import Client
import Synchronization

/// The `-ERR` lines a connection received, to ask the broker what this identity may do: a subscription
/// it refuses is answered with `-ERR 'Permissions Violation for Subscription to "<subject>"'`, which
/// arrives before the PONG of the flush that follows. `submit --wait` and `watch` ask whether they may
/// read results; broker/roles.conf's submitter may not, and then follows the jobs' events alone.
final class ServerRefusals: Sendable {
    private let received = Mutex<[String]>([])

    /// At most this many are kept: the question is asked once, at the start.
    static let kept = 64

    /// For `ConnectionOptions.onServerError`.
    func record(_ error: ClientError) {
        received.withLock { if $0.count < Self.kept { $0.append(error.description) } }
    }

    /// Whether the broker lets this connection subscribe to `subject`; the trial subscription is
    /// removed again.
    func maySubscribe(_ subject: String, on connection: NATSConnection) throws(ClientError) -> Bool {
        let refusal = "Permissions Violation for Subscription to \"\(subject)\""
        let trial = try connection.subscribe(subject) { _ in }
        try connection.flush()
        try? trial.unsubscribe()
        return !received.withLock { $0.contains { $0.contains(refusal) } }
    }
}
