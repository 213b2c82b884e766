import FoundationEssentials
import Support
import Wire

/// Acknowledgements published to `$JS.ACK.<stream>.<consumer>.<deliveries>.<stream seq>.<consumer
/// seq>.<timestamp>.<pending>` (also the 12-token form with domain and account).
extension JetStream {
    func handleAck(_ ack: InboundMessage) {
        guard let target = AckSubject(ack.subject), let stream = streams[target.stream],
            let consumer = stream.consumers[target.consumer]
        else { return }
        let sequence = target.streamSequence
        let now = Timestamp.nowNanoseconds()
        let kind = AckKind(ack.payload)
        switch kind {
        case .acknowledge:
            consumer.acknowledge(sequence)
        case .terminate:
            consumer.terminate(sequence)
        case .reject(let delay):
            consumer.reject(sequence, delay: delay, now: now)
            consumer.dispatch(now: now, output: self)
        case .inProgress:
            consumer.extend(sequence, now: now)
        case .next(let batch):
            consumer.acknowledge(sequence)
            if !ack.reply.isEmpty {
                consumer.add(PullRequest(reply: ack.reply, batch: batch), now: now, output: self)
            }
        }
        needsSync(consumer)
        if !ack.reply.isEmpty, kind.repliesWhenAsked {
            replyAfterSync(to: ack.reply, payload: [])
        }
    }
}

/// What an acknowledgement's body asks for.
enum AckKind: Equatable {
    case acknowledge
    /// `-NAK`, with a redelivery delay in nanoseconds (0: now).
    case reject(delay: Int64)
    case inProgress
    case terminate
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
            self = .terminate
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

/// The parts of an ack reply subject that matter: `$JS.ACK.<stream>.<consumer>.<deliveries>.<stream
/// seq>.<consumer seq>.<timestamp>.<pending>` (9 tokens), or the 11/12-token form with domain and
/// account hash before the stream. Parsed in one pass over the bytes: acks are a hot path.
struct AckSubject {
    var stream: String
    var consumer: String
    var streamSequence: UInt64

    init?(_ subject: String) {
        var starts: [Int] = []
        var ends: [Int] = []
        starts.reserveCapacity(12)
        ends.reserveCapacity(12)
        let parsed: (String, String, UInt64)?? = subject.utf8.withContiguousStorageIfAvailable { bytes in
            var start = 0
            for index in 0..<bytes.count where bytes[index] == UInt8(ascii: ".") {
                starts.append(start)
                ends.append(index)
                start = index + 1
                if starts.count > 12 { return nil }
            }
            starts.append(start)
            ends.append(bytes.count)
            let offset: Int
            switch starts.count {
            case 9: offset = 2
            case 11, 12: offset = 4
            default: return nil
            }
            func text(_ token: Int) -> String {
                String(decoding: UnsafeBufferPointer(rebasing: bytes[starts[token]..<ends[token]]), as: UTF8.self)
            }
            guard
                let sequence = Decimal.parse(
                    UnsafeRawBufferPointer(
                        UnsafeBufferPointer(rebasing: bytes[starts[offset + 3]..<ends[offset + 3]])))
            else { return nil }
            return (text(offset), text(offset + 1), UInt64(sequence))
        }
        guard let found = parsed ?? AckSubject.slowParse(subject) else { return nil }
        (stream, consumer, streamSequence) = found
    }

    /// For a string without contiguous UTF-8 (bridged): split it.
    private static func slowParse(_ subject: String) -> (String, String, UInt64)? {
        let tokens = subject.split(separator: ".", omittingEmptySubsequences: false)
        let offset = tokens.count == 9 ? 2 : (tokens.count == 11 || tokens.count == 12 ? 4 : -1)
        guard offset > 0, let sequence = UInt64(tokens[offset + 3]) else { return nil }
        return (String(tokens[offset]), String(tokens[offset + 1]), sequence)
    }
}
