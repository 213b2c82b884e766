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
/// subjects, the `$JS.API.>` requests, the `$JS.ACK.>` acknowledgements or the `$JS.FC.>`
/// flow-control answers. The hand-off is
/// bounded (`JetStreamIntake`): a connection whose share is full stops reading until the JetStream
/// thread catches up (`HandOffShare`); beyond the whole bound, the last resort, a publish or API
/// request with a reply is answered at once, from the publisher's own loop, with nats-server's
/// "JetStream system temporarily unavailable" (503, 10008); everything else is dropped and counted.
final class JetStreamReceiver: InternalSubscriber, @unchecked Sendable {
    enum Role: Sendable {
        /// A stream's subjects; `acknowledges` is false for a `no_ack` stream, whose publishers'
        /// replies belong to someone else.
        case capture(streamName: String, acknowledges: Bool)
        case apiRequests
        case acknowledgements
        /// `$JS.FC.>`: push consumers' flow-control answers.
        case flowControlAnswers
    }

    private unowned let engine: JetStream
    private let role: Role

    init(engine: JetStream, role: Role) {
        self.engine = engine
        self.role = role
    }

    /// What a refused request is told: JetStream cannot take it now, try again.
    static let unavailable = JetStreamError(
        code: 503, errorCode: 10008, description: "JetStream system temporarily unavailable")

    func receive(_ frame: PublishFrame, for subscription: Subscription, from publisher: ClientConnection?) {
        let engine = engine
        // What the copy will hold, plus a little for the closure and the strings' headers.
        let bytes = frame.subject.count + frame.reply.count + frame.message.count + 128
        guard engine.intake.admit(bytes: bytes) else {
            refuse(frame, from: publisher)
            return
        }
        let intake = engine.intake
        let work: @Sendable () -> Void
        switch role {
        case .capture(let streamName, _):
            let message = InboundMessage(streamName: streamName, frame: frame, publisher: publisher)
            work = { engine.storePublished(message) }
        case .apiRequests:
            let request = InboundMessage(streamName: "", frame: frame, publisher: publisher)
            work = { engine.handleAPIRequest(request) }
        case .acknowledgements:
            let ack = InboundMessage(streamName: "", frame: frame, publisher: publisher)
            work = { engine.handleAck(ack) }
        case .flowControlAnswers:
            let answer = InboundMessage(streamName: "", frame: frame, publisher: publisher)
            work = { engine.handleFlowControlAnswer(answer) }
        }
        publisher?.handOff.take(bytes: bytes)
        engine.loop.execute {
            work()
            intake.release(bytes: bytes)
            if let publisher, publisher.handOff.releaseWakes(bytes: bytes, within: intake) {
                publisher.context.loop.execute { publisher.resumeReading() }
            }
        }
        if let publisher, publisher.handOff.pausesAfterHandOff(within: intake) {
            intake.pauses.add(1, ordering: .relaxed)
            publisher.pauseReading()
        }
    }

    /// The queue is full: answer a publish or API request that asked for a reply (on the
    /// publisher's loop, to its own subscriptions only); drop the rest. A pull request gets no
    /// answer (a JSON body on its inbox would read as a message), nor does an ack: it is redelivered.
    private func refuse(_ frame: PublishFrame, from publisher: ClientConnection?) {
        var body: [UInt8]?
        if let publisher, !frame.reply.isEmpty {
            switch role {
            case .capture(let streamName, true):
                body =
                    APIResponse.PublishAck(error: APIResponse.ErrorBody(Self.unavailable), stream: streamName, seq: 0)
                    .bytes
            case .apiRequests where !frame.subject.starts(with: "$JS.API.CONSUMER.MSG.NEXT.".utf8):
                body = APIResponse.encode(APIResponse.Refusal(error: APIResponse.ErrorBody(Self.unavailable)))
            case .capture(_, false), .apiRequests, .acknowledgements, .flowControlAnswers:
                body = nil
            }
            if let body {
                body.withUnsafeBytes { bytes in
                    let answer = PublishFrame(
                        subject: frame.reply, reply: UnsafeRawBufferPointer(start: nil, count: 0), headerLength: 0,
                        message: bytes, hasHeaders: false)
                    ReplyInbox.deliver(answer, toInbox: frame.reply, client: publisher.id, in: publisher.context)
                }
            }
        }
        guard let unlogged = engine.intake.noteRefusal(answered: body != nil) else { return }
        engine.logger.warning(
            "jetstream queue full: message refused",
            [
                "subject": String(decoding: frame.subject.prefix(200), as: UTF8.self),
                "waiting": engine.intake.waiting, "refused": engine.intake.refused.load(ordering: .relaxed),
                "dropped": engine.intake.dropped.load(ordering: .relaxed), "unlogged": unlogged,
            ])
    }
}
