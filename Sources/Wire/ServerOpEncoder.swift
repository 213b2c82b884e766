import Net

/// Writes server→client operations into an output buffer: MSG/HMSG on the hot path (sizes spelled
/// out once per message, one reservation and straight copies per subscriber; see `MessageLine`), and
/// the rare INFO, PING, PONG, +OK, -ERR.
public enum ServerOpEncoder {
    public static let ping: StaticString = "PING\r\n"
    public static let pong: StaticString = "PONG\r\n"
    public static let ok: StaticString = "+OK\r\n"

    /// Appends `MSG <subject> <sid> [reply] <n>` + payload, or `HMSG … <header_n> <total_n>` when
    /// `headerLength > 0` (the message then starts with its header block). For one message to many
    /// subscriptions, make its `MessageLine` once and append that for each sid.
    public static func appendMessage(
        to buffer: ByteBuffer, subject: UnsafeRawBufferPointer, sid: UnsafeRawBufferPointer,
        reply: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer, headerLength: Int
    ) {
        let line = MessageLine(subject: subject, reply: reply, message: message, headerLength: headerLength)
        appendMessage(line, sid: sid, to: buffer)
    }

    /// Appends `INFO <json> \r\n` (nats-server puts a space before CRLF; clients accept both).
    public static func appendInfo(to buffer: ByteBuffer, json: String) {
        buffer.append("INFO ")
        buffer.append(string: json)
        buffer.append(" \r\n")
    }

    /// Appends `-ERR '<text>'\r\n`.
    public static func appendError(to buffer: ByteBuffer, _ error: WireError) {
        buffer.append(string: error.line)
    }

    /// Copies `bytes`; the short ones (subjects, sids) without a call to `memmove`, which costs more
    /// than the copy for a few bytes and ran several times per delivered message.
    @inline(__always)
    static func copy(_ bytes: UnsafeRawBufferPointer, to destination: UnsafeMutableRawPointer)
        -> UnsafeMutableRawPointer
    {
        let count = bytes.count
        guard let source = bytes.baseAddress, count > 0 else { return destination }
        if count <= 16 {
            copyShort(from: source, count: count, to: destination)
        } else {
            destination.copyMemory(from: source, byteCount: count)
        }
        return destination + count
    }

    /// Copies 1 to 16 bytes as two overlapping words (or single bytes below 4); everything is loaded
    /// before anything is stored.
    @inline(__always)
    private static func copyShort(
        from source: UnsafeRawPointer, count: Int, to destination: UnsafeMutableRawPointer
    ) {
        if count >= 8 {
            let head = source.loadUnaligned(as: UInt64.self)
            let tail = source.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            destination.storeBytes(of: head, as: UInt64.self)
            destination.storeBytes(of: tail, toByteOffset: count - 8, as: UInt64.self)
        } else if count >= 4 {
            let head = source.loadUnaligned(as: UInt32.self)
            let tail = source.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
            destination.storeBytes(of: head, as: UInt32.self)
            destination.storeBytes(of: tail, toByteOffset: count - 4, as: UInt32.self)
        } else {
            let first = source.load(as: UInt8.self)
            let middle = source.load(fromByteOffset: count / 2, as: UInt8.self)
            let last = source.load(fromByteOffset: count - 1, as: UInt8.self)
            destination.storeBytes(of: first, as: UInt8.self)
            destination.storeBytes(of: middle, toByteOffset: count / 2, as: UInt8.self)
            destination.storeBytes(of: last, toByteOffset: count - 1, as: UInt8.self)
        }
    }

    @inline(__always)
    static func copy(_ text: StaticString, to destination: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer {
        let count = text.utf8CodeUnitCount
        destination.copyMemory(from: text.utf8Start, byteCount: count)
        return destination + count
    }
}
