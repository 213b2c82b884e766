@testable import Client
import TestSupport
import Wire
import XCTest

/// Publishing and subscribing against a real nats-server.
final class PublishSubscribeTests: XCTestCase {
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

    func connect(_ options: ConnectionOptions = testOptions()) throws -> NATSConnection {
        let connection = try NATSConnection.connect(url: server.url, options: options)
        connections.append(connection)
        return connection
    }

    func testPublishedMessagesReachASynchronousSubscriberInOrder() throws {
        let connection = try connect()
        XCTAssertEqual(connection.currentStatus, .connected)
        XCTAssertTrue(connection.serverInfo.headers)
        let subscription = try connection.subscribeSync("greet.*")
        try connection.publish("greet.text", payload: "hello")
        try connection.publish("greet.bytes", payload: [1, 2, 3], reply: "answer.here")
        try connection.publish("greet.empty")
        let first = try subscription.nextMessage(timeout: .seconds(2))
        XCTAssertEqual(first.subject, "greet.text")
        XCTAssertEqual(first.string, "hello")
        XCTAssertNil(first.reply)
        XCTAssertNil(first.headers)
        let second = try subscription.nextMessage(timeout: .seconds(2))
        XCTAssertEqual(second.payload, [1, 2, 3])
        XCTAssertEqual(second.reply, "answer.here")
        XCTAssertEqual(try subscription.nextMessage(timeout: .seconds(2)).payload, [])
        XCTAssertThrowsError(try subscription.nextMessage(timeout: .milliseconds(50))) {
            XCTAssertEqual($0 as? ClientError, .timeout)
        }
        XCTAssertEqual(subscription.deliveredCount, 3)
        XCTAssertEqual(connection.statistics.outMessages, 3)
        XCTAssertEqual(connection.statistics.inMessages, 3)
    }

    func testMessagesPublishedOnOneConnectionReachHandlersOnAnother() throws {
        let subscriber = try connect()
        let publisher = try connect()
        let received = Collector<String>()
        _ = try subscriber.subscribe("work") { received.append($0.string) }
        try subscriber.flush()
        for index in 0..<1000 { try publisher.publish("work", payload: "m\(index)") }
        XCTAssertTrue(received.wait(forCount: 1000))
        XCTAssertEqual(received.all, (0..<1000).map { "m\($0)" })
    }

    func testTheZeroCopyHandlerSeesSubjectReplyAndPayloadBytes() throws {
        let connection = try connect()
        let seen = Collector<String>()
        _ = try connection.subscribeZeroCopy("raw.>") { view in
            seen.append("\(view.subject)|\(view.reply ?? "-")|\(String(decoding: view.payload, as: UTF8.self))")
        }
        try connection.publish("raw.a.b", payload: "xyz", reply: "r.1")
        XCTAssertTrue(seen.wait(forCount: 1))
        XCTAssertEqual(seen.all, ["raw.a.b|r.1|xyz"])
    }

    func testQueueGroupMembersShareMessagesWithoutDuplicates() throws {
        let publisher = try connect()
        let members = [try connect(), try connect()]
        let counts = [Collector<String>(), Collector<String>()]
        let everyone = Collector<String>()
        for (member, count) in zip(members, counts) {
            _ = try member.subscribe("jobs", queue: "workers") { count.append($0.string) }
            try member.flush()
        }
        _ = try publisher.subscribe("jobs") { everyone.append($0.string) }
        try publisher.flush()
        for index in 0..<200 { try publisher.publish("jobs", payload: "\(index)") }
        XCTAssertTrue(eventually { counts[0].count + counts[1].count >= 200 })
        XCTAssertTrue(everyone.wait(forCount: 200))
        let shared = counts[0].all + counts[1].all
        XCTAssertEqual(shared.count, 200)
        XCTAssertEqual(Set(shared).count, 200, "no message went to both members")
        XCTAssertGreaterThan(counts[0].count, 0)
        XCTAssertGreaterThan(counts[1].count, 0)
    }

    func testHeadersTravelWithTheMessageInOrder() throws {
        let connection = try connect()
        let subscription = try connection.subscribeSync("with.headers")
        var headers = HeaderBlock()
        try headers.append(name: "Nats-Msg-Id", value: "job-42")
        try headers.append(name: "X-Tag", value: "one")
        try headers.append(name: "X-Tag", value: "two")
        try connection.publish("with.headers", payload: "body", headers: headers)
        let message = try subscription.nextMessage(timeout: .seconds(2))
        XCTAssertEqual(message.headers, headers)
        XCTAssertEqual(message.headers?["nats-msg-id"], "job-42")
        XCTAssertEqual(message.string, "body")
    }

