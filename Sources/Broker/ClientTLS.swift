import TLS

/// A client connection's TLS state: the session (memory BIOs; the loop does the socket I/O) and
/// where the handshake stands. Owned by the connection's loop: the session is touched only there,
/// which is why other loops hand TLS flushes over instead of writing themselves. `@unchecked
/// Sendable`: only `flushScheduled` is touched off the loop, under the connection's outbound lock.
final class ClientTLS: @unchecked Sendable {
    enum Phase {
        /// Nothing received yet: the first byte tells a TLS ClientHello (0x16) from plaintext.
        case awaitingHello
        /// Handshake records are being exchanged.
        case handshaking
        /// Application data flows.
        case established
    }

    let session: TLSSession
    var phase = Phase.awaitingHello
    /// When the connection opened, for the handshake timeout (monotonic ns).
    let startedAt: UInt64
    /// The verified client certificate's identity, once the handshake is done.
    var certificate: ClientCertificateIdentity?
    /// A flush handed over to the owning loop is pending (outbound lock).
    var flushScheduled = false

    init(session: TLSSession, startedAt: UInt64) {
        self.session = session
        self.startedAt = startedAt
    }

    /// The first byte of a TLS record carrying a handshake message.
    static let handshakeRecordType: UInt8 = 0x16
}
