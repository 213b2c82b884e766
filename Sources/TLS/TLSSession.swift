#if canImport(Glibc)
    import Glibc
#endif
import COpenSSL

/// One connection's TLS state over memory buffers: the caller moves ciphertext between the socket and
/// the session, so the session never blocks and never touches a socket.
///
/// A turn of an event loop: read the socket, `feedIncoming`, then `handshake()` until `.complete` and
/// `readPlaintext` until it returns 0; `writePlaintext` what is to be sent; finally send the bytes
/// of `withOutgoingBytes` and `consumeOutgoing` what the socket took. Any call may produce output (the
/// handshake's flights, alerts, key updates, close_notify), so flush after each turn, and also after a
/// failure: the alert telling the peer why is in the outgoing bytes.
///
/// Threads: not Sendable and not locked. A session belongs to one thread at a time (its connection's
/// loop); moving it to another needs a happens-before edge such as the loop's hand-over queue.
/// OpenSSL's error queue is per thread and is drained inside each call, so no state leaks between
/// threads. `TLSStream` wraps a session for a blocking reader and writer on two threads.
///
/// Memory: unprocessed ciphertext is capped (`handshakeBufferLimit` until the handshake completes,
/// then `bufferLimit`); beyond the cap `feedIncoming` throws. Peer certificate chains are capped at
/// 64 KiB. Outgoing ciphertext is not capped: it is what this side chose to write
/// (`outgoingByteCount` is there for backpressure).
public final class TLSSession {
    /// Where a handshake stands after `handshake()`.
    public enum HandshakeStatus: Equatable, Sendable {
        /// Both sides agree; plaintext may flow (a TLS 1.3 server may still refuse this client's
        /// certificate: that arrives as an error from `readPlaintext`).
        case complete
        /// Waiting for the peer: send the outgoing bytes, feed more input, call again.
        case needsMoreInput
        /// The handshake failed for good; send the outgoing bytes (the alert) and close.
        case failed(TLSError)
    }

    /// The context it was made from (kept alive by the session).
    public let context: TLSContext
    /// The server name a client sent and verifies (nil for servers and for clients without one).
    public let serverName: String?
    /// Whether the handshake has completed.
    public private(set) var isHandshakeComplete = false
    /// Whether the peer sent close_notify; `readPlaintext` returns 0 from then on.
    public private(set) var isClosedByPeer = false
    /// Whether `close()` was called.
    public private(set) var isClosed = false
    /// The first fatal error; every later call reports it again.
    public private(set) var failure: TLSError?

    /// The `SSL *`, owned; it owns both BIOs.
    let ssl: OpaquePointer
    /// Ciphertext from the peer, waiting for OpenSSL (owned by `ssl`; replaced when shrunk).
    private var incoming: OpaquePointer
    /// Ciphertext for the peer, waiting for the socket (owned by `ssl`; replaced when shrunk).
    private var outgoing: OpaquePointer
    /// The peer certificate, read once after the handshake (`.some(nil)`: the peer sent none).
    var cachedPeerCertificateValue: CertificateInfo??

    /// An idle memory BIO larger than this is replaced by a fresh one, so one burst does not pin memory.
    static let idleBufferCapacityLimit = 256 * 1024

    init(context: TLSContext, serverName: String?, resuming saved: TLSSavedSession? = nil) throws(TLSError) {
        self.context = context
        OpenSSLErrors.clear()
        guard let ssl = SSL_new(context.pointer) else { throw OpenSSLErrors.failure("SSL_new") }
        guard let incoming = Self.makeBuffer(), let outgoing = Self.makeBuffer() else {
            SSL_free(ssl)
            throw OpenSSLErrors.failure("BIO_new")
        }
        SSL_set_bio(ssl, incoming, outgoing)  // `ssl` owns both from here on.
        let isClient = context.configuration.role == .client
        if isClient {
            SSL_set_connect_state(ssl)
            // A copy: OpenSSL marks the session of a connection freed without close_notify as not
            // resumable, which must not spoil `saved` for the next connection. A session OpenSSL finds
            // unusable is simply not offered.
            if let saved, let copy = SSL_SESSION_dup(saved.pointer) {
                if SSL_set_session(ssl, copy) != 1 { OpenSSLErrors.clear() }
                SSL_SESSION_free(copy)  // `ssl` took its own reference.
            }
            if let serverName {
                do throws(TLSError) {
                    try Self.setServerName(serverName, on: ssl, verify: context.configuration.verifyPeer)
                } catch {
                    SSL_free(ssl)  // Properties are still unset, so deinit will not run.
                    throw error
                }
            }
        } else {
            SSL_set_accept_state(ssl)
        }
        self.ssl = ssl
        self.incoming = incoming
        self.outgoing = outgoing
        self.serverName = isClient ? serverName : nil
    }

