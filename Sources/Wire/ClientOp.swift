/// One operation a client sent, as views into the input buffer.
///
/// The views (`UnsafeRawBufferPointer`) point into the buffer handed to `ClientOpParser.parse`
/// and are valid only until that buffer is consumed or changed: handle the op, then consume.
public enum ClientOp {
    /// `CONNECT {json}`: the JSON options object.
    case connect(json: UnsafeRawBufferPointer)
    /// `PUB` or `HPUB`: a message to route.
    case publish(PublishFrame)
    /// `SUB <subject> [queue] <sid>`.
    case subscribe(subject: UnsafeRawBufferPointer, queue: UnsafeRawBufferPointer?, sid: UnsafeRawBufferPointer)
    /// `UNSUB <sid> [max]`: remove now, or after `max` deliveries in total.
    case unsubscribe(sid: UnsafeRawBufferPointer, max: Int?)
    case ping
    case pong
    /// `+OK`, `INFO` from a client: accepted and ignored, as nats-server does.
    case ignored
    /// `-ERR '<text>'` from a client: nats-server logs it and closes the connection.
    case error(text: UnsafeRawBufferPointer)
}

/// The parts of a `PUB`/`HPUB` frame. `message` is the header block followed by the payload;
/// `headerLength` is 0 for a plain `PUB`.
public struct PublishFrame {
    public var subject: UnsafeRawBufferPointer
    /// The reply subject; empty when none was given.
    public var reply: UnsafeRawBufferPointer
    public var headerLength: Int
    public var message: UnsafeRawBufferPointer
    /// True for `HPUB`.
    public var hasHeaders: Bool

    public init(
        subject: UnsafeRawBufferPointer, reply: UnsafeRawBufferPointer, headerLength: Int,
        message: UnsafeRawBufferPointer, hasHeaders: Bool
    ) {
        self.subject = subject
        self.reply = reply
        self.headerLength = headerLength
        self.message = message
        self.hasHeaders = hasHeaders
    }

    public var hasReply: Bool { !reply.isEmpty }
    /// The payload after the header block.
    public var payload: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: message[headerLength...]) }
}

/// What one `ClientOpParser.parse` call found at the start of its input.
public enum ClientParseResult {
    /// A whole op that used the first `consumed` bytes.
    case operation(ClientOp, consumed: Int)
    /// The op is not complete; nothing is consumed. `minimumTotal` is the input size needed before
    /// parsing can finish (0 when unknown: any more bytes may complete it).
    case needMore(minimumTotal: Int)
    /// A protocol error; see `WireError.closesConnection`.
    case failure(WireError)
}
