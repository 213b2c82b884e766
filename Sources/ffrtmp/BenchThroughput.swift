import Client
import Support

/// The throughput modes: pub, pubsub, queue and fanout.
enum BenchThroughput {
    static func run(_ configuration: BenchConfiguration) throws -> BenchResult {
        var connections: [NATSConnection] = []
        defer { for connection in connections { connection.close() } }
        func connect(_ name: String) throws -> NATSConnection {
            var options = configuration.connectionOptions
            options.name = name
            options.allowReconnect = false
            options.pendingMessageLimit = 1
            let connection = try NATSConnection.connect(url: configuration.server, options: options)
            connections.append(connection)
            return connection
        }
        var receivers: [ClientSubscription] = []
        if configuration.mode != .pub {
            let queue = configuration.mode == .queue ? "bench-workers" : nil
            for index in 0..<configuration.subscribers {
                let connection = try connect("ffrtmp bench subscriber \(index + 1)")
                // Counting uses the subscription's own delivery counter: the handler has nothing to do.
                receivers.append(try connection.subscribeZeroCopy(configuration.subject, queue: queue) { _ in })
                try connection.flush()
            }
        }
        let publisherConnection = try connect("ffrtmp bench publisher")
        let publisher = BenchPublisher(
            connection: publisherConnection, subject: configuration.subject,
            size: configuration.size)
        let total = { receivers.reduce(0) { $0 + $1.deliveredCount } }
        /// Progress of the slowest subscriber, in published messages.
        let progress: () -> Int =
            configuration.mode == .fanout
            ? { receivers.map(\.deliveredCount).min() ?? 0 }
            : total
        let start = Clock.monotonicNanoseconds()
        let window = configuration.mode == .pub ? nil : configuration.window
        try publisher.publish(total: configuration.messages, window: window, delivered: progress)
        if configuration.mode == .pub {
            try publisherConnection.flush(timeout: .seconds(120))
        } else {
            try waitForDeliveries(configuration.expectedDeliveries, count: total)
        }
        let seconds = Double(Clock.monotonicNanoseconds() - start) / 1e9
        return BenchResult(configuration: configuration, seconds: seconds)
    }

    /// Waits until `count()` reaches `expected`; fails when it stops moving for 10 s.
    private static func waitForDeliveries(_ expected: Int, count: () -> Int) throws {
        var last = -1
        var lastChange = Clock.monotonicNanoseconds()
        while true {
            let now = count()
            if now >= expected { return }
            if now != last {
                last = now
                lastChange = Clock.monotonicNanoseconds()
            } else if Clock.monotonicNanoseconds() - lastChange > 10_000_000_000 {
                throw SupportError("subscribers received \(now) of \(expected) messages and then nothing for 10 s")
            }
            Clock.sleep(seconds: 0.000_02)
        }
    }
}
