import CommandKit
import Client
import Support

/// `ffrtmp bench`: a load generator for any NATS server (ours or nats-server).
enum BenchCommand: CLICommand {
    static let spec = CommandSpec(
        name: "ffrtmp bench", summary: "Measure a NATS server's throughput and request latency",
        usage: "ffrtmp bench [options] <pub|pubsub|queue|fanout|reqrep|js-pub|js-pull|fleet>",
        options: ClientCommandOptions.all + [
            OptionSpec(
                ["--msgs"], value: "N", help: "Messages to publish (pub, pubsub, queue, fanout)",
                default: "2000000"),
            OptionSpec(["--count"], value: "N", help: "Requests to send (reqrep)", default: "20000"),
            OptionSpec(["--size"], value: "BYTES", help: "Payload size", default: "128"),
            OptionSpec(["--subs"], value: "N", help: "Subscribers in queue and fanout modes (default 4)"),
            OptionSpec(["--subject"], value: "SUBJECT", help: "Subject to use", default: "bench"),
            OptionSpec(
                ["--window"], value: "N",
                help: "Most messages in flight (published, not delivered): 256k, fewer for big payloads"),
            OptionSpec(["--agents"], value: "N", help: "Simulated agents (fleet)", default: "1000"),
            OptionSpec(
                ["--heartbeat"], value: "DURATION", help: "Each agent's heartbeat period (fleet)", default: "5s"),
            OptionSpec(
                ["--telemetry"], value: "DURATION", help: "Each agent's telemetry period (fleet)", default: "1s"),
            OptionSpec(["--duration"], value: "DURATION", help: "How long agents publish (fleet)", default: "60s"),
            OptionSpec(
                ["--connections"], value: "N", help: "Connections the agents share (fleet)", default: "16"),
            OptionSpec(
                ["--master"], value: "URL",
                help: "The master's HTTP address to probe each second (fleet), e.g. http://127.0.0.1:8080"),
            OptionSpec(["--json"], help: "Print one JSON object on one line"),
        ],
        discussion: """
            Modes:
              pub     1 publisher, no subscribers; timed until the PONG after the last message
              pubsub  1 publisher → 1 subscriber
              queue   1 publisher → a queue group of --subs members (each message to one)
              fanout  1 publisher → --subs subscribers (each message to all): reports deliveries/s
              reqrep  1 requester → 1 responder, one request at a time: p50/p90/p99/max latency in µs
              js-pub  JetStream publish with acks into a fresh file stream BENCH, --window (default 256) in
                      flight; timed from the first publish to the last ack (--msgs default 200000)
              js-pull fill BENCH (untimed), then fetch batches of --window and ack each message
              fleet   --agents simulated agents publish hb.<node> every --heartbeat and metrics.<node> every
                      --telemetry (real agents' JSON, sent_at = now), spread evenly over each period, over
                      --connections connections, for --duration. With --master, GETs /api/nodes and /metrics
                      each second: /api/nodes latency and nodes listed, the master's telemetry ingest rate
                      and backlog (published − taken in) in the first and last 10 s
            Every subscriber has its own connection and thread. The publisher writes pre-encoded PUB frames
            in 256 KB writes and keeps at most --window messages in flight, so no server drops a
            subscriber as a slow consumer. Rates are messages delivered ÷ (first publish → last delivery).
            """)

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        let configuration = try BenchConfiguration(arguments)
        if configuration.mode == .fleet {
            let report = try BenchFleet.run(configuration, BenchFleetOptions(arguments))
            print(configuration.json ? report.json : report.humanText, terminator: configuration.json ? "\n" : "")
            return 0
        }
        let result: BenchResult
        switch configuration.mode {
        case .reqrep: result = try BenchRequestReply.run(configuration)
        case .jsPub, .jsPull: result = try BenchJetStream.run(configuration)
        default: result = try BenchThroughput.run(configuration)
        }
        print(configuration.json ? result.json : result.humanText, terminator: configuration.json ? "\n" : "")
        return 0
    }
}
