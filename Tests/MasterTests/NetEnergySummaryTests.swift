import Model
import XCTest

@testable import Master

/// Summaries rank by gross energy by default, or by net energy (less the idle baseline) on request.
final class NetEnergySummaryTests: XCTestCase {
    private func store() throws -> MasterStore {
        let store = try MasterStore(path: ":memory:")
        for (index, net) in [(0, 6.0), (1, 9.0), (2, nil)] as [(Int, Double?)] {
            var result = MasterFixtures.result("job-\(index)", joules: 12)
            result.energy?.netJoules = net
            result.energy?.idleBaselineWatts = net.map { _ in 5 }
            try store.record(result, json: String(decoding: try MessageCoding.encode(result), as: UTF8.self))
        }
        return store
    }

    func testTheNetBasisAveragesNetJoulesPerFrameOverResultsThatHaveOne() throws {
        let store = try store()
        let gross = try XCTUnwrap(store.summary().rows.first)
        XCTAssertEqual(gross.energyBasis, .gross)
        XCTAssertEqual(try XCTUnwrap(gross.joulesPerFrame?.mean), 12.0 / 60, accuracy: 1e-12)
        XCTAssertEqual(gross.joulesPerFrame?.count, 3)
        let net = try XCTUnwrap(store.summary(MasterStore.SummaryFilter(energy: .net)).rows.first)
        XCTAssertEqual(net.energyBasis, .net)
        XCTAssertEqual(net.joulesPerFrame?.count, 2, "a result without a baseline has no net figure")
        XCTAssertEqual(try XCTUnwrap(net.joulesPerFrame?.mean), 7.5 / 60, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(net.energyJoules?.mean), 7.5, accuracy: 1e-12)
        XCTAssertEqual(net.count, 3)
    }

    func testTheAPITakesTheBasisAndRefusesAnUnknownOne() throws {
        let api = MasterAPI(store: try store(), fleet: FleetView(offlineAfterSeconds: 15))
        let net = try XCTUnwrap(api.respond(path: "/api/summary", query: ["energy": "net"]))
        XCTAssertEqual(net.status, 200)
        XCTAssertTrue(String(decoding: net.body, as: UTF8.self).contains("\"energy_basis\":\"net\""))
        XCTAssertEqual(api.respond(path: "/api/summary", query: ["energy": "both"])?.status, 400)
    }
}
