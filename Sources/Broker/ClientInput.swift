import Net
import Wire

/// Where one connection's input is assembled between reads.
///
/// Input is read into the loop's shared buffer and parsed there in place. Only a frame split
/// across reads is kept: copied into a small buffer of the connection's own (`pending`). Before the
/// next read that copy is placed at the front of the shared buffer again, and the connection's copy
/// is dropped only once the read succeeded — a read that finds nothing (EAGAIN) must not lose it.
/// A frame larger than half the shared buffer grows in `pending` itself instead.
///
/// Loop-confined, like the connection that owns it.
struct ClientInput {
    /// A frame split across reads (nil when none).
    private(set) var pending: ByteBuffer?
    /// Bytes `pending` must hold before parsing can finish (0: unknown).
    private(set) var needed = 0

    /// The buffer the next read should fill: the shared buffer (with the split frame copied to its
    /// front), or `pending` for a large frame.
    mutating func bufferForReading(shared: ByteBuffer) -> ByteBuffer {
        guard let pending else {
            shared.clear()
            return shared
        }
        if max(needed, pending.readableCount) <= shared.capacity / 2 {
            shared.clear()
            shared.append(pending.readableBytes)
            return shared
        }
        pending.reserveWritable(max(64 * 1024, needed - pending.readableCount))
        return pending
    }

    /// A read into `buffer` succeeded: the split frame's own copy is no longer needed when the
    /// shared buffer now holds it.
    mutating func readSucceeded(into buffer: ByteBuffer) {
        if buffer !== pending { release() }
    }

    /// Whether parsing `buffer` can make progress (a large frame still short of its size cannot).
    func isWorthParsing(_ buffer: ByteBuffer) -> Bool {
        !(buffer === pending && buffer.readableCount < needed)
    }

    /// Parsing stopped at an incomplete frame: keep the rest of `buffer` until more arrives.
    mutating func keepRest(of buffer: ByteBuffer, needed total: Int) {
        needed = total
        if buffer === pending {
            buffer.compact()
            return
        }
        let partial = ByteBuffer(capacity: max(4096, total, buffer.readableCount * 2))
        partial.append(buffer.readableBytes)
        buffer.clear()
        pending = partial
    }

    /// Parsing used up `buffer` completely.
    mutating func parsedAll(of buffer: ByteBuffer) {
        if buffer === pending { release() }
        needed = 0
    }

    mutating func release() {
        pending = nil
        needed = 0
    }
}
