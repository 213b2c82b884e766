/// What writing a buffer to a socket did.
public enum SocketWriteOutcome: Equatable {
    /// Everything was written; `wrote` bytes this time.
    case drained(wrote: Int)
    /// The socket is full with output left; `wrote` bytes went out first.
    case blocked(wrote: Int)
    /// The peer is gone or the socket failed; the reason says which.
    case failed(String)
}

extension ByteBuffer {
    /// Writes readable bytes to `fd` until done or the socket is full, consuming what went out.
    /// Once drained, a buffer that grew past 1 MiB shrinks back to `idleCapacity` (nil: the caller
    /// shrinks it itself, at its own pace).
    public func write(to fd: Int32, idleCapacity: Int?) -> SocketWriteOutcome {
        var wrote = 0
        while !isEmpty {
            switch Socket.write(fd, readableBytes) {
            case .transferred(let count):
                consume(count)
                wrote += count
            case .wouldBlock: return .blocked(wrote: wrote)
            case .endOfStream: return .failed("write: connection closed")
            case .failed(let error): return .failed("write: \(error)")
            }
        }
        if let idleCapacity, capacity > 1 << 20 { shrink(to: idleCapacity) }
        return .drained(wrote: wrote)
    }
}
