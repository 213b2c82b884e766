import Client
import Model
import Support

/// Follows one of the master's durable consumers (EVENTS or RESULTS): fetches batches, stores
/// each message, and acknowledges it only once stored, so a master that dies between the two
/// gets the message again after a restart (and stores it once: the store's writes are idempotent).
struct DurableFeed: Sendable {
    /// What became of one message.
    enum Disposition {
        case stored
        /// Not a message of this kind: logged and terminated, never redelivered.
        case invalid(String)
        /// The store failed (disk full, I/O error): left unacknowledged, so it comes back.
        case failed(String)
        /// Decoded but refused (counted by the handler): acknowledged, never stored.
        case refused(String)
    }

    let stream: String
    let consumer: String
    let logger: Logger
    let handle: @Sendable (JetStreamMessage) -> Disposition

    /// The consumer every master with this name reads through. The ack wait bounds how late a
    /// restarted master sees what its killed predecessor had fetched but not stored; a batch is
    /// stored in well under it.
    static func consumerConfig(name: String) -> ConsumerConfig {
        ConsumerConfig(
            durableName: name, deliverPolicy: .all, ackPolicy: .explicit, ackWait: .seconds(10), maxDeliver: -1,
            maxAckPending: 2000)
    }

    /// Runs until `keepGoing` turns false.
    func run(_ jetStream: JetStreamContext, keepGoing: () -> Bool) {
        var subscription: PullSubscription?
        var warned = false
        while keepGoing() {
            if subscription == nil {
                do {
                    _ = try jetStream.addOrUpdateConsumer(stream: stream, Self.consumerConfig(name: consumer))
                    subscription = try jetStream.pullSubscribe(stream: stream, consumer: consumer)
                    logger.info("following stream", ["stream": stream, "consumer": consumer])
                    warned = false
                } catch {
                    if !warned {
                        let missing = jetStream.diagnose(error, stream: stream).isMissingStreamOrConsumer
                        logger.error(
                            missing
                                ? "stream missing (run `ffrtmp setup` against the broker); retrying"
                                : "stream temporarily unavailable (leader election); retrying",
                            ["stream": stream, "error": "\(error)"])
                        warned = true
                    }
                    Clock.sleep(seconds: 2)
                    continue
                }
            }
            let messages: [JetStreamMessage]
            do {
                messages = try Self.next(from: subscription!)
            } catch {
                if case .timeout = error { continue }
                logger.debug("fetch failed", ["stream": stream, "error": "\(error)"])
                if case .consumerNotFound = error { subscription = nil }
                Clock.sleep(seconds: 1)
                continue
            }
            for message in messages { settle(message) }
        }
        try? subscription?.unsubscribe()
    }

    /// What the consumer holds now (up to 200, at once); when it holds nothing, waits up to a second
    /// for the next message. A fetch that waited for a full batch would hold up to a second of
    /// arrivals unstored: a master killed then would see them again only after the ack wait.
    static func next(from subscription: PullSubscription) throws(JetStreamError) -> [JetStreamMessage] {
        let waiting = try subscription.fetch(batch: 200, noWait: true)
        if !waiting.isEmpty { return waiting }
        return try subscription.fetch(batch: 1, expires: .seconds(1))
    }

    private enum Settlement { case ack, term }

    /// Acks (or terms) a message already handled. Losing one is safe: the message comes back after
    /// the ack wait and is handled again idempotently (stored once, or refused again); so it is not
    /// confirmed, only logged when it fails, to keep the feed's pace.
    private func acknowledge(_ message: JetStreamMessage, with settlement: Settlement) {
        do {
            switch settlement {
            case .ack: try message.ack()
            case .term: try message.term()
            }
        } catch {
            logger.debug(
                "settling a message failed; it will be delivered again and handled once",
                ["stream": stream, "sequence": message.metadata.streamSequence, "error": "\(error)"])
        }
    }

    private func settle(_ message: JetStreamMessage) {
        switch handle(message) {
        case .stored:
            acknowledge(message, with: .ack)
        case .invalid(let reason):
            logger.warning(
                "dropped a message that is not valid",
                [
                    "stream": stream, "subject": message.subject, "sequence": message.metadata.streamSequence,
                    "reason": reason,
                ])
            acknowledge(message, with: .term)
        case .refused:
            acknowledge(message, with: .ack)
        case .failed(let reason):
            logger.error(
                "could not store a message; it will be delivered again",
                ["stream": stream, "sequence": message.metadata.streamSequence, "error": reason])
            Clock.sleep(seconds: 1)
        }
    }
}
