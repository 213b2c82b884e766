import CommandKit
import Client
import Support

/// What `ffrtmp bench` runs: the mode and its sizes, from the command line.
struct BenchConfiguration: Sendable {
    /// The load patterns.
    enum Mode: String, CaseIterable, Sendable {
        /// One publisher, no subscribers: how fast the server takes messages in.
        case pub
        /// One publisher, one subscriber.
        case pubsub
        /// One publisher, a queue group of `subscribers`: each message to one member.
        case queue
        /// One publisher, `subscribers` plain subscribers: each message to all.
        case fanout
        /// Sequential request/reply between one requester and one responder: latency.
        case reqrep
        /// JetStream publish with acks, `window` in flight.
        case jsPub = "js-pub"
        /// JetStream fetch in batches of `window` and ack every message.
        case jsPull = "js-pull"
        /// Simulated agents' heartbeats and telemetry against a broker and master (`BenchFleet`).
        case fleet

        var isJetStream: Bool { self == .jsPub || self == .jsPull }
    }

    var mode: Mode
    var server: String
    /// The shared connection settings (TLS) every bench connection starts from.
    var connectionOptions: ConnectionOptions
    /// Messages published (throughput modes).
    var messages: Int
    /// Requests sent (reqrep).
    var requests: Int
    var size: Int
    var subscribers: Int
    var subject: String
    /// Most messages published and not yet delivered; keeps subscribers below slow-consumer limits.
    var window: Int
    var json: Bool

    init(_ arguments: ParsedArguments) throws {
        guard arguments.positionals.count == 1, let mode = Mode(rawValue: arguments.positionals[0]) else {
            let modes = Mode.allCases.map(\.rawValue).joined(separator: ", ")
            throw UsageError("expected one mode: \(modes) (see ffrtmp bench --help)")
        }
        self.mode = mode
        server = ClientCommandOptions.url(arguments)
        connectionOptions = ClientCommandOptions.connectionOptions(arguments)
        messages =
            mode.isJetStream && !arguments.isGiven("--msgs") ? 200_000 : try Self.positive(arguments, "--msgs")
        requests = try Self.positive(arguments, "--count")
        size = try arguments.byteSize("--size") ?? 128
        guard size >= 0 && size <= 1 << 20 else { throw UsageError("--size must be between 0 and 1MB") }
        switch mode {
        case .queue, .fanout: subscribers = arguments.isGiven("--subs") ? try Self.positive(arguments, "--subs") : 4
        case .pub, .pubsub, .reqrep, .jsPub, .jsPull, .fleet: subscribers = 1
        }
        subject = arguments.string("--subject") ?? "bench"
        json = arguments.flag("--json")
        let frameSize = subject.utf8.count + size + 32
        if arguments.isGiven("--window") {
            window = try Self.positive(arguments, "--window")
        } else {
            window = mode.isJetStream ? 256 : max(4096, min(256 * 1024, (32 << 20) / frameSize))
        }
    }

    private static func positive(_ arguments: ParsedArguments, _ name: String) throws -> Int {
        guard let value = try arguments.int(name), value > 0 else { throw UsageError("\(name) must be 1 or more") }
        return value
    }

    /// Deliveries the subscribers must see in all.
    var expectedDeliveries: Int {
        switch mode {
        case .pub, .reqrep, .jsPub, .jsPull, .fleet: 0
        case .pubsub, .queue: messages
        case .fanout: messages * subscribers
        }
    }
}
