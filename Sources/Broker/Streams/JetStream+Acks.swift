import FoundationEssentials
import Support

/// Acknowledgements published to `$JS.ACK.<stream>.<consumer>.<deliveries>.<stream seq>.<consumer
/// seq>.<timestamp>.<pending>` (also the 12-token form with domain and account).
extension JetStream {
    func handleAck(_ ack: InboundMessage) {
        let tokens = ack.subject.split(separator: ".", omittingEmptySubsequences: false)
        let offset: Int
        switch tokens.count {
        case 9: offset = 2
        case 11, 12: offset = 4
        default: return
        }
        guard let stream = streams[String(tokens[offset])],
            let consumer = stream.consumers[String(tokens[offset + 1])],
            let sequence = UInt64(tokens[offset + 3])
        else { return }
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
            if !ack.reply.isEmpty, var request = PullRequest(body: [], reply: ack.reply, now: now) {
                request.remaining = batch
                consumer.add(request, now: now, output: self)
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
        let text = String(decoding: body, as: UTF8.self)
        if text.isEmpty || text.hasPrefix("+ACK") {
            self = .acknowledge
        } else if text.hasPrefix("-NAK") {
            self = .reject(delay: AckKind.delay(in: text.dropFirst(4)))
        } else if text.hasPrefix("+WPI") {
            self = .inProgress
        } else if text.hasPrefix("+TERM") {
            self = .terminate
        } else if text.hasPrefix("+NXT") {
            self = .next(batch: AckKind.batch(in: text.dropFirst(4)))
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
