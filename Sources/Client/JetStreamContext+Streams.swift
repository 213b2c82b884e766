/// Stream management: `$JS.API.STREAM.*`.
extension JetStreamContext {
    /// Creates a stream. Creating one that exists with the same configuration succeeds (`didCreate`
    /// false); with a different one the server refuses (10058).
    @discardableResult
    public func addStream(_ config: StreamConfig) throws(JetStreamError) -> StreamInfo {
        try Self.checkName(config.name, "stream")
        return try request("STREAM.CREATE." + config.name, body: config, as: StreamInfo.self)
    }

    /// Changes a stream's configuration; the server refuses changes it cannot make in place (storage,
    /// retention to or from workqueue…).
    @discardableResult
    public func updateStream(_ config: StreamConfig) throws(JetStreamError) -> StreamInfo {
        try Self.checkName(config.name, "stream")
        return try request("STREAM.UPDATE." + config.name, body: config, as: StreamInfo.self)
    }

    /// The stream's configuration and state; the server's 10059 when there is no such stream.
    public func streamInfo(_ name: String) throws(JetStreamError) -> StreamInfo {
        try Self.checkName(name, "stream")
        return try request("STREAM.INFO." + name, as: StreamInfo.self)
    }

    /// Deletes the stream, its messages and consumers.
    public func deleteStream(_ name: String) throws(JetStreamError) {
        try Self.checkName(name, "stream")
        let answer = try request("STREAM.DELETE." + name, as: SuccessResponse.self)
        guard answer.success == true else { throw .malformedResponse("stream delete answered without success") }
    }

    /// Removes every message of the stream; returns how many were removed.
    @discardableResult
    public func purgeStream(_ name: String) throws(JetStreamError) -> UInt64 {
        try Self.checkName(name, "stream")
        let answer = try request("STREAM.PURGE." + name, as: PurgeResponse.self)
        guard answer.success == true else { throw .malformedResponse("stream purge answered without success") }
        return answer.purged ?? 0
    }

    /// Names of all streams, or (with `subject`) of those whose subjects overlap it: the stream that
    /// would store a publish to `subject`.
    public func streamNames(subject: String? = nil) throws(JetStreamError) -> [String] {
        var names: [String] = []
        while true {
            let query = NamesRequest(offset: names.count, subject: subject)
            let page = try request("STREAM.NAMES", body: query, as: NamesResponse.self)
            // nats-server sends `"streams":null` when none match.
            let found = page.streams ?? []
            names += found
            if found.isEmpty || names.count >= (page.total ?? 0) { return names }
        }
    }

    /// The stream that stores publishes to `subject`; nil when none does or the server (or this
    /// account) has no JetStream.
    public func streamCapturing(_ subject: String) throws(JetStreamError) -> String? {
        do {
            return try streamNames(subject: subject).first
        } catch .notEnabled {
            return nil
        } catch .server(_, Self.accountNotEnabledCode, _) {
            return nil
        }
    }

    /// nats-server's "jetstream not enabled for account" (JetStream runs, but not for this account).
    static let accountNotEnabledCode = 10039

    /// The body of a `NAMES` request: where to start, and an optional subject filter.
    struct NamesRequest: Encodable {
        var offset: Int
        var subject: String?
    }

    /// One page of `STREAM.NAMES` (or `CONSUMER.NAMES`).
    struct NamesResponse: Decodable {
        var total: Int?
        var streams: [String]?
        var consumers: [String]?
    }

    private struct PurgeResponse: Decodable {
        var success: Bool?
        var purged: UInt64?
    }
}
