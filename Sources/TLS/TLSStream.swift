#if canImport(Glibc)
    import Glibc
#endif
import Synchronization

/// A `TLSSession` driven over a connected blocking socket, for clients (the NATS client's TLS
/// upgrade right after INFO, or TLS first). It does not own the descriptor: the caller closes it.
///
/// One reader thread and one writer thread may use a stream at once (the client's reader and
/// flusher): the session sits behind a lock held only while OpenSSL runs, never across a blocking
/// socket call. Ciphertext is sent under a second lock taken before the session's, in the order it
/// was produced, so records from both threads reach the peer in sequence (a reader that must answer a
/// post-handshake message waits for a writer's send in progress). Socket calls retry
/// `EINTR`, never raise `SIGPIPE`, and report the socket's own timeouts (SO_RCVTIMEO, SO_SNDTIMEO).
///
/// `@unchecked Sendable`: `session` is only touched with `sessionLock` held (see `locked`).
public final class TLSStream: @unchecked Sendable {
    /// The socket, borrowed.
    public let fileDescriptor: Int32
    private let session: TLSSession
    private let sessionLock = Mutex<Void>(())
    /// Ciphertext copied out of the session while the sender holds this lock, then sent.
    private let sending = Mutex<[UInt8]>([])
    /// Bytes read from the socket before they are fed; also serialises readers.
    private let receiving = Mutex<[UInt8]>([UInt8](repeating: 0, count: TLSStream.receiveBufferSize))

    /// How much one socket read takes.
    static let receiveBufferSize = 32 * 1024
    /// Plaintext encrypted per step of a large write, so ciphertext held in memory stays bounded.
    static let writeChunkSize = 64 * 1024

    /// Wraps `session` (fresh, from `TLSContext.makeSession`) over `fileDescriptor`. `alreadyReceived`
    /// is ciphertext the caller read from the socket past the plaintext it consumed (after INFO).
    public init(session: sending TLSSession, fileDescriptor: Int32, alreadyReceived: [UInt8] = []) throws(TLSError) {
        try session.feedIncoming(alreadyReceived)
        self.session = session
        self.fileDescriptor = fileDescriptor
    }

    /// Runs the handshake to the end, blocking on the socket; throws why it failed.
    public func handshake() throws(TLSError) {
        while true {
            let status = locked { $0.handshake() }
            try flush()
            switch status {
            case .complete: return
            case .failed(let error): throw error
            case .needsMoreInput:
                guard try receiveAndFeed() else { throw .connectionClosed }
            }
        }
    }

    /// Blocks until plaintext arrives and copies it into `buffer`; 0 means the connection ended (the
    /// peer's close_notify, or the socket closed without one).
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(TLSError) -> Int {
        guard buffer.count > 0 else { return 0 }
        return try receiving.withLock { (scratch) throws(TLSError) -> Int in
            while true {
                let (count, hasOutput, closed) = try locked { (session) throws(TLSError) -> (Int, Bool, Bool) in
                    let count = try session.readPlaintext(into: buffer)
                    return (count, session.outgoingByteCount > 0, session.isClosedByPeer)
                }
                if hasOutput { try flush() }  // A key update answer or other post-handshake message.
                if count > 0 { return count }
                if closed { return 0 }
                let received = try scratch.withMutableBytes { (space) throws(TLSError) -> Int in
                    try Self.receive(fileDescriptor, into: space)
                }
                if received == 0 { return 0 }
                try scratch.withBytes { (bytes) throws(TLSError) in
                    let slice = UnsafeRawBufferPointer(rebasing: bytes[..<received])
                    try locked { (session) throws(TLSError) in try session.feedIncoming(slice) }
                }
            }
        }
    }

