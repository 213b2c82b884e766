@testable import Client
import Synchronization
import TestSupport
import XCTest
#if canImport(Glibc)
    import Glibc
#endif

/// Connecting, server errors, keep-alives and reconnecting, against real nats-server processes.
final class ConnectionLifecycleTests: XCTestCase {
    var servers: [NATSServerProcess] = []
    var connections: [NATSConnection] = []

    override func tearDown() {
        for connection in connections { connection.close() }
        connections = []
        for server in servers { server.stop() }
        servers = []
    }

    func startServer(port: Int? = nil, arguments: [String] = []) throws -> NATSServerProcess {
        let server = try NATSServerProcess(port: port, arguments: arguments)
        servers.append(server)
        return server
    }

    func connect(_ urls: [String], _ options: ConnectionOptions = testOptions()) throws -> NATSConnection {
        let connection = try NATSConnection.connect(urls: urls, options: options)
        connections.append(connection)
        return connection
    }

    func testConnectingToAPortWithoutAServerIsRefused() {
        let port = NATSServerProcess.freePort()
        XCTAssertThrowsError(try NATSConnection.connect(url: "nats://127.0.0.1:\(port)", options: testOptions())) {
            XCTAssertEqual($0 as? ClientError, .connectionRefused(host: "127.0.0.1", port: port))
        }
    }

    func testACommaSeparatedListFallsBackToTheNextServer() throws {
        let server = try startServer()
        let dead = "nats://127.0.0.1:\(NATSServerProcess.freePort())"
        let connection = try connect([dead + "," + server.url])
        XCTAssertEqual(connection.connectedServer?.port, server.port)
    }

    func testAServerErrorDuringConnectIsSurfacedWithItsExactText() throws {
        let server = try startServer(arguments: ["--user", "alice", "--pass", "secret"])
        XCTAssertThrowsError(try connect([server.url])) {
            XCTAssertEqual($0 as? ClientError, .serverError("Authorization Violation"))
        }
        _ = try connect(["nats://alice:secret@127.0.0.1:\(server.port)"])
        var options = testOptions()
        options.user = "alice"
        options.password = "secret"
        try connect([server.url], options).flush()
    }

    func testServerPingsAreAnsweredSoTheConnectionStays() throws {
        let path = NATSServerProcess.writeConfiguration("ping_interval: \"100ms\"\nping_max: 1\n")
        defer { NATSServerProcess.removeConfiguration(path) }
        let server = try startServer(arguments: ["-c", path])
        var options = testOptions()
        options.pingInterval = .milliseconds(50)
        let connection = try connect([server.url], options)
        usleep(600_000)
        try connection.flush()
        XCTAssertEqual(connection.statistics.reconnects, 0)
        XCTAssertEqual(connection.currentStatus, .connected)
    }

    func testAnErrorTheServerSendsLaterReachesTheCallbackAndTheConnectionStays() throws {
        let path = NATSServerProcess.writeConfiguration(
            """
            authorization { users = [ { user: "agent", password: "pw",
              permissions: { publish: { deny: ["secret.>"] } } } ] }
            """)
        defer { NATSServerProcess.removeConfiguration(path) }
        let server = try startServer(arguments: ["-c", path])
        let errors = Collector<ClientError>()
        var options = testOptions()
        options.user = "agent"
        options.password = "pw"
        options.onServerError = { errors.append($0) }
        let connection = try connect([server.url], options)
        try connection.publish("secret.plans", payload: "x")
        XCTAssertTrue(errors.wait(forCount: 1))
        XCTAssertEqual(errors.all, [.serverError("Permissions Violation for Publish to \"secret.plans\"")])
        try connection.flush()
        XCTAssertEqual(connection.currentStatus, .connected)
    }

    func testTheClientReconnectsAfterTheServerRestartsAndRestoresSubscriptions() throws {
        let server = try startServer()
        let events = Collector<String>()
        var options = testOptions()
        options.onDisconnected = { _ in events.append("disconnected") }
        options.onReconnected = { events.append("reconnected") }
        let connection = try connect([server.url], options)
        let received = Collector<String>()
        _ = try connection.subscribe("survives") { received.append($0.string) }
        let limited = try connection.subscribeSync("limited")
        try limited.unsubscribe(max: 2)
        try connection.publish("survives", payload: "before")
        try connection.publish("limited", payload: "1")
        try connection.flush()
        XCTAssertTrue(received.wait(forCount: 1))

        server.stop()
        XCTAssertTrue(eventually { connection.currentStatus == .reconnecting })
        try connection.publish("survives", payload: "while down")
        XCTAssertThrowsError(try connection.flush(timeout: .milliseconds(50))) {
            XCTAssertEqual($0 as? ClientError, .timeout)
        }
        try server.start()
        XCTAssertTrue(eventually { connection.currentStatus == .connected })
        try connection.flush()
        XCTAssertTrue(received.wait(forCount: 2), "the publish buffered while down arrives")

        let other = try connect([server.url])
        try other.publish("survives", payload: "after")
        for text in ["2", "3"] { try other.publish("limited", payload: text) }
        try other.flush()
        XCTAssertTrue(received.wait(forCount: 3))
        XCTAssertEqual(received.all, ["before", "while down", "after"])
        XCTAssertEqual(try limited.nextMessage(timeout: .seconds(2)).string, "1")
        XCTAssertEqual(try limited.nextMessage(timeout: .seconds(2)).string, "2")
        XCTAssertThrowsError(try limited.nextMessage(timeout: .milliseconds(200)), "max 2 survives the reconnect")
        XCTAssertEqual(events.all, ["disconnected", "reconnected"])
        XCTAssertEqual(connection.statistics.reconnects, 1)
    }

    func testUnansweredKeepAlivePingsMarkTheConnectionStaleAndItReconnects() throws {
        let server = try startServer()
        var options = testOptions()
        options.pingInterval = .milliseconds(50)
        options.connectTimeout = .milliseconds(200)
        options.maxReconnectAttempts = -1
        let connection = try connect([server.url], options)
        server.pause(true)
        defer { server.pause(false) }
        XCTAssertTrue(eventually(timeout: .seconds(3)) { connection.currentStatus == .reconnecting })
        server.pause(false)
        XCTAssertTrue(eventually(timeout: .seconds(5)) { connection.currentStatus == .connected })
        try connection.flush()
        XCTAssertEqual(connection.statistics.reconnects, 1)
    }

    func testTheConnectionClosesAfterTheLastReconnectAttempt() throws {
        let server = try startServer()
        let closed = Collector<Bool>()
        var options = testOptions()
        options.maxReconnectAttempts = 2
        options.onClosed = { closed.append(true) }
        let connection = try connect([server.url], options)
        let subscription = try connection.subscribeSync("gone")
        server.stop()
        XCTAssertTrue(closed.wait(forCount: 1))
        XCTAssertEqual(connection.currentStatus, .closed)
        XCTAssertThrowsError(try subscription.nextMessage(timeout: .seconds(1))) {
            XCTAssertEqual($0 as? ClientError, .closed)
        }
    }

    func testCloseWhileReconnectingStopsAtOnce() throws {
        let server = try startServer()
        var options = testOptions()
        options.reconnectWait = .seconds(30)
        options.maxReconnectAttempts = -1
        let connection = try connect([server.url], options)
        server.stop()
        XCTAssertTrue(eventually { connection.currentStatus == .reconnecting })
        let clock = ContinuousClock()
        let start = clock.now
        connection.close()
        XCTAssertLessThan(clock.now - start, .seconds(2))
        XCTAssertEqual(connection.currentStatus, .closed)
    }
}
