/// Removal of the oldest messages for `max_msgs`, `max_bytes` and `max_age` limits.
extension StreamStore {
    /// Removes the first live message; returns its sequence, or nil when the stream is empty.
    @discardableResult
    public func removeOldest() throws(StoreError) -> UInt64? {
        guard let first = index.first else { return nil }
        try remove(first.sequence)
        return first.sequence
    }

    /// Removes messages from the front until there are at most `maxMessages`, their records take at
    /// most `maxBytes` (see `StreamState.bytes`), and none is older than `maxAgeNanoseconds` at `now`
    /// (`now - timestamp > maxAge`). nil means no limit. Returns the removed sequences in order.
    @discardableResult
    public func enforce(
        maxMessages: Int? = nil, maxBytes: Int64? = nil, maxAgeNanoseconds: Int64? = nil, now: Int64
    ) throws(StoreError) -> [UInt64] {
        var removed: [UInt64] = []
        while let first = index.first {
            let tooMany = maxMessages.map { index.liveCount > $0 } ?? false
            let tooBig = maxBytes.map { liveBytes > $0 } ?? false
            var tooOld = false
            if let maxAgeNanoseconds {
                let (age, overflow) = now.subtractingReportingOverflow(first.timestamp)
                tooOld = !overflow && age > maxAgeNanoseconds
            }
            guard tooMany || tooBig || tooOld else { break }
            try remove(first.sequence)
            removed.append(first.sequence)
        }
        return removed
    }
}
