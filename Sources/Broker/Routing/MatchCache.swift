#if canImport(Glibc)
    import Glibc
#endif

/// One event loop's memory of recent `SubjectIndex` answers, keyed by the published subject's
/// bytes: a hit costs a hash, a probe and a `memcmp`, takes no lock and allocates nothing.
///
/// - Correctness under churn: every lookup compares the index's `generation` with the one the
///   entries were made at; after any insert or remove anywhere, the cache empties itself first.
///   (The generation is read before a miss asks the index, so an answer can only be newer than
///   the generation it is filed under, never older.)
/// - Bounded: at most `capacity` entries and `capacity × keyBytesPerEntry` bytes of keys. When
///   either is full the whole cache is cleared: simpler than choosing victims, and with a load
///   factor of at most 1/2 a miss stays cheap even when every subject is new (replies to unique
///   `_INBOX.<id>.<n>` subjects), while hot subjects come back after one miss each.
///
/// Not thread-safe: one per event loop, like the `SubjectMatch` objects it hands out.
final class MatchCache {
    /// Key storage reserved per entry; subjects are usually far shorter.
    static let keyBytesPerEntry = 64

    /// One cached answer: its subject's hash (0 marks an empty slot), where its bytes lie in
    /// `keys`, and the match.
    private struct Entry {
        var hash: UInt64 = 0
        var keyOffset: Int32 = 0
        var keyLength: Int32 = 0
        var match: SubjectMatch?
    }

    let capacity: Int
    private let index: SubjectIndex
    private var entries: ContiguousArray<Entry>
    private let mask: Int
    private let keys: UnsafeMutableRawPointer
    private let keyCapacity: Int
    private var keyBytesUsed = 0
    private var knownGeneration: UInt64
    /// Entries now held.
    private(set) var count = 0
    /// Lookups answered from the cache, and lookups that asked the index.
    private(set) var hits = 0
    private(set) var misses = 0

    init(index: SubjectIndex, capacity: Int = 4096) {
        precondition(capacity > 0 && capacity <= 1 << 24, "match cache capacity must be in 1...16777216")
        self.index = index
        self.capacity = capacity
        var slotCount = 2
        while slotCount < capacity * 2 { slotCount *= 2 }
        entries = ContiguousArray(repeating: Entry(), count: slotCount)
        mask = slotCount - 1
        keyCapacity = capacity * Self.keyBytesPerEntry
        keys = UnsafeMutableRawPointer.allocate(byteCount: keyCapacity, alignment: 8)
        knownGeneration = index.generation
    }

    deinit { keys.deallocate() }

    /// Who gets a message published to `subject`, from the cache or else from the index.
    func match(_ subject: UnsafeRawBufferPointer) -> SubjectMatch {
        let generation = index.generation
        if generation != knownGeneration {
            clear()
            knownGeneration = generation
        }
        let hash = ByteHash.hash(subject)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while entries[slot].hash != 0 {
            if entries[slot].hash == hash && holds(subject, at: slot) {
                hits += 1
                return entries[slot].match!
            }
            slot = (slot + 1) & mask
        }
        misses += 1
        let match = index.match(subject)
        remember(match, for: subject, hash: hash, emptySlot: slot)
        return match
    }

    func match(_ subject: String) -> SubjectMatch {
        var subject = subject
        return subject.withUTF8 { match(UnsafeRawBufferPointer($0)) }
    }

    /// Forgets every entry (keeps the storage).
    func clear() {
        guard count > 0 else { return }
        for slot in entries.indices where entries[slot].hash != 0 { entries[slot] = Entry() }
        count = 0
        keyBytesUsed = 0
    }

    /// Whether the entry in `slot` is for exactly these bytes.
    private func holds(_ subject: UnsafeRawBufferPointer, at slot: Int) -> Bool {
        let length = Int(entries[slot].keyLength)
        guard length == subject.count else { return false }
        return length == 0 || memcmp(keys + Int(entries[slot].keyOffset), subject.baseAddress!, length) == 0
    }

    /// Files `match` under `subject`; `emptySlot` ends the subject's probe run.
    private func remember(_ match: SubjectMatch, for subject: UnsafeRawBufferPointer, hash: UInt64, emptySlot: Int) {
        let length = subject.count
        guard length <= keyCapacity else { return }  // Too long to keep; such subjects are rare.
        var slot = emptySlot
        if count == capacity || keyBytesUsed + length > keyCapacity {
            clear()
            slot = Int(truncatingIfNeeded: hash) & mask
        }
        if length > 0 { (keys + keyBytesUsed).copyMemory(from: subject.baseAddress!, byteCount: length) }
        // Int32 is enough: offsets and lengths stay below keyCapacity (at most 2^30, see init).
        entries[slot] = Entry(hash: hash, keyOffset: Int32(keyBytesUsed), keyLength: Int32(length), match: match)
        keyBytesUsed += length
        count += 1
    }
}
