/// What can go wrong with a JetStream call. A refusal by the server carries its
/// `{"error":{"code","err_code","description"}}` unchanged; `description` is then the server's own
/// text, shown to users verbatim.
public enum JetStreamError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The server refused the request: HTTP-like `code`, numeric `errCode` (10059 stream not found…)
    /// and its `description`.
    case server(code: Int, errCode: Int, description: String)
    /// Nobody answers on `$JS.API`: the server runs without JetStream (or this account has none).
    case notEnabled
    /// A publish to a subject no stream captures (the server's no-responders reply).
    case noStreamResponse(subject: String)
    /// A pull from a consumer the server does not know (nobody answers its `MSG.NEXT` subject).
    case consumerNotFound(stream: String, consumer: String)
    /// The stream (or a subject it captures) exists but nobody answers for it now: its leader is
    /// being elected (or the cluster's meta leader is). Worth retrying; `ffrtmp setup` would not help.
    case streamUnavailable(String)
    /// No answer within the timeout.
    case timeout
    /// The answer was not the JSON the API promises; `detail` says what was wrong.
    case malformedResponse(String)
    /// A pull ended with a status the server uses for refusals (`409 Exceeded MaxWaiting`,
    /// `409 Consumer Deleted`…), before any message arrived.
    case pullRefused(status: Int, description: String)
    /// The message was already acknowledged, rejected or terminated.
    case alreadyAcknowledged
    /// The message did not come from a JetStream consumer (no `$JS.ACK` reply subject).
    case notJetStreamMessage
    /// An argument the client refuses before asking the server.
    case invalidArgument(String)
    /// The connection failed underneath (closed, disconnected, payload too large…).
    case connection(ClientError)

    /// The server's HTTP-like code for `.server` errors.
    public var code: Int? {
        if case .server(let code, _, _) = self { code } else { nil }
    }

    /// The server's numeric JetStream error code for `.server` errors (10059, 10065…).
    public var errCode: Int? {
        if case .server(_, let errCode, _) = self { errCode } else { nil }
    }

    public var description: String {
        switch self {
        case .server(_, _, let description): description
        case .notEnabled: "JetStream is not enabled on the server"
        case .noStreamResponse(let subject): "no stream captures subject \(subject)"
        case .consumerNotFound(let stream, let consumer): "consumer \(consumer) not found on stream \(stream)"
        case .streamUnavailable(let name): "stream \(name) temporarily unavailable (leader election)"
        case .timeout: "timed out waiting for an answer from JetStream"
        case .malformedResponse(let detail): "malformed JetStream response: \(detail)"
        case .pullRefused(let status, let description): "pull refused: \(status) \(description)"
        case .alreadyAcknowledged: "the message was already acknowledged"
        case .notJetStreamMessage: "the message did not come from a JetStream consumer"
        case .invalidArgument(let detail): detail
        case .connection(let error): error.description
        }
    }

    /// Stream not found (10059).
    public static let streamNotFoundCode = 10059
    /// Consumer not found (10014).
    public static let consumerNotFoundCode = 10014
    /// Subjects overlap with an existing stream (10065).
    public static let subjectsOverlapCode = 10065
    /// Stream name already in use with a different configuration (10058).
    public static let streamNameInUseCode = 10058

    /// The stream or consumer does not exist (the server's 10059 or 10014, or no stream captures the
    /// subject): only creating it (`ffrtmp setup`) helps.
    public var isMissingStreamOrConsumer: Bool {
        switch self {
        case .server(_, Self.streamNotFoundCode, _), .server(_, Self.consumerNotFoundCode, _), .noStreamResponse:
            true
        default:
            false
        }
    }

    /// Maps a connection failure of an API request: timeouts and no-responders get their own cases.
    static func from(_ error: ClientError) -> JetStreamError {
        switch error {
        case .timeout: .timeout
        case .noResponders: .notEnabled
        default: .connection(error)
        }
    }
}
