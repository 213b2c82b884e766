import FoundationEssentials
import Net
import Support
import Wire

/// Acknowledgements published to `$JS.ACK.<stream>.<consumer>.<deliveries>.<stream seq>.<consumer
/// seq>.<timestamp>.<pending>`, the one form this broker hands out.
extension JetStream {
    func handleAck(_ ack: InboundMessage) {
        guard let target = AckSubject(ack.subject) else {
            ignoreAck(subject: ack.subject)
            return
        }
        guard let stream = streams[target.stream], let consumer = stream.consumers[target.consumer] else { return }
        let sequence = target.streamSequence
        let now = Timestamp.nowNanoseconds()
        let kind = AckKind(ack.payload)
        switch kind {
        case .acknowledge:
            consumer.acknowledge(sequence)
        case .terminate(let reason):
            consumer.terminate(sequence, reason: reason, now: now, output: self)
        case .reject(let delay):
            consumer.reject(sequence, delay: delay, now: now)
            consumer.dispatch(now: now, output: self)
        case .inProgress:
            consumer.extend(sequence, now: now)
        case .next(let batch):
            consumer.acknowledge(sequence)
            if !ack.reply.isEmpty {
                consumer.add(PullRequest(reply: ack.replyInbox, batch: batch), now: now, output: self)
            }
        }
        needsSync(consumer)
        if !ack.reply.isEmpty, kind.repliesWhenAsked {
            replyAfterSync(to: ack.replyInbox, payload: [])
        }
    }
}

extension JetStream {
    /// Counts an ack whose subject is not the form we hand out, and logs it now and then.
    fileprivate func ignoreAck(subject: String) {
        ignoredAcks += 1
        guard let unlogged = ignoredAckNotice.record(now: Clock.monotonicNanoseconds()) else { return }
        logger.info(
            "ack ignored: subject is not an ack subject this broker hands out",
            ["subject": String(subject.prefix(200)), "ignored_total": ignoredAcks, "unlogged": unlogged])
    }
}

/// What an acknowledgement's body asks for.
enum AckKind: Equatable {
    case acknowledge
    /// `-NAK`, with a redelivery delay in nanoseconds (0: now).
    case reject(delay: Int64)
    case inProgress
    /// `+TERM`, with the reason that followed it (trimmed, at most `maximumReasonBytes`).
    case terminate(reason: String)
    /// `+NXT`: acknowledge and ask for `batch` more on the ack's reply subject.
    case next(batch: Int)

    /// Parses `+ACK`, `-NAK`, `-NAK {"delay":ns}`, `+WPI`, `+TERM [reason]`, `+NXT [n|{json}]`; an
    /// empty body is an ack (as nats-server treats it).
    init(_ body: [UInt8]) {
        func starts(with word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard body.count >= count else { return false }
            for index in 0..<count where body[index] != word.utf8Start[index] { return false }
            return true
        }
        if body.isEmpty || starts(with: "+ACK") {
            self = .acknowledge
        } else if starts(with: "-NAK") {
            self = .reject(delay: AckKind.delay(in: String(decoding: body.dropFirst(4), as: UTF8.self)[...]))
        } else if starts(with: "+WPI") {
            self = .inProgress
        } else if starts(with: "+TERM") {
            self = .terminate(reason: AckKind.reason(in: body.dropFirst(5)))
        } else if starts(with: "+NXT") {
            self = .next(batch: AckKind.batch(in: String(decoding: body.dropFirst(4), as: UTF8.self)[...]))
        } else {
            self = .acknowledge
        }
    }

    /// Whether an ack carrying a reply subject gets an empty answer once durable (ack_sync). `+NXT`
    /// uses its reply subject for the next messages instead.
    var repliesWhenAsked: Bool {
        if case .next = self { return false }
        return true
    }

    /// The longest `+TERM` reason passed on in the advisory: the rest of a hostile body is cut.
    static let maximumReasonBytes = 1024

