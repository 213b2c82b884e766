@testable import Broker
import TestSupport
import XCTest

final class BrokerRoutingTests: BrokerTestCase {
    func testAMessageReachesEverySubscriberOnOtherConnections() throws {
        let first = try client(), second = try client(), publisher = try client()
        for (subscriber, subject) in [(first, "orders.*"), (second, "orders.>")] {
            subscriber.handshake()
            subscriber.send("SUB \(subject) 1\r\nPING\r\n")
            subscriber.read(until: "PONG\r\n")
        }
        publisher.handshake()
        publisher.send("PUB orders.new reply.1 5\r\nhello\r\nPING\r\n")
        publisher.read(until: "PONG\r\n")
        XCTAssertEqual(first.read(until: "hello\r\n"), "MSG orders.new 1 reply.1 5\r\nhello\r\n")
        XCTAssertEqual(second.read(until: "hello\r\n"), "MSG orders.new 1 reply.1 5\r\nhello\r\n")
    }

    func testQueueGroupMembersOnSeparateConnectionsShareMessagesEvenly() throws {
        let members = try (0..<4).map { _ in try client() }
        for member in members {
            member.handshake()
            member.send("SUB work workers 1\r\nPING\r\n")
            member.read(until: "PONG\r\n")
        }
        let publisher = try client()
        publisher.handshake()
        let count = 4000
        publisher.send(String(repeating: "PUB work 1\r\nx\r\n", count: count) + "PING\r\n")
        publisher.read(until: "PONG\r\n")
        var received: [Int] = []
        for member in members {
            member.send("PING\r\n")
            let text = member.read(until: "PONG\r\n")
            received.append(text.components(separatedBy: "MSG work 1 1").count - 1)
        }
        XCTAssertEqual(received.reduce(0, +), count, "every message delivered exactly once: \(received)")
        for share in received {
            XCTAssertEqual(Double(share), Double(count) / 4, accuracy: Double(count) * 0.02, "\(received)")
        }
    }

    func testUnsubscribeWithMaxStopsAfterThatManyAndRemovesTheSubscription() throws {
        let subscriber = try client()
        subscriber.handshake()
        subscriber.send("SUB foo 9\r\nUNSUB 9 2\r\nPUB foo 1\r\na\r\nPUB foo 1\r\nb\r\nPUB foo 1\r\nc\r\nPING\r\n")
        XCTAssertEqual(subscriber.read(until: "PONG\r\n"), "MSG foo 9 1\r\na\r\nMSG foo 9 1\r\nb\r\nPONG\r\n")
        XCTAssertTrue(eventually { self.broker.subjectIndex.count == 0 })
    }

    func testClosingAClientRemovesAllItsSubscriptions() throws {
        var subscriber: RawClient? = try client()
        subscriber!.handshake()
        subscriber!.send((0..<500).map { "SUB s.\($0) \($0)\r\n" }.joined() + "PING\r\n")
        subscriber!.read(until: "PONG\r\n")
        XCTAssertEqual(broker.subjectIndex.count, 500)
        subscriber = nil
        XCTAssertTrue(eventually { self.broker.subjectIndex.count == 0 && self.broker.statistics.connections == 0 })
    }

    func testAFrameSplitRightAfterAFullReadBufferSurvivesAnEmptyRead() throws {
        // 131072 bytes fill the loop's read buffer exactly, ending inside a frame; the broker reads
        // again, finds nothing (EAGAIN), and must keep that partial frame until the rest arrives.
        let subscriber = try client(), publisher = try client()
        subscriber.handshake()
        subscriber.send("SUB big.stream 1\r\nPING\r\n")
        subscriber.read(until: "PONG\r\n")
        publisher.handshake()
        let frame = Array("PUB big.stream 100\r\n".utf8) + [UInt8](repeating: 0x61, count: 100) + Array("\r\n".utf8)
        var stream: [UInt8] = []
        while stream.count < 131_072 + frame.count { stream += frame }
        publisher.send(Array(stream[..<131_072]))
        usleep(200_000)
        publisher.send(Array(stream[131_072...]) + Array("PING\r\n".utf8))
        XCTAssertTrue(publisher.read(until: "PONG\r\n").hasSuffix("PONG\r\n"), "publisher not cut off")
        let expected = stream.count / frame.count
        subscriber.send("PING\r\n")
        let received = subscriber.read(until: "PONG\r\n").components(separatedBy: "MSG big.stream 1 100").count - 1
        XCTAssertEqual(received, expected)
    }

