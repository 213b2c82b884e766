import Net

/// Writes server→client operations into an output buffer: MSG/HMSG on the hot path (one size
/// computation, one reservation, straight copies), and the rare INFO, PING, PONG, +OK, -ERR.
public enum ServerOpEncoder {
    public static let ping: StaticString = "PING\r\n"
    public static let pong: StaticString = "PONG\r\n"
    public static let ok: StaticString = "+OK\r\n"

    /// Appends `MSG <subject> <sid> [reply] <n>` + payload, or `HMSG … <header_n> <total_n>` when
    /// `headerLength > 0` (the message then starts with its header block).
    @inline(__always)
    public static func appendMessage(
        to buffer: ByteBuffer, subject: UnsafeRawBufferPointer, sid: UnsafeRawBufferPointer,
        reply: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer, headerLength: Int
    ) {
        let total = message.count
        let maximumLineLength = 5 + subject.count + 1 + sid.count + 1 + reply.count + 1 + 20 + 1 + 20 + 2
        buffer.reserveWritable(maximumLineLength + total + 2)
        let start = buffer.writableBytes.baseAddress!
        var cursor = start
        if headerLength > 0 {
            cursor = copy("HMSG ", to: cursor)
        } else {
            cursor = copy("MSG ", to: cursor)
        }
        cursor = copy(subject, to: cursor)
        cursor.storeBytes(of: ASCII.space, as: UInt8.self)
        cursor = copy(sid, to: cursor + 1)
        cursor.storeBytes(of: ASCII.space, as: UInt8.self)
        cursor += 1
        if !reply.isEmpty {
            cursor = copy(reply, to: cursor)
            cursor.storeBytes(of: ASCII.space, as: UInt8.self)
            cursor += 1
        }
        if headerLength > 0 {
            cursor += Decimal.write(headerLength, to: cursor)
            cursor.storeBytes(of: ASCII.space, as: UInt8.self)
            cursor += 1
        }
        cursor += Decimal.write(total, to: cursor)
        cursor = copy("\r\n", to: cursor)
        cursor = copy(message, to: cursor)
        cursor = copy("\r\n", to: cursor)
        buffer.commitWritten(cursor - start)
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

    @inline(__always)
    private static func copy(_ bytes: UnsafeRawBufferPointer, to destination: UnsafeMutableRawPointer)
        -> UnsafeMutableRawPointer
    {
        let count = bytes.count
        if count > 0 { destination.copyMemory(from: bytes.baseAddress!, byteCount: count) }
        return destination + count
    }

    @inline(__always)
    private static func copy(_ text: StaticString, to destination: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer {
        let count = text.utf8CodeUnitCount
        destination.copyMemory(from: text.utf8Start, byteCount: count)
        return destination + count
    }
}
