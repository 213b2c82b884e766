import Net

/// Appends client→server operations (CONNECT, PUB, HPUB, SUB, UNSUB, PING, PONG) to a buffer.
///
/// Pure and allocation-free: each frame is written straight into the buffer's free space. Callers
/// validate subjects (no spaces or line breaks) before encoding; the encoder copies bytes as given.
public enum ClientOpEncoder {
    public static let ping: StaticString = "PING\r\n"
    public static let pong: StaticString = "PONG\r\n"

    /// `CONNECT {json}`.
    public static func appendConnect(json: String, to buffer: ByteBuffer) {
        buffer.append("CONNECT ")
        buffer.append(string: json)
        buffer.append("\r\n")
    }

    public static func appendPing(to buffer: ByteBuffer) { buffer.append(ping) }

    public static func appendPong(to buffer: ByteBuffer) { buffer.append(pong) }

    /// `PUB <subject> [reply] <size>` CRLF payload CRLF; `reply` empty for none.
    @inline(__always)
    public static func appendPublish(
        subject: UnsafeRawBufferPointer, reply: UnsafeRawBufferPointer,
        payload: UnsafeRawBufferPointer, to buffer: ByteBuffer
    ) {
        // PUB + spaces + size (at most 20 digits) + two CRLFs.
        buffer.reserveWritable(subject.count + reply.count + payload.count + 32)
        var writer = FrameWriter(buffer)
        writer.write("PUB ")
        writer.write(subject)
        if !reply.isEmpty {
            writer.write(byte: UInt8(ascii: " "))
            writer.write(reply)
        }
        writer.write(byte: UInt8(ascii: " "))
        writer.write(decimal: payload.count)
        writer.write("\r\n")
        writer.write(payload)
        writer.write("\r\n")
        writer.commit()
    }

    /// `HPUB <subject> [reply] <header_size> <total_size>` CRLF headers payload CRLF.
    public static func appendHeaderPublish(
        subject: UnsafeRawBufferPointer, reply: UnsafeRawBufferPointer,
        headers: HeaderBlock, payload: UnsafeRawBufferPointer,
        to buffer: ByteBuffer
    ) {
        let headerCount = headers.encodedCount
        appendHeaderPublishLine(
            subject: subject, reply: reply, headerCount: headerCount,
            totalCount: headerCount + payload.count, to: buffer)
        headers.encode(to: buffer)
        buffer.append(payload)
        buffer.append("\r\n")
    }

    /// `HPUB` with a header block already encoded.
    public static func appendHeaderPublish(
        subject: UnsafeRawBufferPointer, reply: UnsafeRawBufferPointer,
        headerBytes: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer,
        to buffer: ByteBuffer
    ) {
        appendHeaderPublishLine(
            subject: subject, reply: reply, headerCount: headerBytes.count,
            totalCount: headerBytes.count + payload.count, to: buffer)
        buffer.append(headerBytes)
        buffer.append(payload)
        buffer.append("\r\n")
    }

    private static func appendHeaderPublishLine(
        subject: UnsafeRawBufferPointer, reply: UnsafeRawBufferPointer,
        headerCount: Int, totalCount: Int, to buffer: ByteBuffer
    ) {
        buffer.reserveWritable(subject.count + reply.count + totalCount + 64)
        var writer = FrameWriter(buffer)
        writer.write("HPUB ")
        writer.write(subject)
        if !reply.isEmpty {
            writer.write(byte: UInt8(ascii: " "))
            writer.write(reply)
        }
        writer.write(byte: UInt8(ascii: " "))
        writer.write(decimal: headerCount)
        writer.write(byte: UInt8(ascii: " "))
        writer.write(decimal: totalCount)
        writer.write("\r\n")
        writer.commit()
    }

    /// `SUB <subject> [queue] <sid>`.
    public static func appendSubscribe(subject: String, queue: String?, sid: Int, to buffer: ByteBuffer) {
        buffer.append("SUB ")
        buffer.append(string: subject)
        if let queue, !queue.isEmpty {
            buffer.append(byte: UInt8(ascii: " "))
            buffer.append(string: queue)
        }
        buffer.append(byte: UInt8(ascii: " "))
        buffer.appendDecimal(sid)
        buffer.append("\r\n")
    }

    /// `UNSUB <sid> [max]`: remove now, or once `max` messages in total were delivered.
    public static func appendUnsubscribe(sid: Int, max: Int?, to buffer: ByteBuffer) {
        buffer.append("UNSUB ")
        buffer.appendDecimal(sid)
        if let max {
            buffer.append(byte: UInt8(ascii: " "))
            buffer.appendDecimal(max)
        }
        buffer.append("\r\n")
    }
}

/// Writes into a buffer's reserved free space without a capacity check per piece; `commit` publishes
/// what was written. The caller reserves enough space first.
private struct FrameWriter {
    let buffer: ByteBuffer
    let start: UnsafeMutableRawPointer
    var position: UnsafeMutableRawPointer

    @inline(__always) init(_ buffer: ByteBuffer) {
        self.buffer = buffer
        start = buffer.writableBytes.baseAddress!
        position = start
    }

    @inline(__always) mutating func write(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        position.copyMemory(from: source, byteCount: bytes.count)
        position += bytes.count
    }

    @inline(__always) mutating func write(_ text: StaticString) {
        position.copyMemory(from: text.utf8Start, byteCount: text.utf8CodeUnitCount)
        position += text.utf8CodeUnitCount
    }

    @inline(__always) mutating func write(byte: UInt8) {
        position.storeBytes(of: byte, as: UInt8.self)
        position += 1
    }

    @inline(__always) mutating func write(decimal value: Int) {
        position += Decimal.write(value, to: position)
    }

    @inline(__always) func commit() {
        let written = position - start
        precondition(written <= buffer.writableBytes.count, "FrameWriter wrote past the reserved space")
        buffer.commitWritten(written)
    }
}
