@testable import Broker
import Foundation
import HTTP
import XCTest

/// The monitoring port of a running broker (`-m`), fetched over HTTP.
final class BrokerMonitorTests: BrokerTestCase {
    override var runsJetStream: Bool { true }

    override func configure(_ config: inout BrokerConfig) {
        config.monitorPort = 0
    }

    private func fetch(_ path: String) throws -> (status: Int, body: String, type: String?) {
        let response = try HTTPGet.fetch("http://127.0.0.1:\(broker.monitorPort)\(path)", timeout: .seconds(5))
        return (response.status, String(decoding: response.body, as: UTF8.self), response.header("Content-Type"))
    }

    private func object(_ path: String) throws -> [String: Any] {
        let (status, body, _) = try fetch(path)
        XCTAssertEqual(status, 200, body)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any], body)
    }

    func testHealthzAnswersOk() throws {
        XCTAssertEqual(try fetch("/healthz").body, #"{"status":"ok"}"#)
    }

    func testVarzCountsConnectionsMessagesAndSubscriptions() throws {
        let subscriber = try client(), publisher = try client()
        subscriber.handshake()
        subscriber.send("SUB orders.* 1\r\nPING\r\n")
        subscriber.read(until: "PONG\r\n")
        publisher.handshake()
        publisher.send("PUB orders.new 5\r\nhello\r\nPING\r\n")
        publisher.read(until: "PONG\r\n")
        subscriber.read(until: "hello\r\n")
        let varz = try object("/varz")
        XCTAssertEqual(varz["port"] as? Int, port)
        XCTAssertEqual(varz["http_port"] as? Int, broker.monitorPort)
        XCTAssertEqual(varz["connections"] as? Int, 2)
        XCTAssertGreaterThanOrEqual(varz["in_msgs"] as? Int ?? 0, 1)
        XCTAssertGreaterThanOrEqual(varz["out_msgs"] as? Int ?? 0, 1)
        XCTAssertGreaterThanOrEqual(varz["subscriptions"] as? Int ?? 0, 1)
        XCTAssertNil(varz["in_bytes"], "our byte counter counts protocol bytes, not nats-server's message bytes")
    }

    func testConnzShowsEachClientWithItsNameAndSubjects() throws {
        let named = try client()
        named.handshake(#"{"verbose":false,"pedantic":false,"name":"worker-7","lang":"raw","version":"1"}"#)
        named.send("SUB jobs.> 9\r\nPING\r\n")
        named.read(until: "PONG\r\n")
        let connz = try object("/connz?subs=1&limit=5000")
        XCTAssertEqual(connz["total"] as? Int, 1)
        XCTAssertEqual(connz["limit"] as? Int, 1024)
        let connection = try XCTUnwrap((connz["connections"] as? [[String: Any]])?.first)
        XCTAssertEqual(connection["name"] as? String, "worker-7")
        XCTAssertEqual(connection["lang"] as? String, "raw")
        XCTAssertEqual(connection["ip"] as? String, "127.0.0.1")
        XCTAssertEqual(connection["subscriptions"] as? Int, 1)
        XCTAssertEqual(connection["subscriptions_list"] as? [String], ["jobs.>"])
    }

    func testASubscriptionListIsCutAtItsBoundWhileTheCountStaysTrue() throws {
        let busy = try client()
        busy.handshake()
        let count = ConnzQuery.maximumSubjectsListed + 10
        busy.send((0..<count).map { "SUB s.\($0) \($0)\r\n" }.joined() + "PING\r\n")
        busy.read(until: "PONG\r\n")
        let connection = try XCTUnwrap((try object("/connz?subs=1")["connections"] as? [[String: Any]])?.first)
        XCTAssertEqual(connection["subscriptions"] as? Int, count)
        XCTAssertEqual((connection["subscriptions_list"] as? [String])?.count, ConnzQuery.maximumSubjectsListed)
    }

    func testSubszAndJszReportTheBrokersState() throws {
        let subsz = try object("/subsz")
        XCTAssertEqual(subsz["server_id"] as? String, broker.serverID)
        XCTAssertNotNil(subsz["num_subscriptions"] as? Int)
        let jsz = try object("/jsz")
        XCTAssertNil(jsz["disabled"])
        XCTAssertEqual(jsz["streams"] as? Int, 0)
        XCTAssertEqual((jsz["config"] as? [String: Any])?["store_dir"] as? String, storeDirectory)
    }

    func testMetricsAreServedAsPrometheusText() throws {
        let (status, body, type) = try fetch("/metrics")
        XCTAssertEqual(status, 200)
        XCTAssertEqual(type, "text/plain; version=0.0.4; charset=utf-8")
        XCTAssertTrue(body.contains("# TYPE ffrtmp_broker_connections gauge\n"), body)
        XCTAssertTrue(body.contains("ffrtmp_broker_jetstream_streams 0\n"), body)
    }

    func testAConnzValueThatDoesNotParseIsABadRequest() throws {
        XCTAssertEqual(try fetch("/connz?limit=junk").status, 400)
        XCTAssertEqual(try fetch("/connz?sort=%00").status, 400)
    }

    func testAnUnknownPathIsNotFound() throws {
        XCTAssertEqual(try fetch("/routez").status, 404)
    }
}
