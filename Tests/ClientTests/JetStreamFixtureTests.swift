@testable import Client
import TestSupport
import XCTest
#if canImport(Glibc)
    import Glibc
#endif

/// A JetStream server for one test: `nats-server -js -sd DIR` by default, or ffrtmp's broker
/// (`$FFRTMP_BROKER_BIN broker … -js -sd DIR`) when `FFRTMP_BROKER_BIN` is set, on a free loopback
/// port with a fresh store directory. Killed and its directory removed by `stop()`.
final class JetStreamTestServer {
    let port: Int
    let storeDirectory: String
    /// True when the server under test is ffrtmp's broker.
    let isBroker: Bool
    private var processID: pid_t = 0
    private var store: TemporaryDirectory?

    var url: String { "nats://127.0.0.1:\(port)" }

    /// The broker binary from `FFRTMP_BROKER_BIN`, when set.
    static var brokerBinary: String? {
        guard let path = ProcessInfoLite.environment["FFRTMP_BROKER_BIN"], !path.isEmpty else { return nil }
        return path
    }

    init() throws {
        port = NATSServerProcess.freePort()
        let store = try TemporaryDirectory(prefix: "ffrtmp-js-test")
        self.store = store
        storeDirectory = store.path
        let common = ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", storeDirectory]
        if let broker = Self.brokerBinary {
            isBroker = true
            processID = try NATSServerProcess.spawn([broker, "broker"] + common, log: storeDirectory + "/server.log")
        } else {
            isBroker = false
            processID = try NATSServerProcess.spawn(
                [try NATSServerProcess.executable()] + common,
                log: storeDirectory + "/server.log")
        }
        try waitUntilJetStreamAnswers()
    }

    deinit { stop() }

    /// Kills the process (SIGKILL), reaps it and removes the store directory.
    func stop() {
        guard processID != 0 else { return }
        NATSServerProcess.terminate(processID)
        processID = 0
        store = nil
    }

    /// nats-server accepts connections a moment before its JetStream API subscribes: poll `$JS.API.INFO`.
    private func waitUntilJetStreamAnswers() throws {
        let answered = eventually(timeout: .seconds(5)) {
            guard let connection = try? NATSConnection.connect(url: url, options: testOptions(name: "probe")) else {
                return false
            }
            defer { connection.close() }
            return (try? JetStreamContext(connection: connection, timeout: .milliseconds(500)).accountInfo()) != nil
        }
        if answered { return }
        stop()
        XCTFail("no JetStream answered on port \(port)")
        throw XCTSkip("server did not start")
    }
}

/// The base of the JetStream tests: a fresh server and a context per test; everything is closed and
/// killed in `tearDown`.
class JetStreamTestCase: XCTestCase {
    var server: JetStreamTestServer!
    var connections: [NATSConnection] = []
    var context: JetStreamContext!

    override func setUpWithError() throws {
        server = try JetStreamTestServer()
        context = JetStreamContext(connection: try connect(), timeout: .seconds(2))
    }

    override func tearDown() {
        for connection in connections { connection.close() }
        connections = []
        context = nil
        server?.stop()
        server = nil
    }

    func connect() throws -> NATSConnection {
        let connection = try NATSConnection.connect(url: server.url, options: testOptions())
        connections.append(connection)
        return connection
    }

    /// A work-queue stream `JOBS` on `job.>` and a durable pull consumer on it.
    @discardableResult
    func makeWorkQueue(
        consumer: String = "cpu", filter: String = "job.cpu", ackWait: Duration = .seconds(30),
        maxDeliver: Int = -1
    ) throws -> PullSubscription {
        try context.addStream(StreamConfig(name: "JOBS", subjects: ["job.>"], retention: .workqueue))
        try context.addOrUpdateConsumer(
            stream: "JOBS",
            ConsumerConfig(
                durableName: consumer, ackWait: ackWait,
                maxDeliver: maxDeliver, filterSubject: filter))
        return try context.pullSubscribe(stream: "JOBS", consumer: consumer)
    }

    /// Asserts that `body` throws the server's JetStream error with `errCode`.
    func assertServerError<Result>(
        _ errCode: Int, code: Int, description: String? = nil,
        _ body: () throws -> Result, file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            guard case .server(let actualCode, let actualErrCode, let text) = error as? JetStreamError else {
                return XCTFail("expected a server error, got \(error)", file: file, line: line)
            }
            XCTAssertEqual(actualErrCode, errCode, file: file, line: line)
            XCTAssertEqual(actualCode, code, file: file, line: line)
            if let description { XCTAssertEqual(text, description, file: file, line: line) }
        }
    }
}
