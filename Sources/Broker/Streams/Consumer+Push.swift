/// Push delivery: messages go to the deliver subject as long as someone subscribes to it and the
/// flow-control window allows, each followed when due by a flow-control request; idle heartbeats
/// name the last delivered sequences (and the unanswered request, if any), as nats-server's do.
extension Consumer {
    /// Whether this consumer has work for the end of a turn that stored messages.
    var wantsDispatch: Bool { push != nil || !waiting.isEmpty }

    /// Sends what the window allows to the deliver subject.
    func dispatchPush(now: Int64, output: ConsumerOutput) {
        guard var push else { return }
        defer { self.push = push }
        push.look(interested: output.hasInterest(in: push.deliverSubject), now: now)
        guard push.hasInterest else { return }
        let target = ReplyInbox(subject: push.deliverSubject)
        while push.canSend, canDeliverMore, let sequence = nextSequenceToDeliver(now: now) {
            let delivery = deliver(sequence, byteBudget: 0, now: now) { message, ackSubject in
                output.deliver(shaped(message), to: target, ackSubject: ackSubject)
            }
            guard case .sent(let size) = delivery else { continue }
            if push.sent(bytes: size, now: now) {
                let reply = flowControlSubject()
                push.requested(answerOn: reply, now: now)
                output.sendFlowControlRequest(to: push.deliverSubject, reply: reply)
            }
        }
    }

    /// Looks for interest on the deliver subject (a consumer with interest stays active; one without
    /// is removed after its inactive threshold) and sends an idle heartbeat when due.
    func tickPush(now: Int64, output: ConsumerOutput) {
        guard var push else { return }
        push.look(interested: output.hasInterest(in: push.deliverSubject), now: now)
        if push.hasInterest { noteActive(now: now) }
        if push.heartbeatDue(now: now) {
            var headers = [
                ("Nats-Last-Consumer", String(deliveredConsumerSequence)),
                ("Nats-Last-Stream", String(deliveredStreamSequence)),
            ]
            if let awaited = push.awaitedAnswer { headers.append(("Nats-Consumer-Stalled", awaited.subject)) }
            output.sendStatus(
                100, "Idle Heartbeat", extraHeaders: headers, to: ReplyInbox(subject: push.deliverSubject))
        }
        self.push = push
    }

    /// A message on `$JS.FC.<stream>.<consumer>.…`: when it answers the awaited flow-control
    /// request, delivery resumes.
    func flowControlAnswered(on subject: String, now: Int64, output: ConsumerOutput) {
        guard push?.answered(on: subject) == true else { return }
        noteActive(now: now)
        dispatchPush(now: now, output: output)
    }

    /// When a push consumer next needs its tick: a heartbeat, or the next look for interest.
    var pushDeadline: Int64? {
        guard let push else { return nil }
        guard let heartbeat = push.nextHeartbeat, push.hasInterest else { return push.nextLook }
        return min(heartbeat, push.nextLook)
    }

    /// The message as this consumer hands it out: with `headers_only`, its header lines plus
    /// `Nats-Msg-Size: <payload bytes>` and no payload, as nats-server sends it.
    func shaped(_ message: StreamMessage) -> StreamMessage {
        guard config.headersOnly else { return message }
        let endsBlock = message.headers.count >= 12 && message.headers.suffix(4) == Array("\r\n\r\n".utf8)
        var headers = endsBlock ? Array(message.headers.dropLast(2)) : Array("NATS/1.0\r\n".utf8)
        headers += Array("Nats-Msg-Size: \(message.payload.count)\r\n\r\n".utf8)
        return StreamMessage(
            sequence: message.sequence, subject: message.subject, headers: headers, payload: [],
            timestamp: message.timestamp)
    }

    /// `$JS.FC.<stream>.<consumer>.<4 random characters>`, nats-server's form.
    private func flowControlSubject() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        let suffix = String((0..<4).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
        return "$JS.FC.\(stream.name).\(name).\(suffix)"
    }
}
