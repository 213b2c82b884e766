import Store
import Wire

/// One stream: its configuration, where its messages are kept, its consumers, and the
/// de-duplication window for `Nats-Msg-Id`. Lives on the JetStream thread.
final class MessageStream {
    var config: StreamConfig
    let created: Int64
    let storage: StreamStorage
    var consumers: [String: Consumer] = [:]
    /// The internal subscriptions that capture the stream's subjects.
    var captureSubscriptions: [Subscription] = []
    private var duplicates = DuplicateWindow()
    /// Bumped whenever messages leave other than by a work-queue ack (limits, purge, deletes), so
    /// consumers know their cached counts of undelivered messages are stale.
    private(set) var removalGeneration: UInt64 = 0
    /// The `Nats-Msg-Id` of the last stored message, for `Nats-Expected-Last-Msg-Id`.
    private var lastMessageID: String?

    var name: String { config.name }

    init(config: StreamConfig, created: Int64, storage: StreamStorage) {
        self.config = config
        self.created = created
        self.storage = storage
    }

    /// What storing one published message did.
    enum StoreOutcome {
        case stored(UInt64)
        case duplicate(UInt64)
        case refused(JetStreamError)
        /// The store could not write; it discarded everything not yet synced.
        case writeFailed(JetStreamError)
    }

    /// Stores a published message, applying size limits, discard policy and de-duplication.
    /// Durable once the caller syncs the storage.
    func store(subject: String, headers: [UInt8], payload: [UInt8], now: Int64) -> StoreOutcome {
        if config.maxMessageSize >= 0 && Int64(headers.count + payload.count) > config.maxMessageSize {
            return .refused(.messageSizeExceeded)
        }
        var messageID: String?
        var rollup: Rollup?
        if !headers.isEmpty, let block = try? HeaderBlock.parse(headers) {
            pendingSubject = subject
            defer { pendingSubject = nil }
            if let refusal = checkExpectations(block) { return .refused(refusal) }
            if let asked = Rollup.parse(block["Nats-Rollup"], allowed: config.allowRollup && !config.denyPurge) {
                switch asked {
                case .success(let kind): rollup = kind
                case .failure(let refusal): return .refused(refusal)
                }
            }
            if let id = block["Nats-Msg-Id"], !id.isEmpty {
                duplicates.expire(before: now.subtractingClamped(config.duplicateWindow))
                if let earlier = duplicates.sequence(for: id) { return .duplicate(earlier) }
                messageID = id
            }
        }
        let size = StoredMessage.storedSize(subject: subject, headers: headers.count, payload: payload.count)
        let state = storage.state
        if config.discard == .new {
            if config.maxMessages > 0 && Int64(state.messages) >= config.maxMessages {
                return .refused(.maximumMessagesExceeded)
            }
            if config.maxBytes > 0 && Int64(state.bytes) + size > config.maxBytes {
                return .refused(.maximumBytesExceeded)
            }
        }
        let sequence: UInt64
        do {
            sequence = try storage.append(subject: subject, headers: headers, payload: payload, timestamp: now)
        } catch {
            return .writeFailed(.storeFailed("storage failed: \(error)"))
        }
        if let messageID { duplicates.record(messageID, sequence: sequence, at: now) }
        lastMessageID = messageID
        for consumer in consumers.values { consumer.noteStored(subject: subject, sequence: sequence) }
        if rollup == .subject { removeOlder(onSubject: subject, keeping: 1, newest: sequence) }
        if rollup == .all { removeEverything(before: sequence) }
        if config.maxMessagesPerSubject > 0 {
            removeOlder(onSubject: subject, keeping: Int(clamping: config.maxMessagesPerSubject), newest: sequence)
        }
        if config.discard == .old { _ = discardOldestBeyondLimits() }
        return .stored(sequence)
    }

    /// Optimistic-concurrency headers a publisher may set; a mismatch refuses the message, with
    /// nats-server's codes.
    private func checkExpectations(_ headers: HeaderBlock) -> JetStreamError? {
        if let expected = headers["Nats-Expected-Stream"], expected != name {
            return JetStreamError(code: 400, errorCode: 10060, description: "expected stream does not match")
        }
        if let text = headers["Nats-Expected-Last-Sequence"], let expected = UInt64(text) {
            let last = storage.state.lastSequence
            if expected != last {
                return JetStreamError(code: 400, errorCode: 10071, description: "wrong last sequence: \(last)")
            }
        }
        if let expected = headers["Nats-Expected-Last-Msg-Id"], expected != (lastMessageID ?? "") {
            return JetStreamError(
                code: 400, errorCode: 10070, description: "wrong last msg ID: \(lastMessageID ?? "")")
        }
        if let text = headers["Nats-Expected-Last-Subject-Sequence"], let expected = UInt64(text),
            let subject = headers["Nats-Expected-Last-Subject-Sequence-Subject"] ?? pendingSubject
        {
            let last = lastSequence(on: subject) ?? 0
            if expected != last {
                return JetStreamError(code: 400, errorCode: 10071, description: "wrong last sequence: \(last)")
            }
        }
        return nil
    }

    /// The subject of the message being stored, for the per-subject expectation.
    private var pendingSubject: String?

    /// The highest stored sequence on `subject`: a per-subject look-up in the storage.
    func lastSequence(on subject: String) -> UInt64? { storage.lastSequence(onSubject: subject) }

