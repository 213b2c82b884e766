import FoundationEssentials
import Wire

/// A `$JS.API.STREAM.PURGE.<stream>` body: which messages go. Without any field, all of them; with
/// `filter`, only those whose subject matches it; with `seq`, only those below that sequence; with
/// `keep`, all but the newest `keep`. `seq` and `keep` together are a bad request, as in nats-server.
/// The object store purges one object's chunk subject this way. A filter that is no valid subject
/// matches nothing (nats-server answers success, 0 purged).
struct PurgeRequest: Decodable, Equatable {
    var filter: String?
    var seq: UInt64?
    var keep: UInt64?

    /// Reads a body; an empty body purges everything. A number that is no `UInt64` is invalid JSON.
    static func parse(_ body: [UInt8]) -> Result<PurgeRequest, JetStreamError> {
        guard !body.isEmpty else { return .success(PurgeRequest()) }
        let request: PurgeRequest
        do {
            request = try JSONDecoder().decode(PurgeRequest.self, from: Data(body))
        } catch {
            return .failure(.invalidJSON("\(error)"))
        }
        if (request.seq ?? 0) > 0 && (request.keep ?? 0) > 0 { return .failure(.badRequest) }
        return .success(request)
    }

    /// Whether the request removes every message (the storage's fast purge).
    var purgesEverything: Bool { (filter ?? "").isEmpty && (seq ?? 0) == 0 && (keep ?? 0) == 0 }
}

extension MessageStream {
    /// Removes what `request` selects; returns how many messages went. Walks the stream's index
    /// (subjects only, no payloads) once, or twice with `keep` (to count first).
    func purge(_ request: PurgeRequest) throws -> Int {
        if request.purgesEverything {
            let purged = try storage.purge()
            noteRemovals()
            return purged
        }
        let filter = request.filter ?? ""
        let matches: (String) -> Bool =
            filter.isEmpty ? { _ in true } : { Subject.matches(pattern: filter, subject: $0) }
        let below = (request.seq ?? 0) > 0 ? request.seq! : UInt64.max
        var toRemove = Int.max
        if let keep = request.keep, keep > 0 {
            let matching = storage.count(after: 0, matching: matches)
            toRemove = max(0, matching - Int(clamping: keep))
        }
        var removed = 0
        defer { if removed > 0 { noteRemovals() } }
        var cursor: UInt64 = 0
        while removed < toRemove, let sequence = storage.nextSequence(after: cursor, matching: matches),
            sequence < below
        {
            if try storage.remove(sequence) { removed += 1 }
            cursor = sequence
        }
        return removed
    }
}
