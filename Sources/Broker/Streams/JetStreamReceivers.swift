import Wire

/// A message copied off a client loop for the JetStream thread.
struct InboundMessage: Sendable {
    var streamName: String
    var subject: String
    var reply: String
    var headers: [UInt8]
    var payload: [UInt8]
    /// Whether the publisher wants a `503` status when nothing answers (copied on its own loop).
    var publisherWantsNoResponders: Bool
    /// The publishing connection's id; nil for the broker's own publishes.
    var publisherID: UInt64?

    /// Where answers to this message go: the reply subject, on the publishing connection only.
    var replyInbox: ReplyInbox { ReplyInbox(subject: reply, client: publisherID) }

    init(streamName: String, frame: PublishFrame, publisher: ClientConnection?) {
        self.streamName = streamName
        subject = String(decoding: frame.subject, as: UTF8.self)
        reply = String(decoding: frame.reply, as: UTF8.self)
        headers = Array(frame.message[..<frame.headerLength])
        payload = Array(frame.payload)
        publisherWantsNoResponders = publisher?.options.noResponders ?? false
        publisherID = publisher?.id
    }
}

/// Hands messages from an internal subscription to the JetStream thread: a stream capturing its
/// subjects, the `$JS.API.>` requests, or the `$JS.ACK.>` acknowledgements.
final class JetStreamReceiver: InternalSubscriber, @unchecked Sendable {
    enum Role: Sendable {
        case capture(streamName: String)
        case apiRequests
        case acknowledgements
    }

    private unowned let engine: JetStream
    private let role: Role

    init(engine: JetStream, role: Role) {
        self.engine = engine
        self.role = role
    }

    func receive(_ frame: PublishFrame, for subscription: Subscription, from publisher: ClientConnection?) {
        let engine = engine
        switch role {
        case .capture(let streamName):
            let message = InboundMessage(streamName: streamName, frame: frame, publisher: publisher)
            engine.loop.execute { engine.storePublished(message) }
        case .apiRequests:
            let request = InboundMessage(streamName: "", frame: frame, publisher: publisher)
            engine.loop.execute { engine.handleAPIRequest(request) }
        case .acknowledgements:
            let ack = InboundMessage(streamName: "", frame: frame, publisher: publisher)
            engine.loop.execute { engine.handleAck(ack) }
        }
    }
}
