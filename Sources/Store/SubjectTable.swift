/// Interned subjects with reference counts, so the index stores a 4-byte id per message instead of a
/// string, and a work queue that reuses a few subjects pays for each once.
struct SubjectTable {
    private var names: [String] = []
    private var counts: [Int] = []
    private var ids: [String: UInt32] = [:]
    private var free: [UInt32] = []

    /// The id of `subject`, adding one reference.
    mutating func retain(_ subject: String) -> UInt32 {
        if let id = ids[subject] {
            counts[Int(id)] += 1
            return id
        }
        let id: UInt32
        if let reused = free.popLast() {
            id = reused
            names[Int(id)] = subject
            counts[Int(id)] = 1
        } else {
            id = UInt32(names.count)
            names.append(subject)
            counts.append(1)
        }
        ids[subject] = id
        return id
    }

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
