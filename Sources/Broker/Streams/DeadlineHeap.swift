/// A min-heap of (deadline, sequence): the next pending delivery whose ack wait ends. Entries are
/// never removed early; a popped entry whose deadline no longer matches its pending record is
/// stale and skipped by the caller.
struct DeadlineHeap {
    private var entries: [(deadline: Int64, sequence: UInt64)] = []

    var isEmpty: Bool { entries.isEmpty }
    var count: Int { entries.count }
    var earliest: (deadline: Int64, sequence: UInt64)? { entries.first }

    mutating func push(deadline: Int64, sequence: UInt64) {
        entries.append((deadline, sequence))
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].deadline < entries[parent].deadline else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (deadline: Int64, sequence: UInt64)? {
        guard !entries.isEmpty else { return nil }
        let top = entries[0]
        let last = entries.removeLast()
        if !entries.isEmpty {
            entries[0] = last
            var parent = 0
            while true {
                let left = parent * 2 + 1
                let right = left + 1
                var smallest = parent
                if left < entries.count && entries[left].deadline < entries[smallest].deadline { smallest = left }
                if right < entries.count && entries[right].deadline < entries[smallest].deadline { smallest = right }
                if smallest == parent { break }
                entries.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return top
    }

    mutating func removeAll() { entries.removeAll() }
}
