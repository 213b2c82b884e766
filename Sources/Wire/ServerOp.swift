/// One operation the server sent, as views into the input buffer.
///
/// The views (`UnsafeRawBufferPointer`) point into the buffer handed to `ServerOpParser.parse`
/// and are valid only until that buffer is consumed or changed: handle the op, then consume.
public enum ServerOp {
    /// `INFO {json}`: the server's JSON object.
    case info(json: UnsafeRawBufferPointer)
    /// `MSG` or `HMSG`: a delivered message.
    case message(MessageFrame)
    /// `PING`: the server checks that the client is alive; answer `PONG`.
    case ping
    /// `PONG`: the answer to one of the client's `PING`s, in order.
    case pong
    /// `+OK`: an acknowledgement, sent only to `verbose` clients.
    case ok
    /// `-ERR '<text>'`: the text without its quotes.
    case error(text: UnsafeRawBufferPointer)
}

/// The parts of a `MSG`/`HMSG` frame, as views into the parser's input.
public struct MessageFrame {
    public var subject: UnsafeRawBufferPointer
    /// The subscription id the client chose in `SUB`.
    public var sid: UnsafeRawBufferPointer
    /// The reply subject; empty when none was given.
    public var reply: UnsafeRawBufferPointer
    /// The header block (`NATS/1.0…` through its empty line); empty for a plain `MSG`.
    public var headers: UnsafeRawBufferPointer
    public var payload: UnsafeRawBufferPointer
    /// True for `HMSG`.
    public var hasHeaders: Bool

    public init(
        subject: UnsafeRawBufferPointer, sid: UnsafeRawBufferPointer, reply: UnsafeRawBufferPointer,
        headers: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer, hasHeaders: Bool
    ) {
        self.subject = subject
        self.sid = sid
        self.reply = reply
        self.headers = headers
        self.payload = payload
        self.hasHeaders = hasHeaders
    }

    public var hasReply: Bool { !reply.isEmpty }
}

/// What one `ServerOpParser.parse` call found at the start of its input.
public enum ServerParseResult {
    /// A whole op that used the first `consumed` bytes.
    case operation(ServerOp, consumed: Int)
    /// The op is not complete; nothing is consumed. `minimumTotal` is the input size needed before
    /// parsing can finish (0 when unknown: any more bytes may complete it).
    case needMore(minimumTotal: Int)
    /// The server broke the protocol; the client should drop the connection.
    case failure(WireError)
}
