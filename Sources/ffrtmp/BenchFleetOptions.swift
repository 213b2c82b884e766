import CommandKit
import HTTP
import Support

/// The settings of `ffrtmp bench fleet`: how many simulated agents, how often each publishes,
/// for how long, over how many connections, and which master to watch.
struct BenchFleetOptions: Sendable {
    var agents: Int
    /// Nanoseconds between one agent's heartbeats, and between its telemetry samples.
    var heartbeatInterval: Int64
    var telemetryInterval: Int64
    var duration: Int64
    /// Client connections the agents are spread over (agent i on connection i mod K).
    var connections: Int
    /// The master's HTTP base (`http://127.0.0.1:8080`), polled each second; nil: not watched.
    var master: HTTPAddress?

    init(_ arguments: ParsedArguments) throws {
        agents = try Self.positive(arguments, "--agents")
        connections = min(try Self.positive(arguments, "--connections"), agents)
        heartbeatInterval = try Self.duration(arguments, "--heartbeat")
        telemetryInterval = try Self.duration(arguments, "--telemetry")
        duration = try Self.duration(arguments, "--duration")
        master = try arguments.string("--master").map { try BenchHTTP.address($0) }
    }

    /// Messages per second the whole simulated fleet offers.
    var offeredHeartbeatsPerSecond: Double { Double(agents) * 1e9 / Double(heartbeatInterval) }
    var offeredTelemetryPerSecond: Double { Double(agents) * 1e9 / Double(telemetryInterval) }

    private static func positive(_ arguments: ParsedArguments, _ name: String) throws -> Int {
        guard let value = try arguments.int(name), value > 0 else { throw UsageError("\(name) must be 1 or more") }
        return value
    }

    private static func duration(_ arguments: ParsedArguments, _ name: String) throws -> Int64 {
        guard let value = try arguments.durationNanoseconds(name), value >= 1_000_000 else {
            throw UsageError("\(name) must be at least 1ms")
        }
        return value
    }
}
