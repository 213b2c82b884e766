import Support

/// How a `NATSConnection` introduces itself, how long it waits and how it reconnects.
public struct ConnectionOptions: Sendable {
    /// Shown by the server in its connection list (`CONNECT` "name").
    public var name: String?
    /// Ask the server to acknowledge every operation with `+OK`.
    public var verbose = false
    /// Ask the server to check subjects strictly.
    public var pedantic = false
    /// Receive our own publishes on our own subscriptions.
    public var echo = true
    /// Announce header support (needed for HPUB/HMSG and no-responders replies).
    public var headers = true
    /// Ask for a `503` status reply when a request has no subscriber.
    public var noResponders = true
    public var user: String?
    public var password: String?
    public var token: String?
    /// TLS settings; nil speaks plaintext unless the URL is `tls://` (then the system's CAs are trusted).
    /// With them set, the connection insists on TLS. See `ClientTLSOptions`.
    public var tls: ClientTLSOptions?
    /// What every inbox subject starts with (`--inbox-prefix`), e.g. `_INBOX.node-1`. Nil: `_INBOX.<CN>`
    /// with a client certificate, else `_INBOX` (see `effectiveInboxPrefix`).
    public var inboxPrefix: String?

    /// For the TCP connection plus the INFO/CONNECT/PONG exchange, per server tried.
    public var connectTimeout: Duration = .seconds(2)
    /// A write blocked this long means the server is gone: the connection is dropped.
    public var writeTimeout: Duration = .seconds(10)

    /// Reconnect when the connection breaks (otherwise the connection closes).
    public var allowReconnect = true
    /// Attempts before giving up and closing; negative: never give up.
    public var maxReconnectAttempts = 60
    /// Pause before each attempt after the first, plus a random part up to `reconnectJitter`.
    public var reconnectWait: Duration = .seconds(2)
    public var reconnectJitter: Duration = .milliseconds(100)
    /// Bytes of publishes kept while disconnected; beyond it `publish` throws.
    public var reconnectBufferSize = 8 << 20

    /// Idle connections are checked with a PING this often.
    public var pingInterval: Duration = .seconds(120)
    /// The connection is declared stale (and reconnected) with this many PINGs unanswered.
    public var maxPingsOutstanding = 2
    /// Buffered outbound bytes above this are written by the publishing thread itself.
    public var flushThreshold = 32 * 1024
    /// Messages a `subscribeSync` subscription holds for `nextMessage`; beyond it they are dropped.
    public var pendingMessageLimit = 65_536

    /// Where connection events are logged; nil for silence.
    public var logger: Logger? = Logger(component: "client")
    /// Called (on the reader thread) when the connection breaks, with why.
    public var onDisconnected: (@Sendable (ClientError) -> Void)?
    /// Called (on the reader thread) once a reconnect succeeded and subscriptions were restored.
    public var onReconnected: (@Sendable () -> Void)?
    /// Called once when the connection is closed for good.
    public var onClosed: (@Sendable () -> Void)?
    /// Called (on the reader thread) for `-ERR` lines that arrive outside the handshake.
    public var onServerError: (@Sendable (ClientError) -> Void)?

    public init() {}
}