    func testUnsubscribeWithAMaximumEndsTheSubscriptionAfterThatManyMessages() throws {
        let connection = try connect()
        let subscription = try connection.subscribeSync("limited")
        try subscription.unsubscribe(max: 3)
        for index in 0..<5 { try connection.publish("limited", payload: "\(index)") }
        try connection.flush()
        for index in 0..<3 { XCTAssertEqual(try subscription.nextMessage(timeout: .seconds(2)).string, "\(index)") }
        XCTAssertThrowsError(try subscription.nextMessage(timeout: .milliseconds(100))) {
            XCTAssertEqual($0 as? ClientError, .closed)
        }
        XCTAssertFalse(subscription.isActive)
        XCTAssertEqual(subscription.deliveredCount, 3)
    }

    func testUnsubscribeStopsDeliveryAtOnce() throws {
        let connection = try connect()
        let received = Collector<String>()
        let subscription = try connection.subscribe("stop") { received.append($0.string) }
        try connection.publish("stop", payload: "before")
        try connection.flush()
        XCTAssertTrue(received.wait(forCount: 1))
        try subscription.unsubscribe()
        try connection.publish("stop", payload: "after")
        try connection.flush()
        XCTAssertEqual(received.all, ["before"])
        XCTAssertFalse(subscription.isActive)
    }

    func testEchoOffKeepsOurOwnPublishesAway() throws {
        var options = testOptions()
        options.echo = false
        let quiet = try connect(options)
        let other = try connect()
        let subscription = try quiet.subscribeSync("echo")
        try quiet.flush()
        try quiet.publish("echo", payload: "mine")
        try other.publish("echo", payload: "theirs")
        XCTAssertEqual(try subscription.nextMessage(timeout: .seconds(2)).string, "theirs")
        XCTAssertThrowsError(try subscription.nextMessage(timeout: .milliseconds(100)))
    }

    func testFlushRoundTripsAndEverythingFailsAfterClose() throws {
        let connection = try connect()
        try connection.flush(timeout: .seconds(2))
        connection.close()
        XCTAssertEqual(connection.currentStatus, .closed)
        XCTAssertThrowsError(try connection.flush()) { XCTAssertEqual($0 as? ClientError, .closed) }
        XCTAssertThrowsError(try connection.publish("x", payload: "y")) { XCTAssertEqual($0 as? ClientError, .closed) }
        XCTAssertThrowsError(try connection.subscribeSync("x")) { XCTAssertEqual($0 as? ClientError, .closed) }
        connection.close()
    }

    func testInvalidSubjectsAndOversizedPayloadsAreRefusedBeforeSending() throws {
        let connection = try connect()
        XCTAssertThrowsError(try connection.publish("has space", payload: "x")) {
            XCTAssertEqual($0 as? ClientError, .invalidSubject("has space"))
        }
        XCTAssertThrowsError(try connection.publish("", payload: "x"))
        XCTAssertThrowsError(try connection.subscribeSync("a\r\nb"))
        let limit = connection.serverInfo.maxPayload
        XCTAssertThrowsError(try connection.publish("big", payload: [UInt8](repeating: 0, count: limit + 1))) {
            XCTAssertEqual($0 as? ClientError, .payloadTooLarge(size: limit + 1, limit: limit))
        }
        try connection.flush()
    }

    func testDrainDeliversMessagesAlreadyOnTheirWayThenCloses() throws {
        let subscriber = try connect()
        let publisher = try connect()
        let received = Collector<Int>()
        _ = try subscriber.subscribe("drain") { _ in received.append(1) }
        try subscriber.flush()
        for _ in 0..<500 { try publisher.publish("drain", payload: "x") }
        try publisher.flush()
        try subscriber.drain()
        XCTAssertEqual(received.count, 500)
        XCTAssertEqual(subscriber.currentStatus, .closed)
    }

    func testCallingFlushFromAHandlerFailsInsteadOfDeadlocking() throws {
        let connection = try connect()
        let outcome = Collector<String>()
        _ = try connection.subscribe("inside") { _ in
            do {
                try connection.flush(timeout: .milliseconds(100))
                outcome.append("flushed")
            } catch {
                outcome.append("\(error)")
            }
        }
        try connection.publish("inside", payload: "x")
        XCTAssertTrue(outcome.wait(forCount: 1))
        XCTAssertEqual(outcome.all, [ClientError.calledFromHandler.description])
    }
}
