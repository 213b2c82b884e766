/// `storage: memory` streams: messages live in a sorted table and vanish with the process.
final class MemoryStreamStorage: StreamStorage {
    private var messages: [UInt64: StreamMessage] = [:]
    /// Stored sequences in ascending order (appends are always larger than every stored one).
    private var sequences: [UInt64] = []
    private var firstLiveIndex = 0
    private(set) var state = StreamStorageState()
    private var nextSequence: UInt64 = 1

    init(firstSequence: UInt64 = 1) { nextSequence = firstSequence }

    func append(subject: String, headers: [UInt8], payload: [UInt8], timestamp: Int64) throws -> UInt64 {
        let sequence = nextSequence
        nextSequence += 1
        let message = StreamMessage(sequence: sequence, timestamp: timestamp, subject: subject, headers: headers,
                                    payload: payload)
        messages[sequence] = message
        sequences.append(sequence)
        state.messages += 1
        state.bytes += UInt64(message.storedSize)
        state.lastSequence = sequence
        state.lastTimestamp = timestamp
        refreshFirst()
        return sequence
    }

    func sync() throws {}

    func message(at sequence: UInt64) throws -> StreamMessage? { messages[sequence] }

    func remove(_ sequence: UInt64) throws -> Bool {
        guard let message = messages.removeValue(forKey: sequence) else { return false }
        state.messages -= 1
        state.bytes -= UInt64(message.storedSize)
        refreshFirst()
        return true
    }

    func purge() throws -> UInt64 {
        let count = state.messages
        messages.removeAll()
        sequences.removeAll()
        firstLiveIndex = 0
        state.messages = 0
        state.bytes = 0
        refreshFirst()
        return count
    }

    func nextSequence(from sequence: UInt64, matching filter: (String) -> Bool) -> UInt64? {
        var index = lowerBound(sequence)
        while index < sequences.count {
            if let message = messages[sequences[index]], filter(message.subject) { return message.sequence }
            index += 1
        }
        return nil
    }

    func count(from sequence: UInt64, matching filter: (String) -> Bool) -> UInt64 {
        var total: UInt64 = 0
        var index = lowerBound(sequence)
        while index < sequences.count {
            if let message = messages[sequences[index]], filter(message.subject) { total += 1 }
            index += 1
        }
        return total
    }

    func summary(at sequence: UInt64) -> (subject: String, timestamp: Int64, size: Int)? {
        messages[sequence].map { ($0.subject, $0.timestamp, $0.storedSize) }
    }

    func close() {}

    func destroy() throws { _ = try purge() }

    /// Index of the first live-table slot holding a sequence ≥ `sequence`.
    private func lowerBound(_ sequence: UInt64) -> Int {
        var low = firstLiveIndex
        var high = sequences.count
        while low < high {
            let middle = (low + high) / 2
            if sequences[middle] < sequence { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Drops removed sequences from the front of the table and updates the first-message fields.
    private func refreshFirst() {
        while firstLiveIndex < sequences.count && messages[sequences[firstLiveIndex]] == nil { firstLiveIndex += 1 }
        if firstLiveIndex > 4096 && firstLiveIndex * 2 > sequences.count {
            sequences.removeFirst(firstLiveIndex)
            firstLiveIndex = 0
        }
        if firstLiveIndex < sequences.count, let first = messages[sequences[firstLiveIndex]] {
            state.firstSequence = first.sequence
            state.firstTimestamp = first.timestamp
        } else {
            // Empty: nats-server reports 0 for a stream that never held anything, else last + 1.
            state.firstSequence = state.lastSequence == 0 ? 0 : state.lastSequence + 1
            state.firstTimestamp = 0
        }
    }
}
