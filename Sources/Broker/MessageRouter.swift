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
        guard !match.isEmpty else { return 0 }
        // The MSG line's sizes are spelled out once here, not once per subscriber.
        let line = ServerOpEncoder.MessageLine(
            subject: frame.subject, reply: frame.reply, message: frame.message, headerLength: frame.headerLength)
        var deliveries = 0
        withExtendedLifetime(match) {
            forEachBorrowed(match.plain) { subscription in
                if deliver(frame, line, to: subscription, from: publisher, echo: echo, in: context) { deliveries += 1 }
            }
        }
        for group in match.groups
        where deliver(frame, line, toOneOf: group, from: publisher, echo: echo, in: context) {
            deliveries += 1
        }
        return deliveries
    }

    /// Calls `body` with each subscription of `subscriptions` without retaining and releasing it: the
    /// caller keeps the array (and so each element) alive, and nothing here changes it.
    @inline(__always)
    private static func forEachBorrowed(
        _ subscriptions: ContiguousArray<Subscription>, _ body: (Subscription) -> Void
    ) {
        subscriptions.withUnsafeBufferPointer { elements in
            guard let base = elements.baseAddress else { return }
            // The elements are strong references, one pointer each: read as raw pointers, each is a
            // borrowed (+0) reference that the array keeps alive for the length of this call.
            let references = UnsafeRawPointer(base)
            let stride = MemoryLayout<Subscription>.stride
            for index in 0..<elements.count {
                let reference = references.load(fromByteOffset: index &* stride, as: UnsafeRawPointer.self)
                Unmanaged<Subscription>.fromOpaque(reference)._withUnsafeGuaranteedRef(body)
            }
        }
    }

    /// Delivers `frame` to one subscription.
    static func deliver(
        _ frame: PublishFrame, to subscription: Subscription, from publisher: ClientConnection?, echo: Bool,
        in context: LoopContext
    ) -> Bool {
        let line = ServerOpEncoder.MessageLine(
            subject: frame.subject, reply: frame.reply, message: frame.message, headerLength: frame.headerLength)
        return deliver(frame, line, to: subscription, from: publisher, echo: echo, in: context)
    }

    /// Delivers `frame` (whose MSG line is `line`) to one subscription.
    @inline(__always)
    static func deliver(
        _ frame: PublishFrame, _ line: ServerOpEncoder.MessageLine, to subscription: Subscription,
        from publisher: ClientConnection?, echo: Bool, in context: LoopContext
    ) -> Bool {
        let delivered = subscription.withClient { target in
            if !echo && target === publisher { return false }
            guard target.enqueue(line, for: subscription, from: publisher) else { return false }
            context.markForFlush(target)
            return true
        }
        if let delivered { return delivered }
        guard let subscriber = subscription.internalSubscriber else { return false }
        subscriber.receive(frame, for: subscription, from: publisher)
        return true
    }

    /// Gives the message to one member of a queue group: the group's next pick, or the members
    /// after it when that one is gone or is the publisher with echo off.
    private static func deliver(
        _ frame: PublishFrame, _ line: ServerOpEncoder.MessageLine, toOneOf group: QueueGroupMatch,
        from publisher: ClientConnection?, echo: Bool, in context: LoopContext
    ) -> Bool {
        for _ in 0..<group.members.count
        where deliver(frame, line, to: group.pick(), from: publisher, echo: echo, in: context) {
            return true
        }
        return false
    }
}
