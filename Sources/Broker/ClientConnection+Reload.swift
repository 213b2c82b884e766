import Wire

/// Re-checking a connection after a reload, as nats-server does: the identity it connected with must
/// still pass the new authorization, and each subscription must still be allowed.
extension ClientConnection {
    /// Loop thread. A connection that has not sent CONNECT yet just authenticates with `authenticator`
    /// when it does. One that has is authenticated again with the credentials it sent (and its
    /// certificate): if that fails (revoked, user removed, role gone) it gets `-ERR 'Authorization
    /// Violation'` and is closed; otherwise it takes the new permissions, and each subscription they
    /// no longer allow is removed with `-ERR 'Permissions Violation for Subscription to "x" (sid "1")'`
    /// (nats-server 2.15.1's text on reload; it closes a client that no longer passes without a word).
    func recheck(with authenticator: Authenticator) {
        guard !isTornDown else { return }
        self.authenticator = authenticator
        guard hasConnected else { return }
        let outcome = authenticator.authenticate(
            user: options.user, password: options.password, token: options.authToken, certificate: tls?.certificate)
        switch outcome {
        case .failure(let error):
            logger.warning(
                "authorization withdrawn by reload; closing",
                ["cid": id, "addr": remoteAddress, "user": identity.name])
            protocolError(error)
        case .success(let renewed):
            guard renewed != identity else { return }
            adopt(renewed)
        }
    }

    /// Takes `renewed`'s permissions: publishes are checked afresh, reply grants restart when the
    /// response permission changed, and subscriptions are filtered as above.
    private func adopt(_ renewed: Identity) {
        let responsesChanged = renewed.permissions.responses != identity.permissions.responses
        identity = renewed
        publishVerdicts.removeAll()
        if responsesChanged {
            outboundLock.withLock {
                responseGrants = renewed.permissions.responses.map { ResponseGrants(permission: $0) }
            }
        }
        let rules = renewed.permissions.subscribe
        for key in subscriptions.keys.sorted() {
            guard let subscription = subscriptions[key] else { continue }
            if !rules.isUnrestricted && !rules.allows(subscription: subscription.subject) {
                let subject = subscription.subject
                send(.permissionsViolationForSubscription(subject: subject, queue: subscription.queueGroup, sid: key))
                logger.info("subscription removed by reload", ["cid": id, "user": identity.name, "subject": subject])
                outboundLock.withLock { subscription.isRemoved = true }
                removeSubscription(subscription)
                continue
            }
            let filter = rules.needsDeliveryCheck(for: subscription.subject) ? rules : nil
            if filter != subscription.deliveryFilter { replaceFilter(of: subscription, with: filter) }
        }
    }

    /// Other loops read a subscription's filter without a lock, so a new filter goes on a new
    /// subscription that takes the old one's place (and its delivery count).
    private func replaceFilter(of subscription: Subscription, with filter: SubjectPermissions?) {
        let successor = Subscription(
            client: self, subject: subscription.subject, queueGroup: subscription.queueGroup, sid: subscription.sid)
        successor.deliveryFilter = filter
        outboundLock.withLock {
            successor.maxDeliveries = subscription.maxDeliveries
            successor.deliveredCount = subscription.deliveredCount
            subscription.isRemoved = true
        }
        removeSubscription(subscription)
        subscriptions[String(decoding: subscription.sid, as: UTF8.self)] = successor
        broker.subjectIndex.insert(successor)
    }
}
