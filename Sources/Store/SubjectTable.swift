/// Interned subjects with reference counts, so the index stores a 4-byte id per message instead of a
/// string, and a work queue that reuses a few subjects pays for each once. Each subject also keeps a
/// hint of its newest sequence, for per-subject look-ups (`Nats-Expected-Last-Subject-Sequence`).
struct SubjectTable {
    private var names: [String] = []
    private var counts: [Int] = []
    /// Per id: the newest sequence known to carry the subject, 0 when unknown (after recovery). Only a
    /// hint: that message may since have been removed, so readers check it against the index.
    private var newest: [UInt64] = []
    /// Some subject was retained without its sequence (recovery): hints must be rebuilt before use.
    private(set) var hasUnknownHints = false
    private var ids: [String: UInt32] = [:]
    private var free: [UInt32] = []

    /// The id of `subject`, adding one reference; `sequence` (when known) is the message that takes
    /// it, the subject's newest.
    mutating func retain(_ subject: String, sequence: UInt64 = 0) -> UInt32 {
        if sequence == 0 { hasUnknownHints = true }
        if let id = ids[subject] {
            counts[Int(id)] += 1
            newest[Int(id)] = max(newest[Int(id)], sequence)
            return id
        }
        let id: UInt32
        if let reused = free.popLast() {
            id = reused
            names[Int(id)] = subject
            counts[Int(id)] = 1
            newest[Int(id)] = sequence
        } else {
            id = UInt32(names.count)
            names.append(subject)
            counts.append(1)
            newest.append(sequence)
        }
        ids[subject] = id
        return id
    }

    /// The id of `subject` while some live message has it.
    func id(of subject: String) -> UInt32? { ids[subject] }

    /// Live messages with subject `id`.
    func references(_ id: UInt32) -> Int { counts[Int(id)] }

    /// The hint of the newest sequence on subject `id` (0: unknown).
    func newestHint(_ id: UInt32) -> UInt64 { newest[Int(id)] }

    /// Remembers the newest live sequence on subject `id`, found by a look-up.
    mutating func setNewestHint(_ id: UInt32, _ sequence: UInt64) { newest[Int(id)] = sequence }

    /// Every hint is known again (after one pass that set them all).
    mutating func noteHintsKnown() { hasUnknownHints = false }

    /// Drops one reference; the subject is forgotten when none is left.
    mutating func release(_ id: UInt32) {
        counts[Int(id)] -= 1
        guard counts[Int(id)] == 0 else { return }
        ids[names[Int(id)]] = nil
        names[Int(id)] = ""
        free.append(id)
    }

    @inline(__always)
    func name(_ id: UInt32) -> String { names[Int(id)] }

    /// Distinct subjects currently referenced.
    var count: Int { ids.count }

    mutating func removeAll() { self = SubjectTable() }
}
