import Net
import TLS

/// One HTTPS connection's TLS state: the session over memory buffers (the connection's loop does the
/// socket I/O) and the buffer its ciphertext is read into. Loop-confined, as the connection is.
final class HTTPConnectionTLS {
    let session: TLSSession
    /// Ciphertext read from the socket, fed to the session at once.
    let ciphertext = ByteBuffer(capacity: 4096)
    /// Plaintext handed to the session per step of a flush, so the ciphertext it holds stays bounded.
    static let encryptChunkSize = 64 * 1024

    init(session: TLSSession) {
        self.session = session
    }

    /// Feeds what was read and advances the handshake; then decrypts every record ready into `plaintext`.
    /// Returns the plaintext byte count; throws when the session failed (its alert is in the outgoing
    /// bytes, so flush before closing).
    func receive(into plaintext: ByteBuffer) throws(TLSError) -> Int {
        try session.feedIncoming(ciphertext.readableBytes)
        ciphertext.clear()
        if !session.isHandshakeComplete {
            switch session.handshake() {
            case .complete: break
            case .needsMoreInput: return 0
            case .failed(let error): throw error
            }
        }
        var total = 0
        while true {
            plaintext.reserveWritable(16 * 1024)
            let count = try session.readPlaintext(into: plaintext.writableBytes)
            guard count > 0 else { return total }
            plaintext.commitWritten(count)
            total += count
        }
    }

    /// Sends ciphertext the session holds, encrypting more from `output` and then from `stream` only
    /// once the socket took everything: both stay in their own bounded buffers while the peer is slow.
    func flush(to fd: Int32, output: ByteBuffer, stream: HTTPEventStream?) -> SocketWriteOutcome {
        var wrote = 0
        while true {
            if session.outgoingByteCount > 0 {
                let result = session.withOutgoingBytes { Socket.write(fd, $0) }
                switch result {
                case .transferred(let count):
                    session.consumeOutgoing(count)
                    wrote += count
                    continue
                case .wouldBlock: return .blocked(wrote: wrote)
                case .endOfStream: return .failed("write: connection closed")
                case .failed(let error): return .failed("write: \(error)")
                }
            }
            guard session.isHandshakeComplete, !session.isClosed else { return .drained(wrote: wrote) }
            do {
                if !output.isEmpty {
                    let count = min(output.readableCount, Self.encryptChunkSize)
                    try session.writePlaintext(UnsafeRawBufferPointer(rebasing: output.readableBytes[..<count]))
                    output.consume(count)
                } else if let stream, try stream.drainPending(limit: Self.encryptChunkSize, into: session) {
                    continue
                } else {
                    if output.capacity > 1 << 20 { output.shrink(to: 16 * 1024) }
                    return .drained(wrote: wrote)
                }
            } catch {
                return .failed("tls: \(error)")
            }
        }
    }

    /// Queues close_notify and sends what the socket takes now (best effort: the connection is ending).
    func close(fd: Int32) {
        session.close()
        if session.outgoingByteCount > 0,
            case .transferred(let count) = session.withOutgoingBytes({ Socket.write(fd, $0) })
        {
            session.consumeOutgoing(count)
        }
    }
}
