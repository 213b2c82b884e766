import Broker
import Support
import XCTest

/// Starts an in-process broker on a free loopback port for one test and stops it afterwards.
class BrokerTestCase: XCTestCase {
    var broker: Broker!
    var port: Int { broker.port }

    /// Override to change settings before the broker starts.
    func configure(_ config: inout BrokerConfig) {}

    override func setUpWithError() throws {
        var config = BrokerConfig()
        config.host = "127.0.0.1"
        config.port = 0
        configure(&config)
        broker = Broker(config: config, logger: Logger(component: "test-broker", sink: LogSink(minimumLevel: .error)))
        try broker.start()
    }

    override func tearDown() {
        broker?.shutdown()
        broker = nil
    }

    func client() throws -> RawClient { try RawClient(port: port) }

    /// Waits up to `seconds` for `condition`.
    func eventually(_ seconds: Double = 3, _ condition: () -> Bool) -> Bool {
        let deadline = Clock.now + seconds
        while Clock.now < deadline {
            if condition() { return true }
            usleep(10_000)
        }
        return condition()
    }
}

private enum Clock {
    static var now: Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
