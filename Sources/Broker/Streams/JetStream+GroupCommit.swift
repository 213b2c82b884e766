import Support

/// Group commit: a publish is stored at once and its ack held until the end of the turn, when every
/// store written in the turn is synced once; consumer progress and work-queue removals are synced
/// lazily (see `consumersToSync`); then consumers deliver what was stored. JetStream thread.
extension JetStream {
    /// Stores a message published on a stream subject; its ack waits for the end-of-turn sync.
    func storePublished(_ message: InboundMessage) {
        guard let stream = streams[message.streamName] else { return }
        let now = Timestamp.nowNanoseconds()
        let outcome = stream.store(
            subject: message.subject, headers: message.headers, payload: message.payload,
            now: now)
        var ack = APIResponse.PublishAck(stream: stream.name, seq: 0)
        switch outcome {
        case .stored(let sequence):
            ack.seq = sequence
            storesToSync[ObjectIdentifier(stream.storage)] = stream.storage
            streamsWithNewMessages[ObjectIdentifier(stream)] = stream
            if !message.reply.isEmpty && !stream.config.noAck {
                repliesAfterSync.append(
                    PendingReply(
                        inbox: message.replyInbox, payload: ack.bytes,
                        stored: (stream.storage, sequence, stream.name)))
            }
            return
        case .duplicate(let sequence):
            ack.seq = sequence
            ack.duplicate = true
        case .refused(let error):
            ack.error = APIResponse.ErrorBody(error)
        case .writeFailed(let error):
            ack.error = APIResponse.ErrorBody(error)
            failedStores.insert(ObjectIdentifier(stream.storage))
            logger.error(
                "stream write failed; unsynced messages discarded",
                [
                    "stream": stream.name,
                    "error": error.description,
                ])
        }
        if !message.reply.isEmpty && !stream.config.noAck { send(to: message.replyInbox, payload: ack.bytes) }
    }

    /// Marks a consumer's records and its stream's removals for the next lazy sync.
    func needsSync(_ consumer: Consumer) {
        consumersToSync[ObjectIdentifier(consumer.persistence)] = consumer.persistence
        if consumer.stream.config.retention == .workqueue {
            lazyStoresToSync[ObjectIdentifier(consumer.stream.storage)] = consumer.stream.storage
        }
    }

    /// Drops a consumer that is being deleted from the pending syncs.
    func forget(_ consumer: Consumer) {
        consumersToSync[ObjectIdentifier(consumer.persistence)] = nil
    }

    /// Lets the stream's consumers deliver at the end of this turn, after the answers sent in it.
    func needsDispatch(_ stream: MessageStream) {
        streamsWithNewMessages[ObjectIdentifier(stream)] = stream
    }

    /// Marks a stream's storage (after removals) for the next lazy sync.
    func needsSync(_ stream: MessageStream) {
        lazyStoresToSync[ObjectIdentifier(stream.storage)] = stream.storage
    }

    /// Sends `payload` to `subject` once everything written so far is durable (an ack_sync reply).
    func replyAfterSync(to inbox: ReplyInbox, payload: [UInt8]) {
        lazyWorkAsksForDurability = true
        repliesAfterSync.append(PendingReply(inbox: inbox, payload: payload, stored: nil))
    }

    /// When the lazy sync is due (monotonic nanoseconds), if anything waits for it.
    var lazySyncDeadline: UInt64? {
        guard !consumersToSync.isEmpty || !lazyStoresToSync.isEmpty else { return nil }
        return lastLazySync + Self.lazySyncInterval
    }

    /// End of turn: one sync per written store, then the replies that waited for it, then
    /// deliveries of what was stored, then one write per client.
    func finishTurn() {
        for (identity, storage) in storesToSync {
            do {
                try storage.sync()
            } catch {
                failedStores.insert(identity)
                logger.error("stream sync failed; unsynced messages discarded", ["error": error])
            }
        }
        storesToSync.removeAll(keepingCapacity: true)
        let now = Clock.monotonicNanoseconds()
        if lazyWorkAsksForDurability || (lazySyncDeadline.map { now >= $0 } ?? false) {
            syncLazily(now: now)
        }
        for reply in repliesAfterSync {
            if let stored = reply.stored, failedStores.contains(ObjectIdentifier(stored.storage)),
                !stored.storage.contains(stored.sequence)
            {
                // The store cut this message back after a write failure: it was never durable.
                let refusal = APIResponse.PublishAck(
                    error: APIResponse.ErrorBody(.storeFailed("storage failed: message not stored")),
                    stream: stored.stream, seq: 0)
                send(to: reply.inbox, payload: refusal.bytes)
            } else {
                send(to: reply.inbox, payload: reply.payload)
            }
        }
        repliesAfterSync.removeAll(keepingCapacity: true)
        failedStores.removeAll()
        if !streamsWithNewMessages.isEmpty {
            let now = Timestamp.nowNanoseconds()
            for stream in streamsWithNewMessages.values {
                for consumer in stream.consumers.values where consumer.wantsDispatch {
                    consumer.dispatch(now: now, output: self)
                    needsSync(consumer)
                }
            }
            streamsWithNewMessages.removeAll(keepingCapacity: true)
        }
        context.flushMarked()
    }

    /// Syncs consumer progress and removals (see `consumersToSync`).
    func syncLazily(now: UInt64) {
        for storage in lazyStoresToSync.values {
            do { try storage.sync() } catch { logger.error("stream sync after removals failed", ["error": error]) }
        }
        for persistence in consumersToSync.values {
            do { try persistence.sync() } catch { logger.error("consumer state sync failed", ["error": error]) }
        }
        lazyStoresToSync.removeAll(keepingCapacity: true)
        consumersToSync.removeAll(keepingCapacity: true)
        lazyWorkAsksForDurability = false
        lastLazySync = now
    }
}
