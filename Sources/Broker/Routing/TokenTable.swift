#if canImport(Glibc)
    import Glibc
#endif

/// The literal children of one subject trie node: an open-addressing hash table from token bytes
/// to child nodes, looked up with borrowed bytes so that matching allocates nothing per token.
///
/// Linear probing with backward-shift deletion (no tombstones), load factor at most 3/4. It starts
/// with no storage (most nodes are leaves) and shrinks as children go, so churn does not leave
/// large empty tables behind. Not thread-safe: `SubjectIndex`'s lock guards it.
struct TokenTable {
    /// One child: the token's hash (0 marks an empty slot), its bytes, and the node.
    private struct Slot {
        var hash: UInt64
        var token: [UInt8]
        var node: SubjectNode?

        static var empty: Slot { Slot(hash: 0, token: [], node: nil) }
    }

    private var slots: ContiguousArray<Slot> = []
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    /// The child for `token`, whose `ByteHash` is `hash`.
    func find(_ token: UnsafeRawBufferPointer, hash: UInt64) -> SubjectNode? {
        guard count > 0 else { return nil }
        let mask = slots.count - 1
        var index = Int(truncatingIfNeeded: hash) & mask
        while true {
            let slotHash = slots[index].hash
            if slotHash == 0 { return nil }
            if slotHash == hash && Self.equal(slots[index].token, token) { return slots[index].node }
            index = (index + 1) & mask
        }
    }

    /// Adds a child for a token that is not in the table yet.
    mutating func insert(_ token: UnsafeRawBufferPointer, hash: UInt64, node: SubjectNode) {
        if (count + 1) * 4 > slots.count * 3 { resize(to: max(4, slots.count * 2)) }
        place(Slot(hash: hash, token: Array(token), node: node))
        count += 1
    }

    /// Removes the child for `token`, if there is one.
    mutating func remove(_ token: UnsafeRawBufferPointer, hash: UInt64) {
        guard count > 0 else { return }
        let mask = slots.count - 1
        var index = Int(truncatingIfNeeded: hash) & mask
        while true {
            let slotHash = slots[index].hash
            if slotHash == 0 { return }
            if slotHash == hash && Self.equal(slots[index].token, token) { break }
            index = (index + 1) & mask
        }
        closeGap(at: index)
        count -= 1
        if count == 0 {
            slots = []
        } else if count * 8 < slots.count && slots.count > 8 {
            resize(to: slots.count / 4)
        }
    }

    /// Empties slot `gap` and moves later entries of the same probe run back so that every entry
    /// stays reachable from its home slot without crossing an empty slot.
    private mutating func closeGap(at gap: Int) {
        let mask = slots.count - 1
        var gap = gap
        var index = (gap + 1) & mask
        while slots[index].hash != 0 {
            let home = Int(truncatingIfNeeded: slots[index].hash) & mask
            // The entry may move to `gap` when its home is not in the cyclic range (gap, index].
            if (index - home) & mask >= (index - gap) & mask {
                slots[gap] = slots[index]
                gap = index
            }
            index = (index + 1) & mask
        }
        slots[gap] = .empty
    }

    private mutating func resize(to capacity: Int) {
        let old = slots
        slots = ContiguousArray(repeating: .empty, count: capacity)
        for slot in old where slot.hash != 0 { place(slot) }
    }

    /// Puts `slot` in the first empty slot of its probe run (there is always one: load ≤ 3/4).
    private mutating func place(_ slot: Slot) {
        let mask = slots.count - 1
        var index = Int(truncatingIfNeeded: slot.hash) & mask
        while slots[index].hash != 0 { index = (index + 1) & mask }
        slots[index] = slot
    }

    private static func equal(_ stored: [UInt8], _ token: UnsafeRawBufferPointer) -> Bool {
        guard stored.count == token.count else { return false }
        return stored.withUnsafeBytes { stored in
            stored.count == 0 || memcmp(stored.baseAddress!, token.baseAddress!, stored.count) == 0
        }
    }
}
