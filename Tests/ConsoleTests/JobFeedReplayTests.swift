import Broker
import Client
import Console
import Fleet
import Model
import Support
import TestSupport
import XCTest

/// `submit --wait` and `watch` read events through ordered consumers: what EVENTS stored while their
/// connection was down (a broker restart) is still read once it is back.
final class JobFeedReplayTests: XCTestCase {
    private var broker: TestBroker!
    private var folder = ""

    override func setUpWithError() throws {
        folder = "/tmp/ffrtmp-feed-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        broker = try TestBroker(storeDirectory: folder)
        let setup = try NATSConnection.connect(url: url)
        defer { setup.close() }
        _ = try JetStreamSetup(context: JetStreamContext(connection: setup)).applyFleet()
    }

    override func tearDown() {
        broker?.shutdown()
        broker = nil
        try? DurableFiles.removeTree(folder)
    }

    private var url: String { "nats://127.0.0.1:\(broker.port)" }

    private func publishEvent(_ state: JobState, attempt: Int = 1) throws {
        let connection = try NATSConnection.connect(url: url)
        defer { connection.close() }
        let event = JobEvent(jobID: "feed-1", nodeID: "node-1", state: state, at: 1, attempt: attempt)
        _ = try JetStreamContext(connection: connection).publish(event.subject, payload: MessageCoding.encode(event))
    }

    /// The states of the events that reach `inbox` until `count` came or 10 s passed.
    private func states(in inbox: MessageInbox, count: Int) -> [JobState] {
        var states: [JobState] = []
        let deadline = ContinuousClock().now + .seconds(10)
        while states.count < count && ContinuousClock().now < deadline {
            guard let message = try? inbox.next(timeout: .milliseconds(200)),
                let event = try? MessageCoding.decode(JobEvent.self, from: message.payload)
            else { continue }
            states.append(event.state)
        }
        return states
    }

    func testEventsStoredWhileTheWatchersConnectionWasDownAreStillSeen() throws {
        var options = ConnectionOptions()
        options.maxReconnectAttempts = -1
        options.reconnectWait = .seconds(2)
        options.reconnectJitter = .zero
        options.logger = nil
        let watcher = try NATSConnection.connect(url: url, options: options)
        defer { watcher.close() }
        let inbox = MessageInbox()
        let feed = try JobFeed(
            context: JetStreamContext(connection: watcher, timeout: .seconds(1)),
            eventFilter: JobFeed.eventFilter(jobIDs: ["feed-1"]), inbox: inbox)
        defer { feed.stop() }
        try publishEvent(.started)
        XCTAssertEqual(states(in: inbox, count: 1), [.started])

        let port = broker.port
        broker.shutdown()
        broker = try TestBroker(storeDirectory: folder, port: port)
        // The watcher waits 2 s before reconnecting: these are stored while it is away.
        try publishEvent(.progress)
        try publishEvent(.succeeded)
        XCTAssertEqual(watcher.currentStatus == .connected, false, "published while the watcher was disconnected")
        XCTAssertEqual(states(in: inbox, count: 2), [.progress, .succeeded])
    }
}