    /// Encrypts and sends all of `plaintext`, blocking until the socket took it.
    public func write(_ plaintext: UnsafeRawBufferPointer) throws(TLSError) {
        var offset = 0
        while offset < plaintext.count {
            let end = min(offset + Self.writeChunkSize, plaintext.count)
            let chunk = UnsafeRawBufferPointer(rebasing: plaintext[offset..<end])
            try locked { (session) throws(TLSError) in try session.writePlaintext(chunk) }
            try flush()
            offset = end
        }
    }

    /// `write` for an array.
    public func write(_ plaintext: [UInt8]) throws(TLSError) {
        try plaintext.withBytes { (bytes) throws(TLSError) in try write(bytes) }
    }

    /// Sends close_notify. The socket stays open; the caller closes it.
    public func close() throws(TLSError) {
        locked { $0.close() }
        try flush()
    }

    /// The server's (or client's) certificate as seen by this side, after the handshake.
    public var peerCertificate: CertificateInfo? {
        locked { $0.peerCertificate }
    }

    /// Whether the peer's certificate was verified (see `TLSSession.isPeerVerified`).
    public var isPeerVerified: Bool {
        locked { $0.isPeerVerified }
    }

    /// Whether the handshake resumed an earlier session (see `TLSSession.isResumed`).
    public var isResumed: Bool {
        locked { $0.isResumed }
    }

    /// This connection's session, to resume the next connection to the same server with (see
    /// `TLSSession.savedSession`).
    public var savedSession: TLSSavedSession? {
        locked { $0.savedSession }
    }

    /// Runs `body` on the session with `sessionLock` held.
    private func locked<Result: Sendable>(
        _ body: (TLSSession) throws(TLSError) -> Result
    ) throws(TLSError) -> Result {
        try sessionLock.withLock { (_) throws(TLSError) -> Result in try body(session) }
    }

    /// `locked` for bodies that cannot fail.
    private func locked<Result: Sendable>(_ body: (TLSSession) -> Result) -> Result {
        sessionLock.withLock { _ in body(session) }
    }

    /// Sends everything the session has produced so far, in order.
    private func flush() throws(TLSError) {
        try sending.withLock { (pending) throws(TLSError) in
            locked { session in
                pending.removeAll(keepingCapacity: true)
                session.withOutgoingBytes { pending.append(contentsOf: $0) }
                session.consumeOutgoing(pending.count)
            }
            try pending.withBytes { (bytes) throws(TLSError) in try Self.sendAll(fileDescriptor, bytes) }
            if pending.capacity > 4 * Self.writeChunkSize { pending = [] }
        }
    }

    /// One `recv`, retrying `EINTR`; 0 at end of stream.
    private static func receive(
        _ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer
    ) throws(TLSError) -> Int {
        while true {
            let count = recv(descriptor, buffer.baseAddress, buffer.count, 0)
            if count >= 0 { return count }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: throw .timedOut(operation: "recv")
            default: throw .socket(operation: "recv", code: errno)
            }
        }
    }

    /// `send` until every byte is taken, retrying `EINTR`, without `SIGPIPE`.
    private static func sendAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) throws(TLSError) {
        var offset = 0
        while offset < bytes.count {
            let count = send(descriptor, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if count >= 0 {
                offset += count
                continue
            }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: throw .timedOut(operation: "send")
            default: throw .socket(operation: "send", code: errno)
            }
        }
    }
}

extension TLSStream {
    /// Reads from the socket and feeds the session; false at end of stream.
    fileprivate func receiveAndFeed() throws(TLSError) -> Bool {
        try receiving.withLock { (scratch) throws(TLSError) -> Bool in
            let received = try scratch.withMutableBytes { (space) throws(TLSError) -> Int in
                try Self.receive(fileDescriptor, into: space)
            }
            if received == 0 { return false }
            try scratch.withBytes { (bytes) throws(TLSError) in
                let slice = UnsafeRawBufferPointer(rebasing: bytes[..<received])
                try locked { (session) throws(TLSError) in try session.feedIncoming(slice) }
            }
            return true
        }
    }
}
