import Net

extension ServerOpEncoder {
    /// What the MSG or HMSG line of one published message says apart from the sid, worked out once
    /// for all of the message's subscribers: the sizes are spelled out and the line's length is known,
    /// so each delivery only copies (`appendMessage(_:sid:to:)`).
    ///
    /// The views point where the caller's do (the read buffer for a client's publish) and are valid
    /// as long as those are.
    public struct MessageLine {
        public let subject: UnsafeRawBufferPointer
        /// Empty when the message has no reply subject.
        public let reply: UnsafeRawBufferPointer
        /// The header block (when `headerLength > 0`) followed by the payload.
        public let message: UnsafeRawBufferPointer
        public let headerLength: Int
        /// `[<header size> ]<total size>\r\n`, spelled out in the first `sizesCount` bytes: at most
        /// 20 + 1 + 20 + 2 of the 48.
        private var sizes: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0)
        private let sizesCount: Int
        /// Bytes the whole op takes, less the sid.
        let lengthWithoutSid: Int

        public init(
            subject: UnsafeRawBufferPointer, reply: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer,
            headerLength: Int
        ) {
            self.subject = subject
            self.reply = reply
            self.message = message
            self.headerLength = headerLength
            let total = message.count
            sizesCount = withUnsafeMutableBytes(of: &sizes) { sizes in
                var cursor = sizes.baseAddress!
                if headerLength > 0 {
                    cursor += Decimal.write(headerLength, to: cursor)
                    cursor.storeBytes(of: ASCII.space, as: UInt8.self)
                    cursor += 1
                }
                cursor += Decimal.write(total, to: cursor)
                cursor.storeBytes(of: ASCII.carriageReturn, as: UInt8.self)
                cursor.storeBytes(of: ASCII.lineFeed, toByteOffset: 1, as: UInt8.self)
                return cursor + 2 - sizes.baseAddress!
            }
            let name = headerLength > 0 ? 5 : 4  // "HMSG " or "MSG "
            let replyPart = reply.isEmpty ? 0 : reply.count + 1
            lengthWithoutSid = name + subject.count + 1 + 1 + replyPart + sizesCount + total + 2
        }

        /// Copies the spelled-out sizes to `destination`; returns the end of the copy.
        @inline(__always)
        func copySizes(to destination: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer {
            withUnsafeBytes(of: sizes) { sizes in
                copy(UnsafeRawBufferPointer(rebasing: sizes[..<sizesCount]), to: destination)
            }
        }
    }

    /// Appends `line` for the subscription `sid`: `MSG <subject> <sid> [reply] <n>` + payload, or
    /// `HMSG … <header_n> <total_n>` when the message has a header block.
    @inline(__always)
    public static func appendMessage(_ line: MessageLine, sid: UnsafeRawBufferPointer, to buffer: ByteBuffer) {
        // &+ is safe: both lengths are of memory that exists, far below Int.max together.
        let length = line.lengthWithoutSid &+ sid.count
        buffer.reserveWritable(length)
        let start = buffer.writableBytes.baseAddress!
        var cursor = start
        if line.headerLength > 0 {
            cursor = copy("HMSG ", to: cursor)
        } else {
            cursor = copy("MSG ", to: cursor)
        }
        cursor = copy(line.subject, to: cursor)
        cursor.storeBytes(of: ASCII.space, as: UInt8.self)
        cursor = copy(sid, to: cursor + 1)
        cursor.storeBytes(of: ASCII.space, as: UInt8.self)
        cursor += 1
        if !line.reply.isEmpty {
            cursor = copy(line.reply, to: cursor)
            cursor.storeBytes(of: ASCII.space, as: UInt8.self)
            cursor += 1
        }
        cursor = line.copySizes(to: cursor)
        cursor = copy(line.message, to: cursor)
        cursor.storeBytes(of: ASCII.carriageReturn, as: UInt8.self)
        cursor.storeBytes(of: ASCII.lineFeed, toByteOffset: 1, as: UInt8.self)
        buffer.commitWritten(length)
    }
}
