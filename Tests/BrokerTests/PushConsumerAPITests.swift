@testable import Broker
import TestSupport
import XCTest

/// Push consumers through the broker: the `$JS.API` refusals nats-server gives (and ours for what we
/// do not implement), delivery to a real subscriber with flow control answered on `$JS.FC`, and the
/// ephemeral consumer's removal once nobody subscribes to its deliver subject.
final class PushConsumerAPITests: JetStreamBrokerTestCase {
    private func createPush(_ client: RawClient, _ config: String) -> String {
        request(
            client, "$JS.API.CONSUMER.CREATE.OBJ", #"{"stream_name":"OBJ","config":{\#(config)}}"#,
            reply: "_INBOX.api.1")
    }

    /// What arrived with an earlier read (deliveries may come in the same read as the API answer),
    /// plus more until `marker`.
    private func read(_ client: RawClient, after earlier: String, until marker: String) -> String {
        earlier.contains(marker) ? earlier : earlier + client.read(until: marker)
    }

    private func makeObjectStream(_ client: RawClient) {
        makeStream(client, inbox: "_INBOX.api.0", name: "OBJ", subjects: ["c.>"], retention: "limits", consumer: nil)
    }

    func testPushConsumerRefusalsMatchNatsServerAndNameWhatIsNotSupported() throws {
        let client = try inboxClient("api")
        makeObjectStream(client)
        let ordered = #""ack_policy":"none","flow_control":true,"idle_heartbeat":1000000000"#
        let cases: [(String, String)] = [
            (#""deliver_subject":"d.*","# + ordered, #""err_code":10079"#),
            (#""deliver_subject":"c.x","# + ordered, #""err_code":10081"#),
            (#""deliver_subject":"d","ack_policy":"none","flow_control":true"#, #""err_code":10108"#),
            (
                #""deliver_subject":"d","ack_policy":"none","flow_control":true,"idle_heartbeat":5"#,
                #""err_code":10083"#
            ),
            (#""deliver_subject":"d","durable_name":"keep","# + ordered, "durable push consumers is not supported"),
            (
                #""deliver_subject":"d","ack_policy":"explicit","flow_control":true,"idle_heartbeat":1000000000"#,
                "push consumers with acknowledgements"
            ),
            (#""deliver_subject":"d","ack_policy":"none""#, "push consumers without flow_control is not supported"),
        ]
        for (config, expected) in cases {
            let answer = createPush(client, config)
            XCTAssertTrue(answer.contains(expected), "\(config) -> \(answer)")
        }
        XCTAssertEqual(onEngine { $0.streams["OBJ"]!.consumers.count }, 0)
    }

    func testAnOrderedPushConsumerDeliversToItsSubscriberAndGoesAwayOnceNobodySubscribes() throws {
        let client = try inboxClient("api")
        makeObjectStream(client)
        for index in 0..<3 { publish(client, "c.a", "chunk\(index)", inbox: "_INBOX.api.p") }
        client.send("SUB dlv.1 9\r\nPING\r\n")
        client.read(until: "PONG\r\n")
        let created = createPush(
            client,
            #""deliver_subject":"dlv.1","ack_policy":"none","flow_control":true,"idle_heartbeat":1000000000,"#
                + #""mem_storage":true,"num_replicas":1,"max_deliver":1,"inactive_threshold":300000000"#)
        XCTAssertTrue(created.contains(#""flow_control":true"#), created)
        XCTAssertTrue(created.contains(#""push_bound":true"#), created)
        let delivered = read(client, after: created, until: "chunk2")
        XCTAssertTrue(delivered.contains("MSG c.a 9 $JS.ACK.OBJ."), delivered)
        XCTAssertTrue(delivered.contains(".1.3.3."), delivered)
        XCTAssertTrue(delivered.contains(".0 6\r\nchunk2"), delivered)

        client.send("UNSUB 9\r\nPING\r\n")
        client.read(until: "PONG\r\n")
        XCTAssertTrue(eventually(timeout: .seconds(5)) { self.onEngine { $0.streams["OBJ"]!.consumers.isEmpty } })
    }

    func testFlowControlAnswersOnTheFlowControlSubjectLetMoreFlow() throws {
        let client = try inboxClient("api")
        makeObjectStream(client)
        let chunk = String(repeating: "x", count: 64 * 1024)
        for _ in 0..<40 { publish(client, "c.big", chunk, inbox: "_INBOX.api.p") }
        client.send("SUB dlv.2 9\r\nPING\r\n")
        client.read(until: "PONG\r\n")
        let created = createPush(
            client, #""deliver_subject":"dlv.2","ack_policy":"none","flow_control":true,"idle_heartbeat":1000000000"#)
        let first = read(client, after: created, until: "FlowControl Request\r\n\r\n")
        guard let line = first.components(separatedBy: "\r\n").last(where: { $0.hasPrefix("HMSG dlv.2 9 $JS.FC.OBJ.") })
        else { return XCTFail("no flow control request: \(first.suffix(300))") }
        let reply = line.split(separator: " ")[3]
        // Delivery stops at the window (2 MiB = 32 of these) until the answer.
        let beforeAnswer = read(client, after: "", until: "Nats-Consumer-Stalled: \(reply)\r\n")
        let countBefore = (first + beforeAnswer).components(separatedBy: "MSG c.big 9 ").count - 1
        XCTAssertEqual(countBefore, 32)
        client.send("PUB \(reply) 0\r\n\r\n")
        let rest = client.read(until: ".40.40.")
        XCTAssertTrue(rest.contains(".40.40."), String(rest.suffix(200)))
    }
}
