import Net
import Wire

/// Handling of each parsed client operation except PUB/HPUB (see ClientConnection+Publish).
/// Behaviour, including when `+OK` and `-ERR` are sent, follows nats-server 2.15.
extension ClientConnection {
    func handle(_ operation: ClientOp) {
        if !hasConnected && authenticator.config.isRequired {
            // nats-server: with authentication on, the first operation must be CONNECT.
            guard case .connect = operation else {
                protocolError(.authorizationViolation)
                return
            }
        }
        switch operation {
        case .publish(let frame):
            publish(frame)
        case .subscribe(let subject, let queue, let sid):
            subscribe(subject: subject, queue: queue, sid: sid)
        case .unsubscribe(let sid, let maximum):
            unsubscribe(sid: sid, maximum: maximum)
        case .ping:
            appendControl(ServerOpEncoder.pong)
        case .pong:
            pingsOutstanding = 0
        case .connect(let json):
            connect(json: json)
        case .ignored:
            break
        case .error(let text):
            tearDown(reason: "client sent -ERR \(String(decoding: text, as: UTF8.self))")
        }
    }

    /// Queues a fixed control line (PONG, +OK, PING) for this client, within `max_pending`.
    func appendControl(_ line: StaticString) {
        appendOutbound { $0.append(line) }
    }

    private func connect(json: UnsafeRawBufferPointer) {
        do {
            try options.apply(json: json)
        } catch {
            tearDown(reason: "invalid CONNECT: \(error)")
            return
        }
        if options.protocolVersion < 0 || options.protocolVersion > 1 {
            send(.invalidClientProtocol)
            flushOutbound()
            tearDown(reason: "invalid client protocol \(options.protocolVersion)")
            return
        }
        if options.noResponders && !options.headers {
            send(.noRespondersRequiresHeaders)
            flushOutbound()
            tearDown(reason: "no_responders without headers")
            return
        }
        switch authenticator.authenticate(
            user: options.user, password: options.password, token: options.authToken, certificate: tls?.certificate)
        {
        case .success(let identity):
            self.identity = identity
        case .failure(let error):
            logger.warning(
                "authorization failed",
                ["cid": id, "addr": remoteAddress, "user": options.user ?? tls?.certificate?.commonName ?? ""])
            protocolError(error)
            return
        }
        hasConnected = true
        outboundLock.withLock {
            deliversHeaders = options.headers
            responseGrants = identity.permissions.responses.map { ResponseGrants(permission: $0) }
        }
        if options.verbose { appendControl(ServerOpEncoder.ok) }
        logger.debug(
            "client connect",
            [
                "cid": id, "name": options.name ?? "", "lang": options.language ?? "", "version": options.version ?? "",
                "user": identity.name, "role": identity.role ?? "",
            ])
    }

    private func subscribe(subject: UnsafeRawBufferPointer, queue: UnsafeRawBufferPointer?, sid: UnsafeRawBufferPointer)
    {
        guard Subject.isValidSubscribe(subject) else {
            send(.invalidSubject)
            return
        }
        let subjectText = String(decoding: subject, as: UTF8.self)
        let rules = identity.permissions.subscribe
        if !rules.isUnrestricted && !rules.allows(subscription: subjectText) {
            send(
                .permissionsViolationForSubscription(
                    subject: subjectText, queue: queue.map { String(decoding: $0, as: UTF8.self) }))
            logger.info(
                "subscription refused by permissions", ["cid": id, "user": identity.name, "subject": subjectText])
            return
        }
        let limit = settings.config.maxSubscriptions
        if limit > 0 && subscriptions.count >= limit {
            send(.maximumSubscriptionsExceeded)
            return
        }
        let key = String(decoding: sid, as: UTF8.self)
        if subscriptions[key] == nil {
            let subscription = Subscription(
                client: self, subject: subjectText, queueGroup: queue.map { String(decoding: $0, as: UTF8.self) },
                sid: Array(sid))
            if rules.needsDeliveryCheck(for: subjectText) { subscription.deliveryFilter = rules }
            subscriptions[key] = subscription
            broker.subjectIndex.insert(subscription)
        }
        if options.verbose { appendControl(ServerOpEncoder.ok) }
    }

    private func unsubscribe(sid: UnsafeRawBufferPointer, maximum: Int?) {
        let key = String(decoding: sid, as: UTF8.self)
        if let subscription = subscriptions[key] {
            let keep = outboundLock.withLock { () -> Bool in
                if let maximum, maximum > 0, maximum > subscription.deliveredCount {
                    subscription.maxDeliveries = maximum
                    return true
                }
                subscription.isRemoved = true
                return false
            }
            if !keep { removeSubscription(subscription) }
        }
        if options.verbose { appendControl(ServerOpEncoder.ok) }
    }

    /// Drops a subscription from the index and this client's table. Loop thread.
    func removeSubscription(_ subscription: Subscription) {
        let key = String(decoding: subscription.sid, as: UTF8.self)
        if subscriptions[key] === subscription { subscriptions[key] = nil }
        broker.subjectIndex.remove(subscription)
    }
}
