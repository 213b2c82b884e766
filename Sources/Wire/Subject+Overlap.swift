extension Subject {
    /// True when some literal subject matches both patterns (`a.*` and `*.b` overlap on `a.b`;
    /// `a.>` and `a` do not). Used to keep streams from capturing the same subjects.
    public static func patternsOverlap(_ first: String, _ second: String) -> Bool {
        let left = first.split(separator: ".", omittingEmptySubsequences: false)
        let right = second.split(separator: ".", omittingEmptySubsequences: false)
        var index = 0
        while index < left.count && index < right.count {
            let a = left[index], b = right[index]
            if a == ">" || b == ">" { return true }
            if a != "*" && b != "*" && a != b { return false }
            index += 1
        }
        if left.count == right.count { return true }
        // One ran out: overlap only if the longer continues with a lone `>`... which needs ≥1 token
        // more, and the shorter has none left, so no literal subject matches both.
        return false
    }

    /// True when every subject matched by `inner` is also matched by `outer` (`a.>` covers `a.b.*`).
    public static func pattern(_ outer: String, covers inner: String) -> Bool {
        let outerTokens = outer.split(separator: ".", omittingEmptySubsequences: false)
        let innerTokens = inner.split(separator: ".", omittingEmptySubsequences: false)
        for (index, token) in outerTokens.enumerated() {
            if token == ">" { return innerTokens.count > index }
            guard index < innerTokens.count else { return false }
            let other = innerTokens[index]
            if other == ">" { return false }
            if token == "*" { continue }
            if other == "*" || other != token { return false }
        }
        return outerTokens.count == innerTokens.count
    }
}
