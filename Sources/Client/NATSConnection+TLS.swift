import Net
import TLS

/// TLS for a connection: whether a server is spoken to over TLS, and the upgrade of a connected socket.
///
/// As NATS clients do: the INFO arrives in plaintext, then the TLS handshake runs on the same socket
/// (bytes read past INFO are handed to it), then CONNECT and PING go over TLS. With `handshakeFirst`
/// the handshake runs before INFO instead. Each connection gets a fresh session from the one context;
/// a reconnect to the server of the last connection offers that connection's TLS 1.3 session, so a
/// server that issues tickets resumes it without the certificate exchange.
extension NATSConnection {
    /// The client context for `options` and `servers`, or nil when none of them can need TLS. Files are
    /// read now, so a wrong path or a key that does not match its certificate fails `connect` at once.
    static func makeTLSContext(
        options: ConnectionOptions, servers: [ServerAddress]
    ) throws(ClientError) -> TLSContext? {
        guard options.tls != nil || servers.contains(where: \.usesTLS) else { return nil }
        do {
            return try TLSContext((options.tls ?? ClientTLSOptions()).configuration)
        } catch {
            throw .tlsConfiguration(error.description)
        }
    }

    /// Whether the current connection runs over TLS.
    public var isSecure: Bool {
        lock.withLock { transport?.isSecure ?? false }
    }

    /// Whether `server` must be spoken to over TLS: TLS settings were given, or its URL is `tls://`.
    func wantsTLS(_ server: ServerAddress) -> Bool {
        options.tls != nil || server.usesTLS
    }

    /// Whether TLS starts before INFO with `server`.
    func startsWithTLS(_ server: ServerAddress) -> Bool {
        wantsTLS(server) && options.tls?.handshakeFirst == true
    }

    /// Decides from the server's first INFO, read in plaintext, whether to upgrade; throws when the
    /// server requires TLS we were not given settings for, or does not offer TLS we insist on.
    func shouldUpgrade(after info: NATSServerInfo, server: ServerAddress) throws(ClientError) -> Bool {
        if wantsTLS(server) {
            guard info.tlsRequired || info.tlsAvailable else {
                throw .tlsHandshakeFailed(
                    "the server does not offer TLS (its INFO has no tls_required); refusing to go on in plaintext")
            }
            return true
        }
        if info.tlsRequired { throw .tlsRequired }
        return false
    }

    /// Runs the TLS handshake over `socket`, verifying the server's certificate against the URL's host
    /// (or `serverName`); `alreadyReceived` is what was read past INFO. Reads give up at `deadline`.
    func upgrade(
        _ socket: BlockingSocket, server: ServerAddress, alreadyReceived: [UInt8], deadline: Deadline
    ) throws(ClientError) -> ClientTransport {
        guard let tlsContext else { preconditionFailure("TLS wanted for \(server) without a TLS context") }
        let explanation = tlsFailureExplanation(server)
        socket.setReadDeadline(deadline)
        do {
            let resuming = savedTLSSession.flatMap { $0.server == server ? $0.session : nil }
            let session = try tlsContext.makeSession(serverName: explanation.serverName, resuming: resuming)
            let stream = try TLSStream(
                session: session, fileDescriptor: socket.descriptor, alreadyReceived: alreadyReceived)
            try stream.handshake()
            return ClientTransport(socket: socket, tls: stream)
        } catch {
            throw explanation.connectError(error)
        }
    }

    /// Whether the current connection's TLS handshake resumed the session of an earlier connection
    /// (the server skipped the certificate exchange).
    public var isTLSSessionResumed: Bool {
        lock.withLock { transport?.tls?.isResumed ?? false }
    }

    /// Keeps the TLS session of a connection just opened to `server`, to offer when reconnecting to it.
    /// A copy, taken while the connection is healthy: OpenSSL marks a session unusable once its
    /// connection ends abruptly, which is how a connection that needs a reconnect usually ends.
    /// Reader thread only (or `connect` before it starts).
    func keepTLSSession(of transport: ClientTransport, server: ServerAddress) {
        guard let saved = transport.tls?.savedSession else { return }
        savedTLSSession = (server, saved)
    }

    /// How TLS failures with `server` are explained: against the name its certificate must carry.
    func tlsFailureExplanation(_ server: ServerAddress) -> TLSFailureExplanation {
        TLSFailureExplanation(serverName: options.tls?.serverName ?? server.host, options: options.tls)
    }
}
