import Broker
import Support

/// An in-process broker for one test on a loopback port (a free one unless given), JetStream on by
/// default with its store in a fresh temporary directory (or the one given, which the caller
/// owns). `shutdown()` stops it; the temporary store goes when the fixture does.
public final class TestBroker {
    public let broker: Broker
    /// Where JetStream keeps its streams; nil with JetStream off.
    public let storeDirectory: String?
    private let temporaryStore: TemporaryDirectory?

    public var port: Int { broker.port }
    public var url: String { "nats://127.0.0.1:\(port)" }

    /// Starts the broker; `configure` changes any setting before it starts.
    public init(
        jetStream: Bool = true, storeDirectory: String? = nil, port: Int = 0,
        configure: (inout BrokerConfig) -> Void = { _ in }
    ) throws {
        var config = BrokerConfig()
        config.host = "127.0.0.1"
        config.port = port
        if jetStream {
            let temporary = storeDirectory == nil ? try TemporaryDirectory(prefix: "ffrtmp-broker-store") : nil
            temporaryStore = temporary
            config.jetStream = true
            config.storeDirectory = storeDirectory ?? temporary?.path
        } else {
            temporaryStore = nil
        }
        configure(&config)
        self.storeDirectory = config.jetStream ? config.storeDirectory : nil
        broker = Broker(config: config, logger: Logger(component: "test-broker", sink: LogSink(minimumLevel: .error)))
        try broker.start()
    }

    public func shutdown() { broker.shutdown() }
}
