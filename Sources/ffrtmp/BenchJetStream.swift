import Client
import Support
import Synchronization

/// The JetStream bench modes, against any server with JetStream (ours or nats-server `-js`):
/// `js-pub` publishes with acks, keeping `--window` publishes in flight, and is timed from the first
/// publish to the last ack; `js-pull` first fills the stream (untimed), then fetches in batches of
/// `--window` and acks every message, timed until the last ack is flushed. The stream `BENCH`
/// (file storage, limits retention) is created fresh for each run and deleted afterwards.
enum BenchJetStream {
    static let streamName = "BENCH"

    static func run(_ configuration: BenchConfiguration) throws -> BenchResult {
        var options = configuration.connectionOptions
        options.name = "ffrtmp bench jetstream"
        options.allowReconnect = false
        let connection = try NATSConnection.connect(url: configuration.server, options: options)
        defer { connection.close() }
        let context = JetStreamContext(
            connection: connection, timeout: .seconds(10),
            maxPendingPublishes: configuration.window)
        let subject = configuration.subject + ".js"
        try? context.deleteStream(streamName)
        _ = try context.addStream(StreamConfig(name: streamName, subjects: [subject]))
        defer { try? context.deleteStream(streamName) }
        let payload = [UInt8](repeating: UInt8(ascii: "x"), count: configuration.size)
        switch configuration.mode {
        case .jsPub:
            let seconds = try timed { try publish(configuration.messages, subject, payload, context) }
            return BenchResult(configuration: configuration, seconds: seconds)
        default:
            try publish(configuration.messages, subject, payload, context)
            _ = try context.addOrUpdateConsumer(
                stream: streamName, ConsumerConfig(durableName: "bench", maxAckPending: configuration.window * 4))
            let pull = try context.pullSubscribe(stream: streamName, consumer: "bench")
            let seconds = try timed {
                var received = 0
                while received < configuration.messages {
                    let batch = min(configuration.window, configuration.messages - received)
                    let messages = try pull.fetch(batch: batch, expires: Duration.seconds(5))
                    guard !messages.isEmpty else {
                        throw BenchError("the stream ran dry after \(received) of \(configuration.messages) messages")
                    }
                    for message in messages { try message.ack() }
                    received += messages.count
                }
                try connection.flush()
            }
            return BenchResult(configuration: configuration, seconds: seconds)
        }
    }

    /// Publishes `count` messages with acks; throws if any is refused.
    private static func publish(_ count: Int, _ subject: String, _ payload: [UInt8], _ context: JetStreamContext)
        throws
    {
        let failures = Atomic<Int>(0)
        for _ in 0..<count {
            try context.publisher.publish(subject, payload: payload, headers: nil) { result in
                if case .failure = result { failures.add(1, ordering: .relaxed) }
            }
        }
        try context.publisher.waitForPendingAcks(timeout: .seconds(60))
        let failed = failures.load(ordering: .relaxed)
        if failed > 0 { throw BenchError("\(failed) of \(count) publishes were refused or unacknowledged") }
    }

    private static func timed(_ body: () throws -> Void) throws -> Double {
        let start = Clock.monotonicNanoseconds()
        try body()
        return Double(Clock.monotonicNanoseconds() - start) / 1e9
    }
}

/// A bench run that could not finish, with the reason.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
