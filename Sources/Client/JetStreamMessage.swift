import Net
import Synchronization
import Wire

/// A message delivered by a pull consumer, with its metadata and the ways to acknowledge it.
///
/// `ack`, `nak` and `term` settle the message once; a second settling call throws
/// `.alreadyAcknowledged`. `inProgress` may be repeated while the work goes on.
public final class JetStreamMessage: Sendable {
    public let message: Message
    public let metadata: JetStreamMessageMetadata
    let connection: NATSConnection
    /// The `$JS.ACK…` subject acknowledgements go to.
    let ackSubject: String
    private let settled = Atomic<Bool>(false)

    /// Nil when `message` has no JetStream ack subject.
    public init?(_ message: Message, connection: NATSConnection) {
        guard let reply = message.reply, let metadata = JetStreamMessageMetadata(replySubject: reply) else {
            return nil
        }
        self.message = message
        self.metadata = metadata
        self.connection = connection
        ackSubject = reply
    }

    /// The subject the message was published to.
    public var subject: String { message.subject }
    public var headers: HeaderBlock? { message.headers }
    public var payload: [UInt8] { message.payload }
    /// The payload as UTF-8 text.
    public var string: String { message.string }
    /// True once `ack`, `ackSync`, `nak` or `term` was sent.
    public var isSettled: Bool { settled.load(ordering: .acquiring) }

    /// The message is done: a work queue removes it.
    public func ack() throws(JetStreamError) { try settle(with: "+ACK") }

    /// Acknowledges and waits until the server confirms it recorded the ack.
    public func ackSync(timeout: Duration = .seconds(5)) throws(JetStreamError) {
        try markSettled()
        do {
            _ = try connection.request(ackSubject, payload: "+ACK", timeout: timeout)
        } catch {
            settled.store(false, ordering: .releasing)
            if case .noResponders = error {
                throw .consumerNotFound(stream: metadata.stream, consumer: metadata.consumer)
            }
            throw JetStreamError.from(error)
        }
    }

    /// Asks for redelivery, at once or after `delay`.
    public func nak(delay: Duration? = nil) throws(JetStreamError) {
        guard let delay, delay > .zero else { return try settle(with: "-NAK") }
        try settle(with: "-NAK {\"delay\":\(delay.nanoseconds)}")
    }

    /// Work on the message goes on: the server restarts its ack timer instead of redelivering.
    public func inProgress() throws(JetStreamError) {
        guard !isSettled else { throw .alreadyAcknowledged }
        try send("+WPI")
    }

    /// The message can never be processed: it is not delivered again.
    public func term() throws(JetStreamError) { try settle(with: "+TERM") }

    private func settle(with body: String) throws(JetStreamError) {
        try markSettled()
        do {
            try send(body)
        } catch {
            settled.store(false, ordering: .releasing)
            throw error
        }
    }

    func markSettled() throws(JetStreamError) {
        guard settled.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else {
            throw .alreadyAcknowledged
        }
    }

    private func send(_ body: String) throws(JetStreamError) {
        do {
            try connection.publish(ackSubject, payload: body)
        } catch {
            throw .connection(error)
        }
    }
}
