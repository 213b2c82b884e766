import COpenSSL

/// A client's resumable TLS 1.3 session with one server, kept from one connection to offer on the
/// next (`TLSContext.makeSession(resuming:)`): the server then skips the certificate exchange.
///
/// Offer it only to the server (and server name) it came from: it carries that server's verified
/// certificate, which a resumed connection does not check again. The server decides whether to resume;
/// when it does not (a restart voided its session cache, the ticket expired), the handshake quietly runs
/// in full.
///
/// One saved session may be offered to any number of connections, one after another or at once: each
/// gets its own copy. `@unchecked Sendable`: nothing changes the session after it was saved (only
/// copies are handed to OpenSSL), and its reference count is atomic.
public final class TLSSavedSession: @unchecked Sendable {
    /// The `SSL_SESSION *`, one reference owned.
    let pointer: OpaquePointer

    /// Takes over one reference to `pointer`.
    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        SSL_SESSION_free(pointer)
    }

    /// Seconds since the Unix epoch when the server issued it.
    public var issuedAt: Int { Int(SSL_SESSION_get_time(pointer)) }

    /// How long the server said it may be used, in seconds (the ticket's lifetime hint).
    public var lifetime: Int { Int(SSL_SESSION_get_ticket_lifetime_hint(pointer)) }

    /// The ticket as the server sealed it (opaque to the client).
    var ticket: [UInt8] {
        var bytes: UnsafePointer<UInt8>?
        var count = 0
        SSL_SESSION_get0_ticket(pointer, &bytes, &count)
        guard let bytes, count > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: bytes, count: count))
    }
}
