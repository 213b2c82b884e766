@testable import Broker
import XCTest

/// Acks are accepted only in the nine-token form the broker hands out, so a subject that passes a
/// `$JS.ACK.<stream>.>` permission can only ever ack messages of that stream.
final class JetStreamAckSubjectTests: JetStreamBrokerTestCase {
    func testTheFormTheBrokerHandsOutIsParsed() {
        XCTAssertEqual(
            AckSubject("$JS.ACK.JOBS.worker.1.42.7.1700000000000000000.3"),
            AckSubject(stream: "JOBS", consumer: "worker", streamSequence: 42))
        XCTAssertEqual(AckSubject("$JS.ACK.JOBS.worker.1.42.7.-5.3")?.streamSequence, 42)
    }

    func testEveryOtherFormIsRefused() {
        for subject in [
            "$JS.ACK.JOBS.x.RESULTS.results.1.5.1.1700000000000000000.0",
            "$JS.ACK.JOBS.x.RESULTS.results.1.5.1.1700000000000000000.0.token",
            "$JS.ACK.JOBS.worker.1.42.7.1700000000000000000",
            "$JS.ACK.JOBS.worker.1.42.7.1700000000000000000.3.4",
            "$JS.ACK.JOBS.worker.1.x.7.1700000000000000000.3",
            "$JS.ACK.JOBS.worker.1.-42.7.1700000000000000000.3",
            "$JS.ACK.JOBS.worker.1.99999999999999999999999.7.1.3",
            "$JS.ACK..worker.1.42.7.1.3",
            "$JS.NAK.JOBS.worker.1.42.7.1.3",
            "$JS.ACK.JOBS.worker.1.42.7.1.",
            "",
        ] {
            XCTAssertNil(AckSubject(subject), subject)
        }
    }

    func testALongFormAckNamingAnotherStreamDoesNothingAndIsCounted() throws {
        let agent = try inboxClient("agent")
        makeStream(agent, inbox: "_INBOX.agent.api", name: "JOBS", subjects: ["job.>"])
        makeStream(agent, inbox: "_INBOX.agent.api", name: "RESULTS", subjects: ["result.>"], consumer: "results")
        XCTAssertTrue(publish(agent, "result.1", "secret", inbox: "_INBOX.agent.pub").contains("\"seq\":1"))
        agent.send("PUB $JS.API.CONSUMER.MSG.NEXT.RESULTS.results _INBOX.agent.pull 1\r\n1\r\n")
        XCTAssertTrue(agent.read(until: "secret\r\n").contains("$JS.ACK.RESULTS.results.1.1.1."))

        // Passes a `$JS.ACK.JOBS.>` permission, but the old parser read RESULTS from token 4.
        agent.send("PUB $JS.ACK.JOBS.x.RESULTS.results.1.1.1.1700000000000000000.0 4\r\n+ACK\r\n")
        agent.send("PUB $JS.ACK.JOBS.x.RESULTS.results.1.1.1.1700000000000000000.0.token 4\r\n+ACK\r\n")
        assertBrokerAnswers(agent, inbox: "_INBOX.agent.info")
        let info = request(agent, "$JS.API.CONSUMER.INFO.RESULTS.results", "", reply: "_INBOX.agent.info")
        XCTAssertTrue(info.contains(#""num_ack_pending":1"#), info)
        XCTAssertTrue(
            request(agent, "$JS.API.STREAM.INFO.RESULTS", "", reply: "_INBOX.agent.info").contains(#""messages":1"#))
        XCTAssertEqual(onEngine { $0.ignoredAcks }, 2)
    }
}

/// The ack reply subject is written digit by digit; it must read exactly as decimal text would.
final class AckSubjectTextTests: XCTestCase {
    func testTheAckSubjectReadsAsTheNumbersInDecimal() {
        let cases: [(Int, UInt64, UInt64, Int64, UInt64)] = [
            (1, 1, 1, 1_700_000_000_000_000_000, 0),
            (0, 0, 0, 0, 0),
            (10, 9, 100, -1, 99),
            (Int.max, UInt64.max, UInt64.max, Int64.min, UInt64.max),
            (Int.min, 1, 2, Int64.max, 3),
        ]
        for (deliveries, sequence, consumerSequence, timestamp, pending) in cases {
            let text = AckSubject.text(
                prefix: "$JS.ACK.JOBS.worker.", deliveries: deliveries, streamSequence: sequence,
                consumerSequence: consumerSequence, timestamp: timestamp, pending: pending)
            XCTAssertEqual(
                text, "$JS.ACK.JOBS.worker.\(deliveries).\(sequence).\(consumerSequence).\(timestamp).\(pending)")
        }
    }

    func testTheAckSubjectParsesBackToItsStreamSequence() {
        let text = AckSubject.text(
            prefix: "$JS.ACK.JOBS.worker.", deliveries: 2, streamSequence: 42, consumerSequence: 7,
            timestamp: -5, pending: 3)
        XCTAssertEqual(AckSubject(text), AckSubject(stream: "JOBS", consumer: "worker", streamSequence: 42))
    }
}