    /// The highest stored sequence whose subject matches `pattern` (`last_by_subj` with wildcards,
    /// as the object store asks for `$O.<bucket>.M.>`): a walk over the index, no payloads read.
    func lastSequence(matching pattern: String) -> UInt64? {
        guard pattern.contains(where: { $0 == "*" || $0 == ">" }) else { return lastSequence(on: pattern) }
        var last: UInt64?
        var cursor: UInt64 = 0
        while let next = storage.nextSequence(
            after: cursor, matching: { Subject.matches(pattern: pattern, subject: $0) })
        {
            last = next
            cursor = next
        }
        return last
    }

    /// Rebuilds what must survive a restart from the stored messages: the `Nats-Msg-Id`s within
    /// the duplicate window (newest first, stopping at the window's start) and the last message id.
    func recoverRecentIDs(now: Int64) {
        let state = storage.state
        guard state.messages > 0 else { return }
        let cutoff = now.subtractingClamped(config.duplicateWindow)
        var sequence = state.lastSequence
        var recovered: [(String, UInt64, Int64)] = []
        var isNewest = true
        while sequence >= state.firstSequence && sequence > 0 {
            if storage.contains(sequence), let message = try? storage.message(at: sequence) {
                if message.timestamp < cutoff && !isNewest { break }
                let id = message.headers.isEmpty ? nil : (try? HeaderBlock.parse(message.headers))?["Nats-Msg-Id"]
                if isNewest { lastMessageID = id }
                isNewest = false
                if message.timestamp < cutoff { break }
                if let id { recovered.append((id, sequence, message.timestamp)) }
            }
            sequence -= 1
        }
        for (id, sequence, timestamp) in recovered.reversed() {
            duplicates.record(id, sequence: sequence, at: timestamp)
        }
    }

    /// Keeps at most `limit` messages on `subject` (`max_msgs_per_subject`, a rollup), dropping the
    /// oldest. The per-subject count says whether anything must go; only then does it walk back from
    /// the newest, past the ones kept, to the ones removed (no scan of the stream per publish).
    private func removeOlder(onSubject subject: String, keeping limit: Int, newest: UInt64) {
        var excess = storage.messageCount(onSubject: subject) - limit
        guard excess > 0 else { return }
        var kept = 1
        var cursor = newest
        while excess > 0, let previous = storage.previousSequence(before: cursor, onSubject: subject) {
            cursor = previous
            if kept < limit {
                kept += 1
            } else if (try? storage.remove(previous)) == true {
                excess -= 1
            }
        }
        noteRemovals()
    }

    /// Removes every message older than `sequence` (`Nats-Rollup: all`).
    private func removeEverything(before sequence: UInt64) {
        var removedAny = false
        while storage.state.messages > 0 {
            let first = storage.state.firstSequence
            guard first < sequence, (try? storage.remove(first)) == true else { break }
            removedAny = true
        }
        if removedAny { noteRemovals() }
    }

    /// Messages left by a way consumers do not see themselves (limits, purge, deletes).
    func noteRemovals() { removalGeneration &+= 1 }

    /// Removes the oldest messages while `max_msgs` or `max_bytes` is exceeded; returns them.
    func discardOldestBeyondLimits() -> [UInt64] {
        var removed: [UInt64] = []
        while true {
            let state = storage.state
            let overCount = config.maxMessages > 0 && Int64(state.messages) > config.maxMessages
            let overBytes = config.maxBytes > 0 && Int64(state.bytes) > config.maxBytes
            guard (overCount || overBytes), state.messages > 0 else { break }
            if (try? storage.remove(state.firstSequence)) == true { removed.append(state.firstSequence) } else { break }
        }
        if !removed.isEmpty { noteRemovals() }
        return removed
    }

    /// Removes messages older than `max_age`; returns them.
    func expireOldMessages(now: Int64) -> [UInt64] {
        guard config.maxAge > 0 else { return [] }
        var removed: [UInt64] = []
        while true {
            let state = storage.state
            guard state.messages > 0, state.firstTimestamp > 0,
                now.subtractingClamped(state.firstTimestamp) > config.maxAge
            else {
                break
            }
            if (try? storage.remove(state.firstSequence)) == true { removed.append(state.firstSequence) } else { break }
        }
        if !removed.isEmpty { noteRemovals() }
        return removed
    }

    /// True when a message on `subject` belongs to this stream.
    func captures(_ subject: String) -> Bool {
        config.subjects.contains { Subject.matches(pattern: $0, subject: subject) }
    }
}

/// Remembers recent `Nats-Msg-Id`s with the sequence they were stored under, oldest first.
struct DuplicateWindow {
    private var sequences: [String: UInt64] = [:]
    private var order: [(id: String, timestamp: Int64)] = []
    private var head = 0

    func sequence(for id: String) -> UInt64? { sequences[id] }

    mutating func record(_ id: String, sequence: UInt64, at timestamp: Int64) {
        sequences[id] = sequence
        order.append((id, timestamp))
    }

    /// Forgets ids recorded before `cutoff`.
    mutating func expire(before cutoff: Int64) {
        while head < order.count && order[head].timestamp < cutoff {
            sequences[order[head].id] = nil
            head += 1
        }
        if head > 1024 && head * 2 > order.count {
            order.removeFirst(head)
            head = 0
        }
    }
}