    func testAClientThatSendsHalfAFrameAndHangsUpIsClosed() throws {
        for _ in 0..<20 {
            let quitter = try client()
            quitter.readInfo()
            quitter.send("PUB foo 10\r\nabc")
        }
        XCTAssertTrue(eventually { self.broker.statistics.connections == 0 }, "\(broker.statistics.connections) open")
    }

    func testTenThousandSubscriptionsFromOneClientStillRouteAndUnsubscribe() throws {
        let subscriber = try client()
        subscriber.handshake()
        subscriber.send((0..<10_000).map { "SUB many.\($0) \($0)\r\n" }.joined() + "PING\r\n")
        subscriber.read(until: "PONG\r\n")
        XCTAssertEqual(broker.subjectIndex.count, 10_000)
        subscriber.send("PUB many.9999 2\r\nok\r\nPING\r\n")
        XCTAssertEqual(subscriber.read(until: "PONG\r\n"), "MSG many.9999 9999 2\r\nok\r\nPONG\r\n")
        subscriber.send((0..<10_000).map { "UNSUB \($0)\r\n" }.joined() + "PING\r\n")
        subscriber.read(until: "PONG\r\n")
        XCTAssertEqual(broker.subjectIndex.count, 0)
    }

    func testAClientSendingOneByteAtATimeGetsTheSameAnswers() throws {
        let slow = try client()
        slow.readInfo()
        for byte in Array("CONNECT {\"verbose\":false}\r\nSUB a.b 1\r\nPUB a.b 3\r\nxyz\r\nPING\r\n".utf8) {
            slow.send([byte])
        }
        XCTAssertEqual(slow.read(until: "PONG\r\n"), "MSG a.b 1 3\r\nxyz\r\nPONG\r\n")
    }

    func testARequestNobodyServesGetsANoRespondersStatus() throws {
        let requester = try client()
        requester.handshake()
        requester.send("SUB _INBOX.me.* 3\r\nPUB service _INBOX.me.1 2\r\nhi\r\nPING\r\n")
        XCTAssertEqual(
            requester.read(until: "PONG\r\n"),
            "HMSG _INBOX.me.1 3 39 39\r\nNATS/1.0 503\r\nNats-Subject: service\r\n\r\n\r\nPONG\r\n")
    }

    func testHeadersAreStrippedForSubscribersThatDidNotAskForThem() throws {
        let plain = try client()
        plain.handshake(#"{"verbose":false,"headers":false}"#)
        plain.send("SUB h 1\r\nPING\r\n")
        plain.read(until: "PONG\r\n")
        let publisher = try client()
        publisher.handshake()
        publisher.send("HPUB h 18 20\r\nNATS/1.0\r\nA: B\r\n\r\nhi\r\nPING\r\n")
        publisher.read(until: "PONG\r\n")
        XCTAssertEqual(plain.read(until: "hi\r\n"), "MSG h 1 2\r\nhi\r\n")
    }

    func testOnePublishReachesEverySidOfEverySubscriberWithHeadersKeptOrStrippedPerClient() throws {
        let withHeaders = try client(), plain = try client()
        withHeaders.handshake()
        withHeaders.send("SUB fan 7\r\nSUB fan 12345678901234567890\r\nPING\r\n")
        withHeaders.read(until: "PONG\r\n")
        plain.handshake(#"{"verbose":false,"headers":false}"#)
        plain.send("SUB fan 1\r\nPING\r\n")
        plain.read(until: "PONG\r\n")
        let publisher = try client()
        publisher.handshake()
        publisher.send("HPUB fan reply.x 18 20\r\nNATS/1.0\r\nA: B\r\n\r\nhi\r\nPING\r\n")
        publisher.read(until: "PONG\r\n")
        let header = "NATS/1.0\r\nA: B\r\n\r\nhi\r\n"
        withHeaders.send("PING\r\n")
        let received = withHeaders.read(until: "PONG\r\n")
        // The two subscriptions' order is the index's, so each message is looked for on its own.
        XCTAssertTrue(received.contains("HMSG fan 7 reply.x 18 20\r\n\(header)"), received)
        XCTAssertTrue(received.contains("HMSG fan 12345678901234567890 reply.x 18 20\r\n\(header)"), received)
        let shortLine = "HMSG fan 7 reply.x 18 20\r\n\(header)"
        XCTAssertEqual(received.utf8.count, 2 * shortLine.utf8.count + 19 + "PONG\r\n".utf8.count, "nothing else")
        XCTAssertEqual(plain.read(until: "hi\r\n"), "MSG fan 1 reply.x 2\r\nhi\r\n")
    }
}
