import Net
import Support
import Synchronization
import Wire

/// Pulls messages from one durable consumer through one inbox subscription, `_INBOX.<random>.*`.
///
/// Each `fetch` sends `$JS.API.CONSUMER.MSG.NEXT.<stream>.<consumer>` with its own reply subject
/// `<inbox>.<n>`, then collects messages until the batch is full or the server ends the request with
/// a status: `404 No Messages` (no_wait), `408 Request Timeout` (expires passed), or a `409` refusal.
/// Status replies carry the request's reply subject, so one meant for an earlier fetch (that gave up
/// waiting) is recognised and ignored; messages from such a request are still handed out, since the
/// server counts them as delivered. Fetches on one subscription run one at a time.
///
/// `@unchecked Sendable`: `fetchLock` serialises fetches and guards `nextRequest`.
public final class PullSubscription: @unchecked Sendable {
    public let stream: String
    public let consumer: String
    let context: JetStreamContext
    /// `_INBOX.<random>.`; each fetch appends its number.
    let prefix: String
    let subscription: ClientSubscription
    private let inbox = PullInbox()
    private let fetchLock = Lock()
    private var nextRequest = 1

    /// The longest a fetch waits past its `expires` for the server's closing status.
    static let statusGrace: Duration = .seconds(1)

    init(context: JetStreamContext, stream: String, consumer: String) throws(JetStreamError) {
        try JetStreamContext.checkName(stream, "stream")
        try JetStreamContext.checkName(consumer, "consumer")
        self.context = context
        self.stream = stream
        self.consumer = consumer
        prefix = context.connection.newInbox() + "."
        do {
            subscription = try context.connection.subscribe(prefix + "*") { [inbox] in inbox.receive($0) }
        } catch {
            throw .connection(error)
        }
    }

    deinit { try? subscription.unsubscribe() }

    /// Stops receiving; messages delivered but not fetched are redelivered after their ack wait.
    public func unsubscribe() throws(JetStreamError) {
        do {
            try subscription.unsubscribe()
        } catch {
            throw .connection(error)
        }
    }

    /// Up to `batch` messages. Without `noWait`, waits until the batch is full or `expires` passes
    /// (then returns what arrived, possibly nothing). With `noWait` returns at once with what is
    /// there. Throws `.consumerNotFound` when the server has no such consumer, `.pullRefused` for a
    /// `409` before any message, and `.timeout` when the server never ends the request.
    public func fetch(
        batch: Int = 1, expires: Duration = .seconds(5),
        noWait: Bool = false
    ) throws(JetStreamError) -> [JetStreamMessage] {
        guard batch >= 1 else { throw .invalidArgument("batch must be 1 or more") }
        guard noWait || expires > .zero else { throw .invalidArgument("expires must be above zero") }
        fetchLock.lock()
        defer { fetchLock.unlock() }
        let token = nextRequest
        nextRequest += 1
        let reply = prefix + String(token)
        let body =
            noWait
            ? "{\"batch\":\(batch),\"no_wait\":true}"
            : "{\"batch\":\(batch),\"expires\":\(expires.nanoseconds)}"
        do {
            try context.connection.publish(
                context.apiPrefix + ".CONSUMER.MSG.NEXT." + stream + "." + consumer,
                payload: body, reply: reply)
        } catch {
            throw .connection(error)
        }
        let deadline = Deadline.after((noWait ? context.timeout : expires) + Self.statusGrace)
        var messages: [JetStreamMessage] = []
        messages.reserveCapacity(min(batch, 1024))
        while messages.count < batch {
            let taken = inbox.take(waitingFor: batch - messages.count, until: deadline)
            if taken.isEmpty {
                if messages.isEmpty { throw .timeout }
                return messages
            }
            for (index, next) in taken.enumerated() {
                guard PullInbox.isStatus(next), let status = next.status else {
                    if let message = JetStreamMessage(next, connection: context.connection) { messages.append(message) }
                    if messages.count == batch {
                        inbox.putBack(taken[(index + 1)...])
                        return messages
                    }
                    continue
                }
                // Heartbeats, and statuses that end an earlier request, change nothing here.
                guard status != 100, next.subject == reply else { continue }
                inbox.putBack(taken[(index + 1)...])
                switch status {
                case 404, 408:
                    return messages
                case 503:
                    throw .consumerNotFound(stream: stream, consumer: consumer)
                default:
                    if messages.isEmpty {
                        throw .pullRefused(status: status, description: next.headers?.statusDescription ?? "")
                    }
                    return messages
                }
            }
        }
        return messages
    }
}
