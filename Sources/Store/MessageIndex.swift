/// Where one message lives and what a consumer needs to pick it without reading it: 32 bytes.
struct IndexEntry {
    var sequence: UInt64
    var timestamp: Int64
    var segment: UInt32
    var offset: UInt32
    /// Size of the record on disk, frame included; 0 once the message is removed.
    var recordBytes: UInt32
    var subject: UInt32

    @inline(__always) var isLive: Bool { recordBytes != 0 }
}

/// The in-memory index of a stream: entries sorted by sequence in one array. Removed entries stay as
/// holes until they are trimmed from the front or the array is compacted, so lookups are O(1) while
/// the sequence range is dense and a binary search otherwise.
struct MessageIndex {
    private(set) var entries: [IndexEntry] = []
    /// Position of the first live entry (or `entries.count`); everything before it is removed.
    private(set) var head = 0
    private(set) var liveCount = 0

    var holes: Int { entries.count - head - liveCount }

    /// Adds the entry of a newly appended message; its sequence is above every other.
    mutating func append(_ entry: IndexEntry) {
        entries.append(entry)
        liveCount += 1
    }

    /// The position of the entry with `sequence` (live or a hole), if it is at or after `head`.
    func position(of sequence: UInt64) -> Int? {
        guard head < entries.count, sequence >= entries[head].sequence,
            sequence <= entries[entries.count - 1].sequence
        else { return nil }
        // Sequences strictly increase, so the entry is at most (sequence - first) places after head.
        let distance = sequence - entries[head].sequence
        var high = distance >= UInt64(entries.count - head) ? entries.count - 1 : head + Int(distance)
        if entries[high].sequence == sequence { return high }
        var low = head
        while low <= high {
            let middle = (low + high) / 2
            let found = entries[middle].sequence
            if found == sequence { return middle }
            if found < sequence { low = middle + 1 } else { high = middle - 1 }
        }
        return nil
    }

    /// The live entry with `sequence`.
    func entry(for sequence: UInt64) -> IndexEntry? {
        guard let position = position(of: sequence), entries[position].isLive else { return nil }
        return entries[position]
    }

    /// The first position whose sequence is greater than `sequence`.
    func firstPosition(after sequence: UInt64) -> Int {
        var low = head
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].sequence <= sequence { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The first live entry.
    var first: IndexEntry? { head < entries.count ? entries[head] : nil }

    /// Marks the entry at `position` removed and returns what it was. Positions stay valid until
    /// `compactIfSparse()`.
    mutating func remove(at position: Int) -> IndexEntry {
        let entry = entries[position]
        entries[position].recordBytes = 0
        liveCount -= 1
        if position == head {
            while head < entries.count, !entries[head].isLive { head += 1 }
        }
        return entry
    }

    /// Changes where a live message lives (after its segment was rewritten).
    mutating func move(at position: Int, offset: UInt32) {
        entries[position].offset = offset
    }

    /// Removes and returns the last entry (live or a hole), for undoing appends after a failed write.
    mutating func popLast() -> IndexEntry? {
        guard let entry = entries.popLast() else { return nil }
        if entry.isLive { liveCount -= 1 }
        head = min(head, entries.count)
        if liveCount == 0 { head = entries.count }
        return entry
    }

    /// Drops holes once they outnumber live entries (and at least 4096 of them), keeping memory at
    /// most about twice the live entries. Invalidates positions.
    mutating func compactIfSparse() {
        let threshold = max(4096, liveCount)
        if head > threshold, head * 2 > entries.count {
            entries.removeFirst(head)
            head = 0
        }
        guard holes > threshold else { return }
        entries.removeAll { !$0.isLive }
        head = 0
    }

    mutating func removeAll() { self = MessageIndex() }
}
