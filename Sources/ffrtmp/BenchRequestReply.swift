import Client
import Support

/// The reqrep mode: one requester sends requests one after another to one responder.
enum BenchRequestReply {
    static func run(_ configuration: BenchConfiguration) throws -> BenchResult {
        var options = configuration.connectionOptions
        options.allowReconnect = false
        options.name = "ffrtmp bench responder"
        let responder = try NATSConnection.connect(url: configuration.server, options: options)
        defer { responder.close() }
        _ = try responder.subscribeZeroCopy(configuration.subject) { request in
            try? responder.respond(to: request, payload: request.payload)
        }
        try responder.flush()
        options.name = "ffrtmp bench requester"
        let requester = try NATSConnection.connect(url: configuration.server, options: options)
        defer { requester.close() }
        let payload = [UInt8](repeating: UInt8(ascii: "x"), count: configuration.size)
        let warmUp = min(1000, configuration.requests / 10)
        for _ in 0..<warmUp { _ = try requester.request(configuration.subject, payload: payload, timeout: .seconds(5)) }
        var latencies: [UInt64] = []
        latencies.reserveCapacity(configuration.requests)
        let start = Clock.monotonicNanoseconds()
        for _ in 0..<configuration.requests {
            let sent = Clock.monotonicNanoseconds()
            _ = try requester.request(configuration.subject, payload: payload, timeout: .seconds(5))
            latencies.append(Clock.monotonicNanoseconds() - sent)
        }
        let seconds = Double(Clock.monotonicNanoseconds() - start) / 1e9
        return BenchResult(configuration: configuration, seconds: seconds, latencies: latencies.sorted())
    }
}
