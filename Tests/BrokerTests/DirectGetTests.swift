@testable import Broker
import XCTest

/// `$JS.API.DIRECT.GET`, answered as nats-server 2.15 answers it (wire forms checked against it).
final class DirectGetTests: JetStreamBrokerTestCase {
    private func makeDirectStream(_ client: RawClient, allowDirect: Bool = true) {
        let created = request(
            client, "$JS.API.STREAM.CREATE.DG",
            #"{"name":"DG","subjects":["dg.>"],"storage":"memory","allow_direct":\#(allowDirect)}"#,
            reply: "_INBOX.dg.c")
        XCTAssertTrue(created.contains(#""allow_direct":\#(allowDirect)"#), created)
        publish(client, "dg.a", "hello", inbox: "_INBOX.dg.p", headers: "X-Foo: bar\r\n")
        publish(client, "dg.b", "hi", inbox: "_INBOX.dg.p")
    }

    private func directGet(_ client: RawClient, _ subject: String, _ body: String, until marker: String) -> String {
        client.send("PUB \(subject) _INBOX.dg.r \(body.utf8.count)\r\n\(body)\r\n")
        return client.read(until: marker)
    }

    func testADirectGetAnswersWithTheMessageItsHeadersAndWhereItIsStored() throws {
        let client = try inboxClient("dg")
        makeDirectStream(client)
        let bySubject = directGet(client, "$JS.API.DIRECT.GET.DG", #"{"last_by_subj":"dg.a"}"#, until: "hello\r\n")
        XCTAssertTrue(
            bySubject.contains(
                "NATS/1.0\r\nX-Foo: bar\r\nNats-Stream: DG\r\nNats-Subject: dg.a\r\nNats-Sequence: 1\r\nNats-Time-Stamp: "
            ),
            bySubject)
        let bySequence = directGet(client, "$JS.API.DIRECT.GET.DG", #"{"seq":2}"#, until: "hi\r\n")
        XCTAssertTrue(bySequence.contains("NATS/1.0\r\nNats-Stream: DG\r\nNats-Subject: dg.b\r\nNats-Sequence: 2\r\n"))
        let inSubject = directGet(client, "$JS.API.DIRECT.GET.DG.dg.b", "", until: "hi\r\n")
        XCTAssertTrue(inSubject.contains("Nats-Sequence: 2\r\n"), inSubject)
        let wildcard = directGet(client, "$JS.API.DIRECT.GET.DG", #"{"last_by_subj":"dg.>"}"#, until: "hi\r\n")
        XCTAssertTrue(wildcard.contains("Nats-Sequence: 2\r\n"), wildcard)
    }

    func testDirectGetStatusesMatchNatsServer() throws {
        let client = try inboxClient("dg")
        makeDirectStream(client)
        let cases: [(String, String)] = [
            (#"{"seq":9}"#, "NATS/1.0 404 Message Not Found\r\n"),
            ("", "NATS/1.0 408 Empty Request\r\n"),
            ("{bad", "NATS/1.0 408 Malformed Request\r\n"),
            (#"{"seq":-1}"#, "NATS/1.0 408 Malformed Request\r\n"),
        ]
        for (body, expected) in cases {
            XCTAssertTrue(
                directGet(client, "$JS.API.DIRECT.GET.DG", body, until: "\r\n\r\n").contains(expected), body)
        }
        let unknown = directGet(client, "$JS.API.DIRECT.GET.NOPE", #"{"seq":1}"#, until: "\r\n\r\n")
        XCTAssertTrue(unknown.contains("NATS/1.0 503\r\nNats-Subject: $JS.API.DIRECT.GET.NOPE\r\n"), unknown)
    }

    func testAStreamWithoutAllowDirectHasNoDirectGetResponder() throws {
        let client = try inboxClient("dg")
        makeDirectStream(client, allowDirect: false)
        let answer = directGet(client, "$JS.API.DIRECT.GET.DG", #"{"seq":1}"#, until: "\r\n\r\n")
        XCTAssertTrue(answer.contains("NATS/1.0 503\r\n"), answer)
    }
}
