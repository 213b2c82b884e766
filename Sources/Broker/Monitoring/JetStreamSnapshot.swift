/// JetStream's totals as `/jsz` and `/metrics` show them: a copy taken on the JetStream loop.
struct JetStreamSnapshot: Sendable, Equatable {
    var streams = 0
    var consumers = 0
    var messages = 0
    var bytes: Int64 = 0
    /// Bytes held by memory streams and by file streams: JetStreamStats' `memory` and `storage`.
    var memoryBytes: Int64 = 0
    var storageBytes: Int64 = 0
    var apiRequests = 0
    var apiErrors = 0
}

extension JetStream {
    /// The totals over every stream. JetStream loop thread.
    func snapshot() -> JetStreamSnapshot {
        var snapshot = JetStreamSnapshot(streams: streams.count, apiRequests: apiRequests, apiErrors: apiErrors)
        for stream in streams.values {
            let state = stream.storage.state
            snapshot.consumers += stream.consumers.count
            snapshot.messages += state.messages
            snapshot.bytes += state.bytes
            switch stream.config.storage {
            case .memory: snapshot.memoryBytes += state.bytes
            case .file: snapshot.storageBytes += state.bytes
            }
        }
        return snapshot
    }
}
