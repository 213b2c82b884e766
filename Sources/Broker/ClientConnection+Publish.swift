import Net
import Support
import Wire

/// Routing a client's PUB/HPUB to the matching subscriptions, and the no-responders reply.
extension ClientConnection {
    func publish(_ frame: PublishFrame) {
        if frame.hasHeaders && !options.headers {
            // nats-server closes without an -ERR ("message headers not supported").
            tearDown(reason: "message headers not supported")
            return
        }
        let counters = context.counters
        counters.bump(counters.messagesIn, by: 1)
        if !identity.permissions.publish.isUnrestricted && !passesPublishPermissions(frame) { return }
        var routable = true
        if !Subject.isValidPublish(frame.subject) {
            if options.pedantic { send(.invalidPublishSubject) }
            // Wildcard tokens are routed literally, as nats-server does; empty tokens match nothing.
            routable = !Self.hasEmptyToken(frame.subject)
        }
        if options.verbose { appendControl(ServerOpEncoder.ok) }
        guard routable else { return }

        let deliveries = MessageRouter.route(frame, from: self, echo: options.echo, in: context)
        if deliveries > 0 {
            counters.bump(counters.messagesOut, by: deliveries)
            counters.bump(counters.bytesOut, by: deliveries &* frame.message.count)
        } else if frame.hasReply && options.noResponders {
            sendNoResponders(for: frame)
        }
    }

    /// A request nobody subscribes to: answer on the reply subject with a `503` status, as
    /// nats-server 2.15 does (`NATS/1.0 503` plus a `Nats-Subject` header naming the request subject).
    private func sendNoResponders(for frame: PublishFrame) {
        let match = context.matchCache.match(frame.reply)
        var header: [UInt8] = Array("NATS/1.0 503\r\nNats-Subject: ".utf8)
        header.append(contentsOf: frame.subject)
        header.append(contentsOf: "\r\n\r\n".utf8)
        header.withUnsafeBytes { headerBytes in
            let status = PublishFrame(
                subject: frame.reply, reply: UnsafeRawBufferPointer(start: nil, count: 0),
                headerLength: headerBytes.count, message: headerBytes, hasHeaders: true)
            for subscription in match.plain where subscription.client === self {
                if enqueue(status, for: subscription) { context.markForFlush(self) }
            }
            for group in match.groups {
                if let member = group.members.first(where: { $0.client === self }), enqueue(status, for: member) {
                    context.markForFlush(self)
                }
            }
        }
    }

    /// Checks the subject and then the reply subject against the publish permissions; refuses the
    /// whole message (nothing delivered or stored) with nats-server's error when either fails.
    ///
    /// The reply is checked because whoever answers publishes there on the client's behalf: a
    /// JetStream API request with the reply `ctl.job.X.cancel` would otherwise make the broker itself
    /// publish (and the CONTROL stream store) a cancel the client may not send. nats-server checks
    /// only reserved reply prefixes; this broker holds replies to the same rules as subjects.
    private func passesPublishPermissions(_ frame: PublishFrame) -> Bool {
        if !mayPublish(frame.subject) && !mayRespond(on: frame.subject) {
            let subject = String(decoding: frame.subject, as: UTF8.self)
            send(.permissionsViolationForPublish(subject: subject))
            logger.info("publish refused by permissions", ["cid": id, "user": identity.name, "subject": subject])
            return false
        }
        if frame.hasReply && !mayPublish(frame.reply) {
            let reply = String(decoding: frame.reply, as: UTF8.self)
            send(.permissionsViolationForReply(subject: reply))
            logger.info("publish refused by reply permissions", ["cid": id, "user": identity.name, "reply": reply])
            return false
        }
        return true
    }

    /// Whether `subject` is the reply subject of a message this client was delivered and may still
    /// answer (`allow_responses`); uses up one response when it is.
    private func mayRespond(on subject: UnsafeRawBufferPointer) -> Bool {
        guard identity.permissions.responses != nil else { return false }
        let text = String(decoding: subject, as: UTF8.self)
        let now = Clock.monotonicNanoseconds()
        return outboundLock.withLock { responseGrants?.consume(text, now: now) ?? false }
    }

    /// The publish permission for a subject, remembered for the next messages on it.
    private func mayPublish(_ subject: UnsafeRawBufferPointer) -> Bool {
        let text = String(decoding: subject, as: UTF8.self)
        if let verdict = publishVerdicts[text] { return verdict }
        let verdict = identity.permissions.publish.allows(subject: text)
        if publishVerdicts.count >= 256 { publishVerdicts.removeAll(keepingCapacity: true) }
        publishVerdicts[text] = verdict
        return verdict
    }

    /// True when the subject has an empty token (`a..b`, `.a`, `a.`) or is empty.
    static func hasEmptyToken(_ subject: UnsafeRawBufferPointer) -> Bool {
        guard !subject.isEmpty else { return true }
        let dot = UInt8(ascii: ".")
        if subject.first == dot || subject.last == dot { return true }
        var previousWasDot = false
        for byte in subject {
            let isDot = byte == dot
            if isDot && previousWasDot { return true }
            previousWasDot = isDot
        }
        return false
    }
}
