import Broker
import TestSupport
import XCTest

/// Starts an in-process broker on a free loopback port for one test and stops it afterwards.
class BrokerTestCase: XCTestCase {
    var broker: Broker!
    var port: Int { broker.port }
    private var fixture: TestBroker?

    /// Override to run the broker with JetStream, its store in a fresh temporary directory.
    var runsJetStream: Bool { false }

    /// Where the broker's JetStream store is; nil with JetStream off.
    var storeDirectory: String? { fixture?.storeDirectory }

    /// Override to change settings before the broker starts.
    func configure(_ config: inout BrokerConfig) {}

    override func setUpWithError() throws {
        let fixture = try TestBroker(jetStream: runsJetStream) { configure(&$0) }
        self.fixture = fixture
        broker = fixture.broker
    }

    override func tearDown() {
        broker?.shutdown()
        broker = nil
        fixture = nil
    }

    func client() throws -> RawClient { try RawClient(port: port) }
}
