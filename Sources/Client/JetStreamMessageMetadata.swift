/// Where a consumed message stands, read from its reply subject:
/// `$JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<timestamp ns>.<pending>`, or
/// the newer form with domain and account hash after `$JS.ACK` (11 tokens, or 12 with a random tail).
public struct JetStreamMessageMetadata: Sendable, Equatable {
    public var stream: String
    public var consumer: String
    /// The JetStream domain; nil when there is none (`_`) or the subject has the short form.
    public var domain: String?
    /// How many times this message was delivered to the consumer, this delivery included.
    public var deliveryCount: Int
    public var streamSequence: UInt64
    public var consumerSequence: UInt64
    /// When the message was stored: nanoseconds since 1970.
    public var timestamp: Int64
    /// Messages left for the consumer after this one.
    public var pending: UInt64

    public init(
        stream: String, consumer: String, domain: String? = nil, deliveryCount: Int, streamSequence: UInt64,
        consumerSequence: UInt64, timestamp: Int64, pending: UInt64
    ) {
        self.stream = stream
        self.consumer = consumer
        self.domain = domain
        self.deliveryCount = deliveryCount
        self.streamSequence = streamSequence
        self.consumerSequence = consumerSequence
        self.timestamp = timestamp
        self.pending = pending
    }

    /// Parses an ack subject; nil when `reply` is not one. Scans the bytes once (this runs for every
    /// message a consumer delivers).
    public init?(replySubject reply: String) {
        var reply = reply
        guard let parsed = reply.withUTF8({ Self.parse(UnsafeRawBufferPointer($0)) }) else { return nil }
        self = parsed
    }

    private static func parse(_ bytes: UnsafeRawBufferPointer) -> JetStreamMessageMetadata? {
        // Where each token starts; one past the end closes the last. 12 tokens at most.
        var starts: [Int] = []
        starts.reserveCapacity(13)
        starts.append(0)
        for index in bytes.indices where bytes[index] == UInt8(ascii: ".") {
            guard starts.count < 12 else { return nil }
            starts.append(index + 1)
        }
        starts.append(bytes.count + 1)
        let count = starts.count - 1
        func token(_ number: Int) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(rebasing: bytes[starts[number]..<(starts[number + 1] - 1)])
        }
        guard count >= 9, token(0).elementsEqual("$JS".utf8), token(1).elementsEqual("ACK".utf8) else { return nil }
        let offset: Int
        var domain: String?
        switch count {
        case 9:
            offset = 2
        case 11, 12:
            offset = 4
            if !token(2).elementsEqual("_".utf8) { domain = String(decoding: token(2), as: UTF8.self) }
        default:
            return nil
        }
        guard let deliveryCount = number(token(offset + 2)), let streamSequence = number(token(offset + 3)),
            let consumerSequence = number(token(offset + 4)), let timestamp = number(token(offset + 5)),
            let pending = number(token(offset + 6)), !token(offset).isEmpty, !token(offset + 1).isEmpty
        else { return nil }
        return JetStreamMessageMetadata(
            stream: String(decoding: token(offset), as: UTF8.self),
            consumer: String(decoding: token(offset + 1), as: UTF8.self), domain: domain,
            deliveryCount: Int(deliveryCount), streamSequence: streamSequence, consumerSequence: consumerSequence,
            timestamp: Int64(timestamp), pending: pending)
    }

    /// A decimal number up to `Int64.max` (so the delivery count and timestamp convert without a
    /// trap); nil for anything else. At most 19 digits, so the sum below cannot overflow `UInt64`.
    private static func number(_ digits: UnsafeRawBufferPointer) -> UInt64? {
        guard !digits.isEmpty, digits.count <= 19 else { return nil }
        var value: UInt64 = 0
        for digit in digits {
            guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + UInt64(digit - UInt8(ascii: "0"))
        }
        return value <= UInt64(Int64.max) ? value : nil
    }
}
