@testable import Broker
import XCTest

/// JetStream answers reach only the connection that asked, even when another client subscribes to
/// the same inbox (`_INBOX.>`): pulled jobs with their ack subjects, pull statuses, API replies,
/// publish acks and ack-sync replies.
final class JetStreamReplyInboxTests: JetStreamBrokerTestCase {
    /// Everything `client` received up to a PING round trip.
    private func drain(_ client: RawClient) -> String {
        client.send("PING\r\n")
        return client.read(until: "PONG\r\n")
    }

    func testAPulledMessageGoesOnlyToThePuller() throws {
        let puller = try inboxClient("puller")
        let eavesdropper = try inboxClient("eavesdropper", subscribe: "_INBOX.>")
        makeStream(puller, inbox: "_INBOX.puller.api")
        XCTAssertTrue(publish(puller, "job.a", "secret job", inbox: "_INBOX.puller.pub").contains("\"seq\":1"))
        puller.send("PUB $JS.API.CONSUMER.MSG.NEXT.JOBS.worker _INBOX.puller.pull 1\r\n1\r\n")
        let delivery = puller.read(until: "secret job\r\n")
        XCTAssertTrue(delivery.contains("$JS.ACK.JOBS.worker.1.1.1."), delivery)
        let ackSubject = try XCTUnwrap(
            delivery.split(separator: " ").first { $0.hasPrefix("$JS.ACK.") }.map(String.init), delivery)
        // An ack with a reply (ack_sync) is answered to the acker only.
        puller.send("PUB \(ackSubject) _INBOX.puller.acked 4\r\n+ACK\r\n")
        XCTAssertTrue(puller.read(until: "_INBOX.puller.acked").contains("MSG _INBOX.puller.acked"))
        // A pull that finds nothing gets its 404 on the puller's connection only.
        let noWait = #"{"batch":1,"no_wait":true}"#
        puller.send(
            "PUB $JS.API.CONSUMER.MSG.NEXT.JOBS.worker _INBOX.puller.pull \(noWait.utf8.count)\r\n\(noWait)\r\n")
        XCTAssertTrue(puller.read(until: "404 No Messages").contains("404 No Messages"))

        let overheard = drain(eavesdropper)
        XCTAssertFalse(overheard.contains("MSG"), overheard)
    }

    func testAPIRepliesAndPublishAcksGoOnlyToTheRequester() throws {
        let requester = try inboxClient("requester")
        let eavesdropper = try inboxClient("eavesdropper", subscribe: "_INBOX.requester.>")
        makeStream(requester, inbox: "_INBOX.requester.api")
        XCTAssertTrue(publish(requester, "job.a", "one", inbox: "_INBOX.requester.pub").contains("\"seq\":1"))
        let info = request(requester, "$JS.API.STREAM.INFO.JOBS", "", reply: "_INBOX.requester.info")
        XCTAssertTrue(info.contains("stream_info_response"), info)
        let overheard = drain(eavesdropper)
        XCTAssertFalse(overheard.contains("MSG"), overheard)
    }

    func testAQueueGroupOnTheInboxGetsTheAnswerThroughTheRequestersMember() throws {
        let requester = try self.client()
        requester.handshake()
        let other = try self.client()
        other.handshake()
        other.send("SUB _INBOX.shared.> answers 1\r\nPING\r\n")
        other.read(until: "PONG\r\n")
        requester.send("SUB _INBOX.shared.> answers 1\r\nPING\r\n")
        requester.read(until: "PONG\r\n")
        for _ in 0..<4 {
            XCTAssertTrue(request(requester, "$JS.API.INFO", "", reply: "_INBOX.shared.info").contains("account_info"))
        }
        XCTAssertFalse(drain(other).contains("MSG"))
    }

    func testTheBrokersOwnPublishesStillReachEverySubscriber() throws {
        let first = try inboxClient("first", subscribe: "$JS.EVENT.ADVISORY.>")
        let second = try inboxClient("second", subscribe: "$JS.EVENT.ADVISORY.>")
        let engine = engine
        engine.loop.execute { engine.send(to: "$JS.EVENT.ADVISORY.TEST", payload: Array("{}".utf8)) }
        XCTAssertTrue(first.read(until: "{}\r\n").contains("$JS.EVENT.ADVISORY.TEST"))
        XCTAssertTrue(second.read(until: "{}\r\n").contains("$JS.EVENT.ADVISORY.TEST"))
    }
}
