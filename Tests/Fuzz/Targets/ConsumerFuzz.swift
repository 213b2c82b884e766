@testable import Broker
import FoundationEssentials
import Wire

/// A pull consumer driven as JetStream drives it: created from a config as a client sends it, then
/// messages stored, pull requests, acknowledgements (`+ACK`, `-NAK {"delay":…}`, `+WPI`, `+TERM`,
/// `+NXT`) and clock ticks, in the order the input gives, on a memory stream. This reaches the
/// deadline arithmetic (`ack_wait`, `backoff`, pull `expires`, NAK delays) that the decoders alone
/// do not.
///
/// Input: lines. The first is the consumer config JSON (a config the API would refuse ends the
/// run; one that does not decode leaves the defaults). Each later line is one step, by its first
/// byte: `S<payload>` stores a message (on `job.cpu` or `job.gpu` by the payload's first byte),
/// `P<body>` is a pull request, `A<d><body>` acknowledges stream sequence `d` (one digit) with that
/// body, `T<digits>` lets that many milliseconds pass (at most 9 digits) and ticks.
enum ConsumerFuzz {
    static func run(_ input: UnsafeRawBufferPointer) {
        let lines = input.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        guard let first = lines.first else { return }
        let config = (try? JSONDecoder().decode(ConsumerConfig.self, from: Data(first))) ?? ConsumerConfig()
        guard isAccepted(config) else { return }
        var now: Int64 = 1_764_130_217_982_729_094
        let stream = MessageStream(
            config: StreamConfig(name: "JOBS", subjects: ["job.>"]), created: now, storage: MemoryStreamStorage())
        let consumer = Consumer(
            name: "agents", config: config, created: now, stream: stream, persistence: TransientConsumerPersistence(),
            now: now)
        stream.consumers[consumer.name] = consumer
        let output = DiscardingOutput()
        for line in lines.dropFirst() {
            guard let operation = line.first else { continue }
            let rest = Array(line.dropFirst())
            switch operation {
            case UInt8(ascii: "S"):
                let subject = rest.first.map { $0 % 2 == 0 } ?? true ? "job.cpu" : "job.gpu"
                _ = stream.store(subject: subject, headers: [], payload: rest, now: now)
                consumer.dispatch(now: now, output: output)
            case UInt8(ascii: "P"):
                guard case .success(let request) = PullRequest.parse(body: rest, reply: "_INBOX.pull", now: now)
                else { continue }
                consumer.add(request, now: now, output: output)
            case UInt8(ascii: "A"):
                guard let digit = rest.first, (0x30...0x39).contains(digit) else { continue }
                acknowledge(
                    UInt64(digit - 0x30), body: Array(rest.dropFirst()), consumer: consumer, now: now, output: output)
            case UInt8(ascii: "T"):
                let digits = rest.prefix { (0x30...0x39).contains($0) }.prefix(9)
                now += Int64(String(decoding: digits, as: UTF8.self)).map { $0 * 1_000_000 } ?? 0
                consumer.tick(now: now, output: output)
            default:
                continue
            }
        }
    }

    /// What `JetStream.handleAck` does with an ack for `sequence`.
    static func acknowledge(
        _ sequence: UInt64, body: [UInt8], consumer: Consumer, now: Int64, output: ConsumerOutput
    ) {
        switch AckKind(body) {
        case .acknowledge: consumer.acknowledge(sequence)
        case .terminate: consumer.terminate(sequence, now: now, output: output)
        case .reject(let delay):
            consumer.reject(sequence, delay: delay, now: now)
            consumer.dispatch(now: now, output: output)
        case .inProgress: consumer.extend(sequence, now: now)
        case .next(let batch):
            consumer.acknowledge(sequence)
            consumer.add(PullRequest(reply: "_INBOX.next", batch: batch), now: now, output: output)
        }
    }

    /// The checks of `JetStream`'s consumer create that do not depend on other consumers.
    static func isAccepted(_ config: ConsumerConfig) -> Bool {
        guard config.deliverSubject == nil else { return false }
        switch config.deliverPolicy {
        case .lastPerSubject, .byStartTime: return false
        default: return config.filters.allSatisfy { Subject.isValidSubscribe($0) }
        }
    }
}

/// Takes what a consumer sends and drops it.
final class DiscardingOutput: ConsumerOutput {
    func deliver(_ message: StreamMessage, to inbox: ReplyInbox, ackSubject: String) {}
    func sendStatus(_ code: Int, _ description: String, extraHeaders: [(String, String)], to inbox: ReplyInbox) {}
    func publishAdvisory(subject: String, json: [UInt8]) {}
}
