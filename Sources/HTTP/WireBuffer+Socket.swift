import Net
import Wire

/// What writing a buffer to a socket did.
enum HTTPWriteOutcome: Equatable {
    /// Everything was written; `wrote` bytes this time.
    case drained(wrote: Int)
    /// The socket is full with output left; `wrote` bytes went out first.
    case blocked(wrote: Int)
    /// The peer is gone or the socket failed.
    case failed(String)
}

extension WireBuffer {
    /// Writes readable bytes to `fd` until done or the socket is full, consuming what went out.
    func write(to fd: Int32) -> HTTPWriteOutcome {
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
        if capacity > 1 << 20 { shrink(to: 16 * 1024) }
        return .drained(wrote: wrote)
    }
}
