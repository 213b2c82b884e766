import Wire

/// A received message, copied out of the connection's buffer: safe to keep and send anywhere.
public struct Message: Sendable, Equatable {
    public var subject: String
    /// Where the sender waits for an answer, when it does.
    public var reply: String?
    /// The header block of an HMSG; nil for a plain MSG (or a header block that did not parse).
    public var headers: HeaderBlock?
    public var payload: [UInt8]

    public init(subject: String, reply: String? = nil, headers: HeaderBlock? = nil, payload: [UInt8] = []) {
        self.subject = subject
        self.reply = reply
        self.headers = headers
        self.payload = payload
    }

    /// The payload decoded as UTF-8 (invalid bytes replaced).
    public var string: String { String(decoding: payload, as: UTF8.self) }

    /// The status of a server-made reply (`503`, `404`, `408`…), when there is one.
    public var status: Int? { headers?.status }
}

/// A received message as views into the connection's read buffer: no copy, no allocation.
///
/// Valid only while the handler it was passed to runs; use `makeMessage()` to keep it.
public struct MessageView {
    public let subjectBytes: UnsafeRawBufferPointer
    /// Empty when the message has no reply subject.
    public let replyBytes: UnsafeRawBufferPointer
    /// The raw header block; empty for a plain MSG.
    public let headerBytes: UnsafeRawBufferPointer
    public let payload: UnsafeRawBufferPointer

    init(_ frame: MessageFrame) {
        subjectBytes = frame.subject
        replyBytes = frame.reply
        headerBytes = frame.headers
        payload = frame.payload
    }

    public var subject: String { String(decoding: subjectBytes, as: UTF8.self) }
    public var reply: String? { replyBytes.isEmpty ? nil : String(decoding: replyBytes, as: UTF8.self) }
    public var hasHeaders: Bool { !headerBytes.isEmpty }

    /// The parsed header block, or nil when there is none or it does not parse.
    public func headers() -> HeaderBlock? {
        headerBytes.isEmpty ? nil : try? HeaderBlock.parse(headerBytes)
    }

    /// An owned copy.
    public func makeMessage() -> Message {
        Message(subject: subject, reply: reply, headers: headers(), payload: Array(payload))
    }
}
