import Wire

/// Routes one message to everything subscribed to its subject: a copy to each plain subscription,
/// one member per queue group. Used for clients' publishes and for the broker's own (JetStream
/// replies and deliveries). Runs on the calling loop's thread with that loop's context.
enum MessageRouter {
    /// Delivers `frame`; returns how many subscriptions received it. With `echo` off, the
    /// publisher's own subscriptions are skipped.
    @inline(__always)
    static func route(
        _ frame: PublishFrame, from publisher: ClientConnection?, echo: Bool, in context: LoopContext
    ) -> Int {
        let match = context.matchCache.match(frame.subject)
        var deliveries = 0
        for subscription in match.plain
        where deliver(frame, to: subscription, from: publisher, echo: echo, in: context) {
            deliveries += 1
        }
        for group in match.groups where deliver(frame, toOneOf: group, from: publisher, echo: echo, in: context) {
            deliveries += 1
        }
        return deliveries
    }

    @inline(__always)
    static func deliver(
        _ frame: PublishFrame, to subscription: Subscription, from publisher: ClientConnection?, echo: Bool,
        in context: LoopContext
    ) -> Bool {
        if let target = subscription.client {
            if !echo && target === publisher { return false }
            guard target.enqueue(frame, for: subscription, from: publisher) else { return false }
            context.markForFlush(target)
            return true
        }
        guard let subscriber = subscription.internalSubscriber else { return false }
        subscriber.receive(frame, for: subscription, from: publisher)
        return true
    }

    /// Gives the message to one member of a queue group: the group's next pick, or the members
    /// after it when that one is gone or is the publisher with echo off.
    private static func deliver(
        _ frame: PublishFrame, toOneOf group: QueueGroupMatch, from publisher: ClientConnection?, echo: Bool,
        in context: LoopContext
    ) -> Bool {
        for _ in 0..<group.members.count
        where deliver(frame, to: group.pick(), from: publisher, echo: echo, in: context) {
            return true
        }
        return false
    }
}