    deinit {
        // OpenSSL drops from the session cache the session of a connection freed without close_notify;
        // a server keeps it when the connection merely ended (a client's network failing is when
        // resumption matters). A connection that failed keeps OpenSSL's default.
        if context.configuration.role == .server, isHandshakeComplete, failure == nil {
            SSL_set_shutdown(ssl, SSL_get_shutdown(ssl) | SSL_SENT_SHUTDOWN)
        }
        SSL_free(ssl)
    }

    // MARK: Ciphertext in

    /// Hands ciphertext received from the peer to the session (copied). Throws `bufferLimitExceeded`
    /// when it would hold more unprocessed ciphertext than allowed, and the session fails.
    public func feedIncoming(_ ciphertext: UnsafeRawBufferPointer) throws(TLSError) {
        if let failure { throw failure }
        guard ciphertext.count > 0, let base = ciphertext.baseAddress else { return }
        let limit = isHandshakeComplete ? context.configuration.bufferLimit : context.configuration.handshakeBufferLimit
        guard BIO_ctrl_pending(incoming) + ciphertext.count <= limit else {
            throw fail(.bufferLimitExceeded(limit: limit))
        }
        OpenSSLErrors.clear()
        // Never more than `limit` bytes, so the count fits BIO_write's Int32.
        guard BIO_write(incoming, base, Int32(ciphertext.count)) == Int32(ciphertext.count) else {
            throw fail(OpenSSLErrors.failure("BIO_write"))
        }
    }

    /// `feedIncoming` for an array.
    public func feedIncoming(_ ciphertext: [UInt8]) throws(TLSError) {
        try ciphertext.withBytes { (bytes) throws(TLSError) in try feedIncoming(bytes) }
    }

    /// Ciphertext fed but not yet processed.
    public var incomingByteCount: Int { BIO_ctrl_pending(incoming) }

    // MARK: Handshake

