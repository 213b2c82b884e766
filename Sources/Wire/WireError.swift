/// A protocol error, with the exact text NATS peers send in `-ERR '<text>'` and whether the
/// server closes the connection after sending it. This is the one place those texts live.
public enum WireError: Error, Equatable, Sendable {
    /// An operation name the protocol does not know, or a payload not followed by CRLF.
    case unknownOperation
    /// A control line longer than the limit (4096 bytes by default).
    case maximumControlLineExceeded
    /// A PUB/HPUB whose size is above max_payload.
    case maximumPayloadViolation
    /// Malformed arguments (missing or bad size, wrong argument count, bad CONNECT JSON).
    /// nats-server closes such connections without sending an -ERR; `sendsError` is false.
    case malformedArguments(String)
    /// A published subject that is empty, has empty tokens, whitespace or wildcards.
    case invalidPublishSubject
    /// A subscription subject that is malformed.
    case invalidSubject
    /// A headers frame (HPUB) from a client that did not announce `headers:true`.
    case headersNotSupported
    case authorizationViolation
    case authenticationTimeout
    case secureConnectionRequired
    case staleConnection
    case slowConsumer
    case maximumConnectionsExceeded
    case maximumSubscriptionsExceeded
    /// CONNECT named a protocol version other than 0 or 1.
    case invalidClientProtocol
    /// CONNECT asked for no_responders without headers.
    case noRespondersRequiresHeaders
    case permissionsViolationForPublish(subject: String)
    /// A publish whose reply subject the client may not publish to itself: whoever answers would
    /// publish there on its behalf.
    case permissionsViolationForReply(subject: String)
    /// A subscription outside the subscribe permissions; nats-server names the queue group of a queue
    /// subscription too, and the sid when a reload removes an existing subscription.
    case permissionsViolationForSubscription(subject: String, queue: String? = nil, sid: String? = nil)

    /// The text inside `-ERR '…'`.
    public var text: String {
        switch self {
        case .unknownOperation: "Unknown Protocol Operation"
        case .maximumControlLineExceeded: "maximum control line exceeded"
        case .maximumPayloadViolation: "Maximum Payload Violation"
        case .malformedArguments: "Parser Error"
        case .invalidPublishSubject: "Invalid Publish Subject"
        case .invalidSubject: "Invalid Subject"
        case .headersNotSupported: "Headers Not Supported"
        case .authorizationViolation: "Authorization Violation"
        case .authenticationTimeout: "Authentication Timeout"
        case .secureConnectionRequired: "Secure Connection - TLS Required"
        case .staleConnection: "Stale Connection"
        case .slowConsumer: "Slow Consumer"
        case .maximumConnectionsExceeded: "maximum connections exceeded"
        case .maximumSubscriptionsExceeded: "maximum subscriptions exceeded"
        case .noRespondersRequiresHeaders: "no responders requires headers support"
        case .invalidClientProtocol: "invalid client protocol"
        case .permissionsViolationForPublish(let subject): "Permissions Violation for Publish to \"\(subject)\""
        case .permissionsViolationForReply(let subject):
            "Permissions Violation for Publish with Reply of \"\(subject)\""
        case .permissionsViolationForSubscription(let subject, let queue, let sid):
            "Permissions Violation for Subscription to \"\(subject)\""
                + (queue.map { " using queue \"\($0)\"" } ?? "") + (sid.map { " (sid \"\($0)\")" } ?? "")
        }
    }

    /// Whether the server drops the connection after this error.
    public var closesConnection: Bool {
        switch self {
        case .invalidPublishSubject, .invalidSubject, .permissionsViolationForPublish, .permissionsViolationForReply,
            .permissionsViolationForSubscription, .maximumSubscriptionsExceeded:
            false
        default:
            true
        }
    }

    /// Whether an `-ERR` line is sent before closing (nats-server closes silently on malformed
    /// arguments, unsupported headers and slow consumers it cannot write to).
    public var sendsError: Bool {
        switch self {
        case .malformedArguments, .headersNotSupported: false
        default: true
        }
    }

    /// The whole `-ERR '…'\r\n` line.
    public var line: String { "-ERR '\(text)'\r\n" }
}