    private static func reason(in rest: ArraySlice<UInt8>) -> String {
        let text = String(decoding: rest.prefix(maximumReasonBytes), as: UTF8.self).trimmingWhitespace()
        // A cut through a multi-byte character decodes to U+FFFD: drop it.
        return text.hasSuffix("\u{FFFD}") && rest.count > maximumReasonBytes ? String(text.dropLast()) : text
    }

    private struct DelayBody: Decodable { var delay: Int64? }
    private struct BatchBody: Decodable { var batch: Int? }

    private static func delay(in rest: Substring) -> Int64 {
        let json = rest.trimmingWhitespace()
        guard !json.isEmpty, let body = try? JSONDecoder().decode(DelayBody.self, from: Data(json.utf8)) else {
            return 0
        }
        return max(0, body.delay ?? 0)
    }

    private static func batch(in rest: Substring) -> Int {
        let text = rest.trimmingWhitespace()
        if let number = Int(text) { return max(1, number) }
        if let body = try? JSONDecoder().decode(BatchBody.self, from: Data(text.utf8)) {
            return max(1, body.batch ?? 1)
        }
        return 1
    }
}

/// The parts of an ack reply subject that matter. Exactly the form this broker hands out with each
/// delivery (`Consumer.deliver`): `$JS.ACK.<stream>.<consumer>.<deliveries>.<stream seq>.<consumer
/// seq>.<timestamp>.<pending>`, nine tokens, the last five decimal. The 11/12-token form with domain
/// and account hash is refused: it names the stream in a later token, so a subject that passes a
/// `$JS.ACK.JOBS.>` permission could ack a message of another stream. Parsed in one pass over the
/// bytes: acks are a hot path.
struct AckSubject: Equatable {
    var stream: String
    var consumer: String
    var streamSequence: UInt64

    static let tokenCount = 9

    init(stream: String, consumer: String, streamSequence: UInt64) {
        self.stream = stream
        self.consumer = consumer
        self.streamSequence = streamSequence
    }

    init?(_ subject: String) {
        var text = subject
        guard let parsed = text.withUTF8({ AckSubject.parse(UnsafeRawBufferPointer($0)) }) else { return nil }
        self = parsed
    }

    private static func parse(_ bytes: UnsafeRawBufferPointer) -> AckSubject? {
        var stream = ""
        var consumer = ""
        var sequence: UInt64 = 0
        var position = 0
        var start = 0
        for index in 0...bytes.count where index == bytes.count || bytes[index] == UInt8(ascii: ".") {
            let token = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
            start = index + 1
            guard !token.isEmpty else { return nil }
            switch position {
            case 0: guard token.elementsEqual("$JS".utf8) else { return nil }
            case 1: guard token.elementsEqual("ACK".utf8) else { return nil }
            case 2: stream = String(decoding: token, as: UTF8.self)
            case 3: consumer = String(decoding: token, as: UTF8.self)
            case 4..<tokenCount:
                // The timestamp is signed (a clock before 1970); every other number is not.
                let digits =
                    position == 7 && token.first == UInt8(ascii: "-")
                    ? UnsafeRawBufferPointer(rebasing: token.dropFirst()) : token
                guard let number = decimal(digits) else { return nil }
                if position == 5 { sequence = number }
            default: return nil
            }
            position += 1
        }
        guard position == tokenCount else { return nil }
        return AckSubject(stream: stream, consumer: consumer, streamSequence: sequence)
    }

    /// A token of digits only, as a `UInt64`; nil when it is anything else or too large.
    private static func decimal(_ token: UnsafeRawBufferPointer) -> UInt64? {
        guard !token.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in token {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            let (times10, overflowed) = value.multipliedReportingOverflow(by: 10)
            let (sum, carried) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            guard !overflowed && !carried else { return nil }
            value = sum
        }
        return value
    }
}
