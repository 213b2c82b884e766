@testable import Broker
import Foundation
import XCTest

/// The monitoring documents built from snapshots: paging, clamping, nats-server's duration format.
final class MonitorJSONTests: XCTestCase {
    private func connection(_ id: UInt64, subscriptions: Int = 0, started: Int64 = 1_000) -> ConnectionSnapshot {
        ConnectionSnapshot(
            id: id, host: "127.0.0.1", port: 5000 + Int(id), started: started, lastActivity: started + Int64(id),
            pendingBytes: 0, subscriptionCount: subscriptions)
    }

    private func object(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    func testConnzPagesByOffsetAndLimitInClientIdOrder() throws {
        let connections = (1...10).reversed().map { connection(UInt64($0)) }
        let query = try ConnzQuery { ["offset": "3", "limit": "4"][$0] }
        let document = try object(MonitorJSON.connz(connections, query: query, serverID: "S", now: 5_000_000_000))
        XCTAssertEqual(document["total"] as? Int, 10)
        XCTAssertEqual(document["num_connections"] as? Int, 4)
        XCTAssertEqual(document["offset"] as? Int, 3)
        XCTAssertEqual(document["limit"] as? Int, 4)
        let listed = try XCTUnwrap(document["connections"] as? [[String: Any]])
        XCTAssertEqual(listed.compactMap { $0["cid"] as? Int }, [4, 5, 6, 7])
    }

    func testConnzOffsetPastTheEndGivesAnEmptyPage() throws {
        let query = try ConnzQuery { ["offset": String(Int.max)][$0] }
        let document = try object(MonitorJSON.connz([connection(1)], query: query, serverID: "S", now: 0))
        XCTAssertEqual(document["num_connections"] as? Int, 0)
        XCTAssertEqual((document["connections"] as? [Any])?.count, 0)
    }

    func testOutOfRangeConnzNumbersAreClampedToTheirDefaultsAndBounds() throws {
        let negative = try ConnzQuery { ["offset": "-7", "limit": "-1"][$0] }
        XCTAssertEqual(negative.offset, 0)
        XCTAssertEqual(negative.limit, ConnzQuery.maximumLimit)
        XCTAssertEqual(try ConnzQuery { ["limit": "5000"][$0] }.limit, ConnzQuery.maximumLimit)
        XCTAssertEqual(try ConnzQuery { ["limit": "0"][$0] }.limit, ConnzQuery.maximumLimit)
        XCTAssertEqual(try ConnzQuery { ["limit": "2"][$0] }.limit, 2)
        XCTAssertEqual(try ConnzQuery { ["sort": "msgs_to"][$0] }.order, .cid, "known to nats-server, not kept here")
        XCTAssertEqual(try ConnzQuery { ["subs": "detail", "sort": "subs"][$0] }.order, .subs)
    }

    func testConnzValuesThatDoNotParseAreRefusedAsNatsServerRefusesThem() {
        for junk in [
            ["limit": "abc"], ["offset": "99999999999999999999"], ["subs": "\u{0}"], ["sort": "bogus"],
            ["sort": String(repeating: "x", count: 100_000)],
        ] {
            XCTAssertThrowsError(try ConnzQuery { junk[$0] }, "\(junk.keys)")
        }
    }

    func testConnzSortsBySubscriptionsMostFirst() throws {
        let query = try ConnzQuery { ["sort": "subs"][$0] }
        let connections = [connection(1, subscriptions: 2), connection(2, subscriptions: 9), connection(3)]
        XCTAssertEqual(query.page(of: connections).map(\.id), [2, 1, 3])
    }

    func testSubjectsAreListedOnlyWhenAsked() throws {
        var subscribed = connection(1, subscriptions: 1)
        subscribed.subjects = ["orders.>"]
        let plain = try object(MonitorJSON.connz([subscribed], query: ConnzQuery(), serverID: "S", now: 0))
        let detailed = try object(
            MonitorJSON.connz([subscribed], query: try ConnzQuery { ["subs": "1"][$0] }, serverID: "S", now: 0))
        XCTAssertNil((plain["connections"] as? [[String: Any]])?.first?["subscriptions_list"])
        XCTAssertEqual(
            (detailed["connections"] as? [[String: Any]])?.first?["subscriptions_list"] as? [String], ["orders.>"])
    }

    func testDurationsArePrintedAsNatsServerPrintsUptime() {
        XCTAssertEqual(MonitorJSON.uptime(nanoseconds: 0), "0s")
        XCTAssertEqual(MonitorJSON.uptime(nanoseconds: -5_000_000_000), "0s")
        XCTAssertEqual(MonitorJSON.uptime(nanoseconds: 62_500_000_000), "1m2s")
        XCTAssertEqual(MonitorJSON.uptime(nanoseconds: 3_600_000_000_000), "1h0m0s")
        XCTAssertEqual(MonitorJSON.uptime(nanoseconds: 90_061_000_000_000), "1d1h1m1s")
        XCTAssertEqual(MonitorJSON.uptime(nanoseconds: 366 * 86_400_000_000_000), "1y1d0h0m0s")
    }

    func testJetStreamOffIsReportedAsDisabledWithZeros() throws {
        let document = try object(MonitorJSON.jsz(nil, storeDirectory: "/x", serverID: "S", now: 0))
        XCTAssertEqual(document["disabled"] as? Bool, true)
        XCTAssertEqual(document["streams"] as? Int, 0)
    }

    func testPeerAddressesSplitIntoHostAndPort() {
        XCTAssertEqual(ConnectionSnapshot.split("10.0.0.1:4222").host, "10.0.0.1")
        XCTAssertEqual(ConnectionSnapshot.split("[::1]:5000").host, "::1")
        XCTAssertEqual(ConnectionSnapshot.split("[::1]:5000").port, 5000)
        XCTAssertEqual(ConnectionSnapshot.split("unknown").port, 0)
    }

    func testMetricsTextHasHelpAndTypeForEverySample() {
        let samples = BrokerPrometheus.samples(
            BrokerStatistics(connections: 3), acceptedConnections: 5, started: 2_000_000_000, residentBytes: nil,
            jetStream: JetStreamSnapshot(streams: 2))
        let text = BrokerPrometheus.render(samples)
        XCTAssertTrue(text.contains("# TYPE ffrtmp_broker_connections gauge\nffrtmp_broker_connections 3\n"))
        XCTAssertTrue(text.contains("ffrtmp_broker_jetstream_streams 2\n"))
        XCTAssertEqual(text.components(separatedBy: "# HELP").count - 1, samples.count)
    }
}
