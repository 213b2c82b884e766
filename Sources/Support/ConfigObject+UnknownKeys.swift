/// Refusing misspelled settings: components list the keys they understand and reject the rest with
/// an error that points at the line and suggests the nearest known key.
extension ConfigObject {
    /// Keys in file order that are not in `allowed`, skipping keys used only as `$variables`.
    public func unknownKeys(allowed: Set<String>) -> [String] {
        entries.filter { !allowed.contains($0.key) && !$0.isReferenced }.map(\.key)
    }

    /// Throws for the first unknown key: `broker.conf:3: cluster.prot: unknown setting (did you mean port?)`.
    public func rejectUnknownKeys(allowed: Set<String>) throws(SupportError) {
        guard let key = unknownKeys(allowed: allowed).first else { return }
        var problem = "unknown setting"
        if let suggestion = ConfigObject.nearest(to: key, among: allowed) {
            problem += " (did you mean \(suggestion)?)"
        }
        throw invalid(key, problem)
    }

    /// The allowed key closest to `key`: equal ignoring case, else at most two edits away.
    static func nearest(to key: String, among allowed: Set<String>) -> String? {
        let lowered = key.lowercased()
        if let match = allowed.sorted().first(where: { $0.lowercased() == lowered }) { return match }
        var best: (key: String, distance: Int)?
        for candidate in allowed.sorted() {
            let distance = editDistance(Array(lowered.unicodeScalars), Array(candidate.lowercased().unicodeScalars))
            if distance <= 2, distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
        }
        return best?.key
    }

    /// Levenshtein distance: insertions, deletions and substitutions.
    static func editDistance(_ left: [Unicode.Scalar], _ right: [Unicode.Scalar]) -> Int {
        if left.isEmpty { return right.count }
        var previous = Array(0...right.count)
        var current = previous
        for leftIndex in 1...left.count {
            current[0] = leftIndex
            for rightIndex in stride(from: 1, through: right.count, by: 1) {
                let substitution = previous[rightIndex - 1] + (left[leftIndex - 1] == right[rightIndex - 1] ? 0 : 1)
                current[rightIndex] = min(previous[rightIndex] + 1, current[rightIndex - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[right.count]
    }
}
