/// Stream sequences in ascending order without duplicates (a small sorted array: redeliveries
/// are few and mostly arrive in order).
struct SequenceQueue {
    private var sequences: [UInt64] = []

    var first: UInt64? { sequences.first }
    var isEmpty: Bool { sequences.isEmpty }

    mutating func insert(_ sequence: UInt64) {
        var low = 0
        var high = sequences.count
        while low < high {
            let middle = (low + high) / 2
            if sequences[middle] < sequence { low = middle + 1 } else { high = middle }
        }
        if low < sequences.count && sequences[low] == sequence { return }
        sequences.insert(sequence, at: low)
    }

    mutating func removeFirst() { if !sequences.isEmpty { sequences.removeFirst() } }
}
