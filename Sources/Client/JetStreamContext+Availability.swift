/// Telling a missing stream from one that is only leaderless for a while.
extension JetStreamContext {
    /// What a failed call on `stream` (and `consumer`) means: the error itself when the stream or
    /// consumer really does not exist (`ffrtmp setup` is needed), else `.streamUnavailable`.
    ///
    /// During a leader election nobody answers for the stream or its consumers (no responders, 503,
    /// timeouts), which a client cannot tell from a missing stream by that answer alone; so the stream
    /// is looked up (`$JS.API.STREAM.INFO.<stream>`): only "stream not found" (10059) means missing.
    /// A consumer's own "not found" (10014) counts only once the stream answered.
    public func diagnose(_ error: JetStreamError, stream: String) -> JetStreamError {
        switch error {
        case .server(_, JetStreamError.streamNotFoundCode, _), .server(_, JetStreamError.consumerNotFoundCode, _),
            .consumerNotFound, .noStreamResponse, .timeout, .notEnabled, .server(503, _, _):
            break
        default:
            return error
        }
        do {
            _ = try streamInfo(stream)
        } catch .server(_, JetStreamError.streamNotFoundCode, _) {
            return .server(code: 404, errCode: JetStreamError.streamNotFoundCode, description: "stream not found")
        } catch .notEnabled {
            return .notEnabled
        } catch {
            return .streamUnavailable(stream)
        }
        // The stream answered: a consumer it says it lacks is missing; anything else was transient.
        if case .server(_, JetStreamError.consumerNotFoundCode, _) = error { return error }
        return .streamUnavailable(stream)
    }
}
