import Net
import Support
import Wire

/// The outbound side, shared by every loop that delivers to this client: appending messages under
/// the outbound lock, writing them out once per batch, and cutting off slow consumers.
extension ClientConnection {
    /// Appends one message for `subscription`; false when the client or subscription is gone.
    /// When the message came from a client (`publisher`, on the calling loop) and leaves this
    /// client's output above `laggingLimit`, the publisher waits for it (ClientConnection+BackPressure).
    /// Any loop thread. The caller marks the client for flushing.
    @inline(__always)
    func enqueue(_ frame: PublishFrame, for subscription: Subscription, from publisher: ClientConnection? = nil)
        -> Bool
    {
        let line = ServerOpEncoder.MessageLine(
            subject: frame.subject, reply: frame.reply, message: frame.message, headerLength: frame.headerLength)
        return enqueue(line, for: subscription, from: publisher)
    }

    /// `enqueue(_:for:from:)` for a message whose line the caller made once for all its subscribers.
    @inline(__always)
    func enqueue(
        _ line: ServerOpEncoder.MessageLine, for subscription: Subscription, from publisher: ClientConnection?
    ) -> Bool {
        if let filter = subscription.deliveryFilter,
            !filter.allows(subject: String(decoding: line.subject, as: UTF8.self))
        {
            return false
        }
        outboundLock.lock()
        if outboundClosed || subscription.isRemoved {
            outboundLock.unlock()
            return false
        }
        var reachedMaximum = false
        subscription.deliveredCount &+= 1
        if subscription.maxDeliveries > 0 {
            if subscription.deliveredCount >= subscription.maxDeliveries {
                subscription.isRemoved = true
                reachedMaximum = true
            }
        }
        if line.headerLength > 0 && !deliversHeaders {
            let payload = UnsafeRawBufferPointer(rebasing: line.message[line.headerLength...])
            let withoutHeaders = ServerOpEncoder.MessageLine(
                subject: line.subject, reply: line.reply, message: payload, headerLength: 0)
            ServerOpEncoder.appendMessage(withoutHeaders, sid: subscription.sidBytes, to: outbound)
        } else {
            ServerOpEncoder.appendMessage(line, sid: subscription.sidBytes, to: outbound)
        }
        if responseGrants != nil && !line.reply.isEmpty {
            responseGrants?.record(String(decoding: line.reply, as: UTF8.self), now: Clock.monotonicNanoseconds())
        }
        let pending = outbound.readableCount
        var lagging = false
        if let publisher, pending > laggingLimit, publisher !== self {
            publisher.registerWaiting(on: self)
            lagging = true
        }
        outboundLock.unlock()
        if reachedMaximum {
            context.loop.execute { [self] in removeSubscription(subscription) }
        }
        if pending > settings.config.maxPending {
            cutOffSlowConsumer(reason: "pending output above max_pending")
        } else if lagging {
            publisher?.waitForLaggingSubscriber()
        }
        return true
    }

    /// Queues a line the broker itself answers with (PONG, +OK, -ERR) and marks the client for
    /// flushing. It counts against `max_pending` like messages do: a client that sends PINGs and never
    /// reads would otherwise grow the broker without bound. Loop thread.
    func appendOutbound(_ append: (ByteBuffer) -> Void) {
        outboundLock.lock()
        if outboundClosed {
            outboundLock.unlock()
            return
        }
        append(outbound)
        let overLimit = outbound.readableCount > settings.config.maxPending
        outboundLock.unlock()
        context.markForFlush(self)
        if overLimit { cutOffSlowConsumer(reason: "pending control replies above max_pending") }
    }

    /// Writes pending output (encrypted on the owning loop for TLS clients). Any thread.
    func flushOutbound() {
        guard let tls else {
            flushOutboundPlain()
            return
        }
        if context.loop.isCurrent { flushOutboundTLS(tls) } else { scheduleTLSFlush(tls) }
    }

    /// Writes pending output until done or the socket is full; then waits for writability.
    /// Any thread (the lock serialises writers); the socket is closed only under the same lock.
    func flushOutboundPlain() {
        outboundLock.lock()
        guard !outboundClosed, !outbound.isEmpty else {
            outboundLock.unlock()
            return
        }
        var failure: String?
        switch outbound.write(to: fd, idleCapacity: nil) {
        case .blocked(let wrote):
            if !writableInterest {
                context.loop.setWritableInterest(fd, true)
                writableInterest = true
            }
            if stalledSince == 0 || wrote > 0 { stalledSince = Clock.monotonicNanoseconds() }
            let caughtUp = publishersToWakeAfterWrite()
            outboundLock.unlock()
            wake(caughtUp)
            return
        case .drained: break
        case .failed(let reason): failure = reason
        }
        stalledSince = 0
        let caughtUp = publishersToWakeAfterWrite()
        outboundLock.unlock()
        wake(caughtUp)
        if let failure { closeFromAnyThread(reason: failure) }
    }

    /// Output capacity kept while a client is busy; a buffer past it is given back once drained.
    static let largeOutputCapacity = 1 << 20
    /// What a drained large output buffer shrinks to.
    static let idleOutputCapacity = 64 << 10

    /// Gives back a large output buffer that is drained. Called at the tick's pace (about twice a
    /// second), not on every drain: a subscriber that reads in bursts drains its buffer many times a
    /// second, and shrinking it each time made every burst grow it again from freshly faulted pages
    /// (page faults fell from 10 % to 6 % of the broker's samples in a fan-out to 4 nats.go
    /// subscribers). Owning loop, outbound lock held.
    func shrinkDrainedOutputLocked() {
        if outbound.isEmpty && outbound.capacity > Self.largeOutputCapacity {
            outbound.shrink(to: Self.idleOutputCapacity)
        }
    }

    /// Drops a client whose output piles up faster than it reads (nats-server's slow consumer).
    func cutOffSlowConsumer(reason: String) {
        let alreadyClosed = outboundLock.withLock { outboundClosed }
        guard !alreadyClosed else { return }
        broker.slowConsumerCount.add(1, ordering: .relaxed)
        logger.warning("slow consumer detected, closing", ["cid": id, "addr": remoteAddress, "reason": reason])
        closeFromAnyThread(reason: "slow consumer: \(reason)")
    }
}