    /// Advances the handshake with what has been fed; never blocks.
    @discardableResult
    public func handshake() -> HandshakeStatus {
        if let failure { return .failed(failure) }
        if isHandshakeComplete { return .complete }
        if isClosed { return .failed(fail(.invalidState("closed before the handshake completed"))) }
        OpenSSLErrors.clear()
        let result = SSL_do_handshake(ssl)
        if result == 1 {
            // Only TLS 1.3 resumes (with a fresh key exchange); the server never caches anything
            // else, and this makes sure of it.
            guard SSL_session_reused(ssl) == 0 || SSL_version(ssl) == TLS1_3_VERSION else {
                return .failed(fail(.handshakeFailed(reason: "resumed a session below TLS 1.3")))
            }
            isHandshakeComplete = true
            return .complete
        }
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
            return .needsMoreInput
        case SSL_ERROR_ZERO_RETURN:
            OpenSSLErrors.clear()
            return .failed(fail(.handshakeFailed(reason: "the peer sent close_notify during the handshake")))
        default:
            return .failed(fail(handshakeError()))
        }
    }

    // MARK: Plaintext

    /// Decrypts into `buffer`; returns the byte count, 0 when nothing is ready yet or the peer closed
    /// (`isClosedByPeer`). Call until it returns 0: one call returns at most one record.
    public func readPlaintext(into buffer: UnsafeMutableRawBufferPointer) throws(TLSError) -> Int {
        if let failure { throw failure }
        guard isHandshakeComplete else { throw .invalidState("reading before the handshake completed") }
        guard !isClosedByPeer, buffer.count > 0, let base = buffer.baseAddress else { return 0 }
        OpenSSLErrors.clear()
        var count = 0
        let result = SSL_read_ex(ssl, base, buffer.count, &count)
        if result == 1 {
            shrinkIdleBuffers()
            return count
        }
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
            shrinkIdleBuffers()
            return 0
        case SSL_ERROR_ZERO_RETURN:
            isClosedByPeer = true
            return 0
        default:
            throw fail(.protocolError(reason: OpenSSLErrors.drain()))
        }
    }

    /// Encrypts all of `plaintext` into the outgoing bytes (records of at most 16 KiB).
    public func writePlaintext(_ plaintext: UnsafeRawBufferPointer) throws(TLSError) {
        if let failure { throw failure }
        guard isHandshakeComplete else { throw .invalidState("writing before the handshake completed") }
        guard !isClosed else { throw .invalidState("writing after close()") }
        guard plaintext.count > 0, let base = plaintext.baseAddress else { return }
        OpenSSLErrors.clear()
        var written = 0
        // A memory BIO never refuses bytes, so SSL_write_ex takes everything in one call.
        guard SSL_write_ex(ssl, base, plaintext.count, &written) == 1, written == plaintext.count else {
            throw fail(.protocolError(reason: OpenSSLErrors.drain()))
        }
    }

    /// `writePlaintext` for an array.
    public func writePlaintext(_ plaintext: [UInt8]) throws(TLSError) {
        try plaintext.withBytes { (bytes) throws(TLSError) in try writePlaintext(bytes) }
    }

    // MARK: Ciphertext out

    /// Ciphertext waiting to be sent.
    public var outgoingByteCount: Int { BIO_ctrl_pending(outgoing) }

    /// Runs `body` over the ciphertext waiting to be sent, in place (no copy). The bytes are valid only
    /// inside `body`, which must not call the session; afterwards `consumeOutgoing` what was sent.
    public func withOutgoingBytes<Result, Failure: Error>(
        _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        var data: UnsafeMutablePointer<CChar>?
        let count = COpenSSL_memoryData(outgoing, &data)
        guard count > 0, let data else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        // Safe: OpenSSL reports `count` readable bytes at `data`; nothing writes to the BIO during `body`.
        return try body(UnsafeRawBufferPointer(start: data, count: count))
    }

    /// Drops the first `count` outgoing bytes (sent by the caller), without copying.
    public func consumeOutgoing(_ count: Int) {
        precondition(count >= 0 && count <= outgoingByteCount, "consumeOutgoing(\(count)) of \(outgoingByteCount)")
        guard count > 0 else { return }
        let skipped = COpenSSL_memorySkip(outgoing, count)
        precondition(skipped == 1, "BIO_seek on a memory BIO failed")
        shrinkIdleBuffers()
    }

    /// All outgoing bytes, copied and consumed (for tests and the blocking adapter).
    public func takeOutgoing() -> [UInt8] {
        let bytes = withOutgoingBytes { Array($0) }
        consumeOutgoing(bytes.count)
        return bytes
    }

    // MARK: Close

    /// Queues close_notify (after the handshake; before it there is nothing to close politely). Reading
    /// stays possible until the peer's close_notify; writing does not.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        guard isHandshakeComplete, failure == nil else { return }
        OpenSSLErrors.clear()
        if SSL_shutdown(ssl) < 0 { OpenSSLErrors.clear() }  // Nothing to report: the connection is ending.
    }

    // MARK: Internals

    /// Records the first fatal error and returns it.
    @discardableResult
    private func fail(_ error: TLSError) -> TLSError {
        if failure == nil { failure = error }
        return failure ?? error
    }

    /// A memory BIO that says "retry" rather than "end of file" when empty.
    private static func makeBuffer() -> OpaquePointer? {
        guard let bio = BIO_new(BIO_s_mem()) else { return nil }
        COpenSSL_setMemoryEndOfFileReturn(bio, -1)
        return bio
    }

    /// Replaces an empty buffer that grew past `idleBufferCapacityLimit` (memory BIOs never shrink).
    private func shrinkIdleBuffers() {
        if BIO_ctrl_pending(incoming) == 0, COpenSSL_memoryCapacity(incoming) > Self.idleBufferCapacityLimit,
            let fresh = Self.makeBuffer()
        {
            SSL_set0_rbio(ssl, fresh)  // Frees the old one.
            incoming = fresh
        }
        if BIO_ctrl_pending(outgoing) == 0, COpenSSL_memoryCapacity(outgoing) > Self.idleBufferCapacityLimit,
            let fresh = Self.makeBuffer()
        {
            SSL_set0_wbio(ssl, fresh)
            outgoing = fresh
        }
    }

    /// SNI plus host-name (or IP) verification for a client.
    private static func setServerName(_ name: String, on ssl: OpaquePointer, verify: Bool) throws(TLSError) {
        if isIPAddress(name) {
            // SNI must not carry an IP literal (RFC 6066); verify the IP SAN instead.
            guard !verify || X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name) == 1 else {
                throw .configuration("serverName \(name): \(OpenSSLErrors.drain())")
            }
            return
        }
        guard COpenSSL_setServerNameIndication(ssl, name) == 1 else {
            throw .configuration("serverName \(name): \(OpenSSLErrors.drain())")
        }
        if verify {
            SSL_set_hostflags(ssl, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
            guard SSL_set1_host(ssl, name) == 1 else {
                throw .configuration("serverName \(name): \(OpenSSLErrors.drain())")
            }
        }
    }

    private static func isIPAddress(_ text: String) -> Bool {
        var address = in6_addr()
        return inet_pton(AF_INET, text, &address) == 1 || inet_pton(AF_INET6, text, &address) == 1
    }
}
