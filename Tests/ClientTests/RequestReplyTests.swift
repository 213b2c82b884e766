@testable import Client
import Dispatch
import Wire
import XCTest

/// Request/reply through the shared inbox against a real nats-server.
final class RequestReplyTests: XCTestCase {
    var server: NATSServerProcess!
    var connections: [NATSConnection] = []

    override func setUpWithError() throws {
        server = try NATSServerProcess()
    }

    override func tearDown() {
        for connection in connections { connection.close() }
        connections = []
        server?.stop()
        server = nil
    }

    func connect() throws -> NATSConnection {
        let connection = try NATSConnection.connect(url: server.url, options: testOptions())
        connections.append(connection)
        return connection
    }

    func startEchoResponder() throws {
        let responder = try connect()
        _ = try responder.subscribe("echo") { message in
            try? responder.respond(to: message, payload: Array("echo: ".utf8) + message.payload)
        }
        try responder.flush()
    }

    func testARequestGetsTheResponderReply() throws {
        try startEchoResponder()
        let requester = try connect()
        let reply = try requester.request("echo", payload: "ping", timeout: .seconds(2))
        XCTAssertEqual(reply.string, "echo: ping")
        XCTAssertTrue(reply.subject.hasPrefix("_INBOX."))
    }

    func testConcurrentRequestsEachGetTheirOwnReply() throws {
        try startEchoResponder()
        let requester = try connect()
        let failures = Collector<String>()
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            for index in 0..<50 {
                let text = "t\(thread)-\(index)"
                do {
                    let reply = try requester.request("echo", payload: text, timeout: .seconds(2))
                    if reply.string != "echo: " + text { failures.append("\(text) got \(reply.string)") }
                } catch {
                    failures.append("\(text): \(error)")
                }
            }
        }
        XCTAssertEqual(failures.all, [])
    }

    func testARequestWithoutSubscribersFailsWithNoResponders() throws {
        let requester = try connect()
        XCTAssertThrowsError(try requester.request("nobody.home", payload: "x", timeout: .seconds(2))) {
            XCTAssertEqual($0 as? ClientError, .noResponders(subject: "nobody.home"))
            XCTAssertEqual("\($0)", "no responders are available for subject nobody.home")
        }
    }

    func testARequestTimesOutWhenTheResponderStaysSilent() throws {
        let silent = try connect()
        _ = try silent.subscribe("silent") { _ in }
        try silent.flush()
        let requester = try connect()
        let clock = ContinuousClock()
        let start = clock.now
        XCTAssertThrowsError(try requester.request("silent", payload: "x", timeout: .milliseconds(200))) {
            XCTAssertEqual($0 as? ClientError, .timeout)
        }
        XCTAssertGreaterThanOrEqual(clock.now - start, .milliseconds(190))
    }

    func testRequestHeadersReachTheResponderAndReplyHeadersComeBack() throws {
        let responder = try connect()
        _ = try responder.subscribe("headers") { message in
            var headers = HeaderBlock()
            try? headers.append(name: "Seen", value: message.headers?["Ask"] ?? "none")
            try? responder.respond(to: message, payload: [], headers: headers)
        }
        try responder.flush()
        let requester = try connect()
        var headers = HeaderBlock()
        try headers.append(name: "Ask", value: "yes")
        let reply = try requester.request("headers", payload: "x", headers: headers)
        XCTAssertEqual(reply.headers?["seen"], "yes")
    }
}
