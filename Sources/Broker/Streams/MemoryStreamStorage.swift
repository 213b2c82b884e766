import Store
import Support

/// `storage: memory` streams: messages live in a table ordered by sequence and vanish with the process.
final class MemoryStreamStorage: StreamStorage {
    private var messages: [UInt64: StoredMessage] = [:]
    /// Stored sequences in ascending order (appends are always larger than every stored one);
    /// removed ones are skipped and trimmed from the front.
    private var sequences: [UInt64] = []
    private var firstLiveIndex = 0
    private var bytes: Int64 = 0
    private var lastSequence: UInt64 = 0
    private var lastTimestamp: Int64 = 0
    /// Per subject: live messages, and a hint of the newest sequence (checked before use).
    private var subjects: [String: (count: Int, newest: UInt64)] = [:]

    func append(subject: String, headers: [UInt8], payload: [UInt8], timestamp: Int64?) throws -> UInt64 {
        lastSequence += 1
        let time = timestamp ?? Timestamp.nowNanoseconds()
        messages[lastSequence] = StoredMessage(
            sequence: lastSequence, subject: subject, headers: headers, payload: payload, timestamp: time)
        sequences.append(lastSequence)
        subjects[subject, default: (0, 0)].count += 1
        subjects[subject]!.newest = lastSequence
        bytes += StoredMessage.storedSize(subject: subject, headers: headers.count, payload: payload.count)
        lastTimestamp = time
        return lastSequence
    }

    func sync() throws {}

    func message(at sequence: UInt64) throws -> StoredMessage? { messages[sequence] }

    func contains(_ sequence: UInt64) -> Bool { messages[sequence] != nil }

    func remove(_ sequence: UInt64) throws -> Bool {
        guard let message = messages.removeValue(forKey: sequence) else { return false }
        if let entry = subjects[message.subject] {
            subjects[message.subject] = entry.count > 1 ? (entry.count - 1, entry.newest) : nil
        }
        bytes -= StoredMessage.storedSize(
            subject: message.subject, headers: message.headers.count,
            payload: message.payload.count)
        trimFront()
        return true
    }

    func purge() throws -> Int {
        let count = messages.count
        messages.removeAll()
        subjects.removeAll()
        sequences.removeAll()
        firstLiveIndex = 0
        bytes = 0
        return count
    }

    var state: StreamState {
        let first = firstLiveIndex < sequences.count ? messages[sequences[firstLiveIndex]] : nil
        return StreamState(
            messages: messages.count, bytes: bytes, firstSequence: first?.sequence ?? lastSequence + 1,
            lastSequence: lastSequence, firstTimestamp: first?.timestamp ?? 0, lastTimestamp: lastTimestamp)
    }

    func nextSequence(after sequence: UInt64, matching filter: (String) -> Bool) -> UInt64? {
        var index = firstIndex(after: sequence)
        while index < sequences.count {
            if let message = messages[sequences[index]], filter(message.subject) { return message.sequence }
            index += 1
        }
        return nil
    }

    func count(after sequence: UInt64, matching filter: (String) -> Bool) -> Int {
        var total = 0
        var index = firstIndex(after: sequence)
        while index < sequences.count {
            if let message = messages[sequences[index]], filter(message.subject) { total += 1 }
            index += 1
        }
        return total
    }

    func lastSequence(onSubject subject: String) -> UInt64? {
        guard let entry = subjects[subject] else { return nil }
        if messages[entry.newest]?.subject == subject { return entry.newest }
        // The newest was removed: walk back from it to the one before (nothing newer has the subject).
        var index = firstIndex(after: entry.newest) - 1
        while index >= firstLiveIndex {
            if let message = messages[sequences[index]], message.subject == subject {
                subjects[subject]!.newest = message.sequence
                return message.sequence
            }
            index -= 1
        }
        return nil
    }

    func messageCount(onSubject subject: String) -> Int { subjects[subject]?.count ?? 0 }

    func previousSequence(before sequence: UInt64, onSubject subject: String) -> UInt64? {
        guard subjects[subject] != nil else { return nil }
        var index = firstIndex(after: sequence) - 1
        while index >= firstLiveIndex {
            let candidate = sequences[index]
            if candidate < sequence, let message = messages[candidate], message.subject == subject { return candidate }
            index -= 1
        }
        return nil
    }

    func close() throws {}

    func destroy() throws { _ = try purge() }

    /// Index of the first table slot holding a sequence > `sequence` (no `sequence + 1`: a
    /// consumer's position may sit at `UInt64.max`).
    private func firstIndex(after sequence: UInt64) -> Int {
        var low = firstLiveIndex
        var high = sequences.count
        while low < high {
            let middle = (low + high) / 2
            if sequences[middle] <= sequence { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private func trimFront() {
        while firstLiveIndex < sequences.count && messages[sequences[firstLiveIndex]] == nil { firstLiveIndex += 1 }
        if firstLiveIndex > 4096 && firstLiveIndex * 2 > sequences.count {
            sequences.removeFirst(firstLiveIndex)
            firstLiveIndex = 0
        }
    }
}
