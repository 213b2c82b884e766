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

    init(streamName: String, frame: PublishFrame, publisher: ClientConnection?) {
        self.streamName = streamName
        subject = String(decoding: frame.subject, as: UTF8.self)
        reply = String(decoding: frame.reply, as: UTF8.self)
        headers = Array(frame.message[..<frame.headerLength])
        payload = Array(frame.payload)
        publisherWantsNoResponders = publisher?.options.noResponders ?? false
    }
}

/// Captures a stream's subjects: every matching publish is handed to the JetStream thread.
final class StreamCaptureReceiver: InternalSubscriber, @unchecked Sendable {
    private unowned let engine: JetStream
    private let streamName: String

    init(engine: JetStream, streamName: String) {
        self.engine = engine
        self.streamName = streamName
    }

    func receive(_ frame: PublishFrame, for subscription: Subscription, from publisher: ClientConnection?) {
        let message = InboundMessage(streamName: streamName, frame: frame, publisher: publisher)
        let engine = engine
        engine.loop.execute { engine.storePublished(message) }
    }
}

/// Receives `$JS.API.>` requests.
final class APIRequestReceiver: InternalSubscriber, @unchecked Sendable {
    private unowned let engine: JetStream

    init(engine: JetStream) { self.engine = engine }

    func receive(_ frame: PublishFrame, for subscription: Subscription, from publisher: ClientConnection?) {
        let request = InboundMessage(streamName: "", frame: frame, publisher: publisher)
        let engine = engine
        engine.loop.execute { engine.handleAPIRequest(request) }
    }
}

/// Receives `$JS.ACK.>` acknowledgements.
final class AckReceiver: InternalSubscriber, @unchecked Sendable {
    private unowned let engine: JetStream

    init(engine: JetStream) { self.engine = engine }

    func receive(_ frame: PublishFrame, for subscription: Subscription, from publisher: ClientConnection?) {
        let ack = InboundMessage(streamName: "", frame: frame, publisher: publisher)
        let engine = engine
        engine.loop.execute { engine.handleAck(ack) }
    }
}
