/// Look-ups that consumers use to find their next message without reading payloads.
extension StreamStore {
    /// Whether a live message has `sequence`.
    public func contains(_ sequence: UInt64) -> Bool { index.entry(for: sequence) != nil }

    /// The subject of a live message, from the index.
    public func subject(at sequence: UInt64) -> String? {
        index.entry(for: sequence).map { subjects.name($0.subject) }
    }

    /// The newest live sequence whose subject is exactly `subject`; nil when none. A hash look-up
    /// while the subject's newest message lives; after it was removed (or after recovery, which
    /// leaves the hint unknown) a walk back through the index comparing 4-byte subject ids, from that
    /// message to the one before it, whose sequence is then remembered. Never a scan per publish.
    public func lastSequence(onSubject subject: String) -> UInt64? {
        if subjects.hasUnknownHints { learnNewestHints() }
        guard let id = subjects.id(of: subject) else { return nil }
        let hint = subjects.newestHint(id)
        if hint != 0, let entry = index.entry(for: hint), entry.subject == id { return hint }
        let entries = index.entries
        // Nothing newer than the hint carries the subject: every append moves the hint up.
        var position = hint == 0 ? entries.count - 1 : index.firstPosition(after: hint) - 1
        while position >= index.head {
            let entry = entries[position]
            if entry.isLive && entry.subject == id {
                subjects.setNewestHint(id, entry.sequence)
                return entry.sequence
            }
            position -= 1
        }
        return nil
    }

    /// Sets every subject's hint in one pass over the index (after recovery, which retains subjects
    /// without sequences), so that no look-up has to walk far back for a subject it never saw.
    func learnNewestHints() {
        for entry in index.entries[index.head...] where entry.isLive {
            subjects.setNewestHint(entry.subject, entry.sequence)
        }
        subjects.noteHintsKnown()
    }

    /// How many live messages have exactly `subject`: the subject table's reference count.
    public func messageCount(onSubject subject: String) -> Int {
        subjects.id(of: subject).map { subjects.references($0) } ?? 0
    }

    /// The newest live sequence before `sequence` whose subject is exactly `subject`: a walk back
    /// through the index comparing 4-byte subject ids, stopping at the first match.
    public func previousSequence(before sequence: UInt64, onSubject subject: String) -> UInt64? {
        guard let id = subjects.id(of: subject) else { return nil }
        let entries = index.entries
        var position = index.firstPosition(after: sequence) - 1
        while position >= index.head {
            let entry = entries[position]
            if entry.sequence < sequence && entry.isLive && entry.subject == id { return entry.sequence }
            position -= 1
        }
        return nil
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
