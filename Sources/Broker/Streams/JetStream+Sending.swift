import Wire

/// Sending from the JetStream thread: advisories through normal routing, answers and deliveries to
/// one requester's inbox, and the `ConsumerOutput` that consumers hand their messages to.
extension JetStream {
    /// Publishes a message from the broker itself through normal routing (advisories).
    func send(to subject: String, reply: String = "", headers: [UInt8] = [], payload: [UInt8]) {
        JetStream.withFrame(subject: subject, reply: reply, headers: headers, payload: payload) { frame in
            _ = MessageRouter.route(frame, from: nil, echo: true, in: context)
        }
    }

    /// Answers a request: only the requesting connection's subscriptions on the inbox get it.
    func send(to inbox: ReplyInbox, headers: [UInt8] = [], payload: [UInt8]) {
        JetStream.withFrame(subject: inbox.subject, reply: "", headers: headers, payload: payload) { frame in
            deliverToInbox(frame, inbox: inbox)
        }
    }

    /// Builds a publish frame over temporary copies of the parts, valid inside `body`. Without
    /// headers the payload is the message as it is (no copy: every pulled message passes here).
    static func withFrame(
        subject: String, reply: String, headers: [UInt8], payload: [UInt8],
        _ body: (PublishFrame) -> Void
    ) {
        var subjectText = subject
        var replyText = reply
        subjectText.withUTF8 { subjectBytes in
            replyText.withUTF8 { replyBytes in
                func frame(_ messageBytes: UnsafeRawBufferPointer) {
                    body(
                        PublishFrame(
                            subject: UnsafeRawBufferPointer(subjectBytes), reply: UnsafeRawBufferPointer(replyBytes),
                            headerLength: headers.count, message: messageBytes, hasHeaders: !headers.isEmpty))
                }
                if headers.isEmpty {
                    payload.withUnsafeBytes(frame)
                } else {
                    (headers + payload).withUnsafeBytes(frame)
                }
            }
        }
    }
}

extension JetStream: ConsumerOutput {
    func deliver(_ message: StreamMessage, to inbox: ReplyInbox, ackSubject: String) {
        JetStream.withFrame(
            subject: message.subject, reply: ackSubject, headers: message.headers,
            payload: message.payload
        ) { frame in
            deliverToInbox(frame, inbox: inbox)
        }
    }

    func sendStatus(_ code: Int, _ description: String, extraHeaders: [(String, String)], to inbox: ReplyInbox) {
        var header = "NATS/1.0 \(code) \(description)\r\n"
        for (name, value) in extraHeaders { header += "\(name): \(value)\r\n" }
        header += "\r\n"
        send(to: inbox, headers: Array(header.utf8), payload: [])
    }

    func publishAdvisory(subject: String, json: [UInt8]) {
        send(to: subject, payload: json)
    }

    func sendFlowControlRequest(to subject: String, reply: String) {
        let header = Array("NATS/1.0 100 FlowControl Request\r\n\r\n".utf8)
        JetStream.withFrame(subject: subject, reply: reply, headers: header, payload: []) { frame in
            deliverToInbox(frame, inbox: ReplyInbox(subject: subject))
        }
    }

    func hasInterest(in subject: String) -> Bool {
        let match = context.matchCache.match(subject)
        return !match.plain.isEmpty || !match.groups.isEmpty
    }

    /// Routes a frame to the subscribers of `inbox` while keeping the frame's own subject in the
    /// MSG line (a pull consumer's delivery names the original subject, not the inbox). With a
    /// requesting connection, only its subscriptions are candidates: nats-server routes answers to
    /// every subscriber of the inbox and relies on per-user inbox prefixes; we do both.
    private func deliverToInbox(_ frame: PublishFrame, inbox: ReplyInbox) {
        var inboxText = inbox.subject
        inboxText.withUTF8 { inboxBytes in
            ReplyInbox.deliver(frame, toInbox: UnsafeRawBufferPointer(inboxBytes), client: inbox.client, in: context)
        }
    }
}
