@testable import Broker
import FoundationEssentials
import Support

/// The JetStream API's inputs from the network: pull request bodies, consumer and stream configs
/// (decoded, then encoded back as info replies do), ack bodies and ack subjects.
///
/// Input: one selector byte, then the body. The selector counts from ASCII `0`: `0` pull request,
/// `1` consumer config, `2` stream config, `3` ack body, `4` ack subject (other bytes wrap).
enum JetStreamFuzz {
    static func run(_ input: UnsafeRawBufferPointer) {
        guard let selector = input.first else { return }
        let body = Array(input.dropFirst())
        switch Int(selector &- UInt8(ascii: "0")) % 5 {
        case 0: pullRequest(body)
        case 1: consumerConfig(body)
        case 2: streamConfig(body)
        case 3: _ = AckKind(body)
        default: ackSubject(body)
        }
    }

    /// As `CONSUMER.MSG.NEXT` parses it, at the current time.
    static func pullRequest(_ body: [UInt8]) {
        let now = Timestamp.nowNanoseconds()
        guard case .success(let request) = PullRequest.parse(body: body, reply: "_INBOX.fuzz", now: now) else { return }
        fuzzCheck(request.remaining >= 1, "a pull request for \(request.remaining) messages")
        // A negative `expires` has already passed: its deadline is now (never 0, which means no deadline).
        fuzzCheck(request.deadline >= 0, "a deadline \(request.deadline) before the epoch")
    }

    static func consumerConfig(_ body: [UInt8]) {
        guard let config = try? JSONDecoder().decode(ConsumerConfig.self, from: Data(body)) else { return }
        _ = config.filters
        _ = try? JSONEncoder().encode(config)
    }

    static func streamConfig(_ body: [UInt8]) {
        guard let config = try? JSONDecoder().decode(StreamConfig.self, from: Data(body)) else { return }
        _ = try? JSONEncoder().encode(config)
    }

    static func ackSubject(_ body: [UInt8]) {
        let subject = String(decoding: body, as: UTF8.self)
        guard let target = AckSubject(subject) else { return }
        fuzzCheck(!subject.isEmpty, "an empty subject named \(target.stream)")
    }
}
