/// Pull requests: queued within the consumer's limits, served oldest first, sent idle heartbeats
/// while they wait, and ended with nats-server's status replies (`404`, `408`, `409`).
extension Consumer {
    /// Queues a pull request and serves what it can at once; a request beyond the consumer's
    /// limits is answered with nats-server's `409` status instead.
    func add(_ request: PullRequest, now: Int64, output: ConsumerOutput) {
        if push != nil {
            output.sendStatus(409, Self.pushBasedRefusal, extraHeaders: [], to: request.reply)
            return
        }
        lastActive = now
        if let refusal = limitExceeded(by: request) {
            output.sendStatus(409, refusal, extraHeaders: [], to: request.reply)
            return
        }
        if request.noWait && request.deadline == 0 && numberPending == 0 && due.isEmpty && delayed.isEmpty {
            // nats-server answers at once when nothing at all is left (before counting waiters).
            output.sendStatus(404, "No Messages", extraHeaders: [], to: request.reply)
            return
        }
        if waiting.count >= config.maxWaiting {
            output.sendStatus(409, "Exceeded MaxWaiting", extraHeaders: [], to: request.reply)
            return
        }
        waiting.append(request)
        dispatch(now: now, output: output)
    }

    /// nats-server's `409` description for a pull request to a push consumer.
    static let pushBasedRefusal = "Consumer is push based"

    /// nats-server's `409` description for a request beyond `max_batch`, `max_expires` or the
    /// consumer's `max_bytes`; nil when it is within them.
    private func limitExceeded(by request: PullRequest) -> String? {
        if config.maxRequestBatch > 0 && request.remaining > config.maxRequestBatch {
            return "Exceeded MaxRequestBatch of \(config.maxRequestBatch)"
        }
        if config.maxRequestExpires > 0 && request.expires > config.maxRequestExpires {
            return "Exceeded MaxRequestExpires of \(GoDuration.text(config.maxRequestExpires))"
        }
        if config.maxRequestMaxBytes > 0 && request.remainingBytes > config.maxRequestMaxBytes {
            return "Exceeded MaxRequestMaxBytes of \(config.maxRequestMaxBytes)"
        }
        return nil
    }

    /// Hands available messages to waiting requests, oldest request first. A request that cannot
    /// take the next message within its `max_bytes` ends with `409 Message Size Exceeds MaxBytes`;
    /// `no_wait` requests that nothing more can fill end with `404 No Messages`.
    func dispatch(now: Int64, output: ConsumerOutput) {
        if push != nil {
            dispatchPush(now: now, output: output)
            return
        }
        while !waiting.isEmpty {
            guard canDeliverMore, let sequence = nextSequenceToDeliver(now: now) else { break }
            let reply = waiting[0].reply
            let delivery = deliver(sequence, byteBudget: waiting[0].remainingBytes, now: now) { message, ackSubject in
                output.deliver(shaped(message), to: reply, ackSubject: ackSubject)
            }
            switch delivery {
            case .sent(let size):
                if waiting[0].remainingBytes > 0 {
                    waiting[0].remainingBytes -= size
                    // nats-server: a request whose byte budget is used up exactly ends with this message.
                    if waiting[0].remainingBytes == 0 { waiting[0].remaining = 1 }
                }
                waiting[0].remaining -= 1
                waiting[0].delivered += 1
                if waiting[0].heartbeat > 0 { waiting[0].nextHeartbeat = now.addingClamped(waiting[0].heartbeat) }
                if waiting[0].remaining == 0 { waiting.removeFirst() }
            case .vanished:
                continue
            case .tooLarge:
                let request = waiting.removeFirst()
                output.sendStatus(
                    409, "Message Size Exceeds MaxBytes", extraHeaders: request.pendingHeaders, to: request.reply)
            }
        }
        if waiting.contains(where: \.endsWhenNothingIsAvailable) {
            for request in waiting where request.endsWhenNothingIsAvailable {
                output.sendStatus(404, "No Messages", extraHeaders: [], to: request.reply)
            }
            waiting.removeAll(where: \.endsWhenNothingIsAvailable)
        }
    }

    /// Ends the requests whose `expires` has passed with `408 Request Timeout`.
    func endExpiredRequests(now: Int64, output: ConsumerOutput) {
        if waiting.contains(where: { $0.deadline > 0 && $0.deadline <= now }) {
            for request in waiting where request.deadline > 0 && request.deadline <= now {
                output.sendStatus(408, "Request Timeout", extraHeaders: request.pendingHeaders, to: request.reply)
            }
            waiting.removeAll { $0.deadline > 0 && $0.deadline <= now }
        }
    }

    /// `100 Idle Heartbeat` to each request still waiting whose heartbeat is due (and not yet
    /// expired), naming the last consumer and stream sequences delivered, as nats-server does.
    func sendIdleHeartbeats(now: Int64, output: ConsumerOutput) {
        for index in waiting.indices {
            let request = waiting[index]
            guard request.nextHeartbeat > 0, request.nextHeartbeat <= now else { continue }
            waiting[index].nextHeartbeat = now.addingClamped(request.heartbeat)
            if request.deadline > 0 && request.deadline <= now { continue }
            output.sendStatus(
                100, "Idle Heartbeat",
                extraHeaders: [
                    ("Nats-Last-Consumer", String(deliveredConsumerSequence)),
                    ("Nats-Last-Stream", String(deliveredStreamSequence)),
                ], to: request.reply)
        }
    }

    /// Answers every waiting request with `409 Consumer Deleted`.
    func cancelWaiting(output: ConsumerOutput) {
        for request in waiting { output.sendStatus(409, "Consumer Deleted", extraHeaders: [], to: request.reply) }
        waiting.removeAll()
    }
}
