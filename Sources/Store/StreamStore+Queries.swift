/// Look-ups that consumers use to find their next message without reading payloads.
extension StreamStore {
    /// Whether a live message has `sequence`.
    public func contains(_ sequence: UInt64) -> Bool { index.entry(for: sequence) != nil }

    /// The subject of a live message, from the index.
    public func subject(at sequence: UInt64) -> String? {
        index.entry(for: sequence).map { subjects.name($0.subject) }
    }

    /// The first live sequence after `sequence` whose subject passes `filter`.
    public func nextSequence(after sequence: UInt64, matching filter: (String) -> Bool) -> UInt64? {
        var position = index.firstPosition(after: sequence)
        let entries = index.entries
        while position < entries.count {
            let entry = entries[position]
            if entry.isLive, filter(subjects.name(entry.subject)) { return entry.sequence }
            position += 1
        }
        return nil
    }

    /// The first live sequence after `sequence`.
    public func nextSequence(after sequence: UInt64) -> UInt64? {
        var position = index.firstPosition(after: sequence)
        let entries = index.entries
        while position < entries.count {
            if entries[position].isLive { return entries[position].sequence }
            position += 1
        }
        return nil
    }

    /// Up to `limit` live sequences after `sequence` whose subjects pass `filter`, in order.
    public func sequences(after sequence: UInt64, limit: Int, matching filter: (String) -> Bool) -> [UInt64] {
        var found: [UInt64] = []
        var position = index.firstPosition(after: sequence)
        let entries = index.entries
        while position < entries.count, found.count < limit {
            let entry = entries[position]
            if entry.isLive, filter(subjects.name(entry.subject)) { found.append(entry.sequence) }
            position += 1
        }
        return found
    }

    /// How many live messages after `sequence` have subjects that pass `filter` (a consumer's pending
    /// count).
    public func count(after sequence: UInt64, matching filter: (String) -> Bool) -> Int {
        var count = 0
        var position = index.firstPosition(after: sequence)
        let entries = index.entries
        while position < entries.count {
            let entry = entries[position]
            if entry.isLive, filter(subjects.name(entry.subject)) { count += 1 }
            position += 1
        }
        return count
    }
}
