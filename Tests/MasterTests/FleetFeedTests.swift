import FoundationEssentials
import Foundation
import Model
import Support
import Synchronization
import XCTest

@testable import Master

/// The dashboard's live fleet: a snapshot in bounded pages as fast as the viewer reads, then only
/// what changed; no node can make an event large.
final class FleetFeedTests: XCTestCase {
    /// A viewer that keeps what it is sent; `queued` is what it claims to have unwritten.
    private final class Viewer: Sendable {
        let events = Mutex<[String]>([])
        let queued = Atomic<Int>(0)

        var viewer: LiveViewer {
            LiveViewer(
                send: { [self] event, data in
                    XCTAssertEqual(event, "fleet")
                    events.withLock { $0.append(data) }
                    return true
                }, bufferedBytes: { [self] in queued.load(ordering: .relaxed) })
        }

        func take() -> [[String: Any]] {
            events.withLock { events in
                defer { events.removeAll() }
                return events.map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
            }
        }

        var bytes: Int { events.withLock { $0.reduce(0) { $0 + $1.utf8.count } } }
        var largest: Int { events.withLock { $0.map(\.utf8.count).max() ?? 0 } }
    }

    private func fleet(nodes: Int) -> FleetView {
        let fleet = FleetView(offlineAfterSeconds: 15)
        for index in 0..<nodes { hear(fleet, index) }
        return fleet
    }

    private func hear(_ fleet: FleetView, _ index: Int, watts: Double = 9.5) {
        let id = String(format: "node-%05d", index)
        let now = Clock.monotonicNanoseconds()
        var sample = MasterFixtures.telemetry(id, job: "job-\(index)")
        sample.power[0].watts = watts
        fleet.heard(MasterFixtures.heartbeat(id), at: now, unix: 1)
        fleet.heard(sample, at: now, unix: 1)
    }

    func testANewViewerGetsTheWholeFleetInBoundedPagesThenOnlyWhatChanged() throws {
        let fleet = fleet(nodes: 2000)
        let live = LiveUpdates()
        let feed = FleetFeed(fleet: fleet, live: live)
        feed.publishChanges()
        let viewer = Viewer()
        live.subscribe(viewer.viewer)
        feed.continueSnapshots()
        XCTAssertLessThanOrEqual(viewer.largest, FleetFeed.maximumEventBytes)
        let pages = viewer.take()
        XCTAssertGreaterThan(pages.count, 1)
        XCTAssertEqual(pages.map { $0["first"] as? Bool }, [true] + Array(repeating: false, count: pages.count - 1))
        XCTAssertEqual(pages.last?["last"] as? Bool, true)
        let ids = pages.flatMap { ($0["nodes"] as? [[String: Any]] ?? []).compactMap { $0["node_id"] as? String } }
        XCTAssertEqual(Set(ids).count, 2000)
        XCTAssertEqual(pages[0]["total"] as? Int, 2000)
        feed.continueSnapshots()
        XCTAssertEqual(viewer.take().count, 0, "a viewer with its snapshot gets no second one")

        for index in [3, 500, 1999] { hear(fleet, index, watts: 20) }
        feed.publishChanges()
        let delta = viewer.take()
        XCTAssertEqual(delta.count, 1)
        XCTAssertEqual(delta[0]["kind"] as? String, "delta")
        let changed = try XCTUnwrap(delta[0]["nodes"] as? [[String: Any]])
        XCTAssertEqual(changed.compactMap { $0["node_id"] as? String }, ["node-00003", "node-00500", "node-01999"])
        XCTAssertEqual(changed[0]["watts"] as? Double, 20)
        feed.publishChanges()
        XCTAssertEqual(
            (viewer.take().first?["nodes"] as? [Any])?.count, 0, "nothing changed: queues and total only")
    }

    func testAViewerThatDoesNotReadIsPacedAndSentAFreshSnapshotInsteadOfBeingDropped() throws {
        let fleet = fleet(nodes: 3000)
        let live = LiveUpdates()
        let feed = FleetFeed(fleet: fleet, live: live, pageBudget: 100_000, deltaBudget: 300_000)
        feed.publishChanges()
        let viewer = Viewer()
        live.subscribe(viewer.viewer)
        viewer.queued.store(150_000, ordering: .relaxed)  // more than the page budget: wait
        feed.continueSnapshots()
        XCTAssertEqual(viewer.bytes, 0)
        viewer.queued.store(0, ordering: .relaxed)
        feed.continueSnapshots()
        XCTAssertEqual(viewer.take().first?["first"] as? Bool, true)
        // Up to the budget, not more: the rest waits for the next turn.
        viewer.queued.store(250_000, ordering: .relaxed)
        for index in 0..<3000 { hear(fleet, index, watts: 30) }
        feed.publishChanges()
        XCTAssertEqual(viewer.bytes, 0, "a delta would pass the viewer's budget: skipped")
        viewer.queued.store(0, ordering: .relaxed)
        feed.continueSnapshots()
        let restarted = viewer.take()
        XCTAssertEqual(restarted.first?["first"] as? Bool, true, "a fresh snapshot, from the start")
        XCTAssertEqual(
            ((restarted.first?["nodes"] as? [[String: Any]])?.first?["watts"] as? Double), 30, "with today's figures")
    }

    func testOneNodesOversizedHeartbeatAddsOnlyAFewKilobytes() {
        var heartbeat = MasterFixtures.heartbeat("node-1")
        heartbeat.name = String(repeating: "n", count: 1_000_000)
        heartbeat.hardware.cpuModel = String(repeating: "\u{1F600}", count: 100_000)
        var sample = MasterFixtures.telemetry("node-1")
        sample.jobs = Array(repeating: sample.jobs[0], count: 5000)
        let fleet = FleetView(offlineAfterSeconds: 15)
        fleet.heard(heartbeat, at: 1, unix: 1)
        fleet.heard(sample, at: 1, unix: 1)
        let text = LiveNodeJSON.text(fleet.nodes[0], status: "available")
        XCTAssertLessThan(text.utf8.count, 8 * 1024)
        XCTAssertNotNil(try? JSONSerialization.jsonObject(with: Data(text.utf8)))
    }

    /// The figure the issue asks for: bytes a viewer receives per second with 10 000 nodes of
    /// which 10 % report each second. Before, every second carried the whole `/api/nodes` body.
    func testTenThousandNodesWithOneInTenChangingCostAViewerATenthOrLessOfTheOldSnapshot() throws {
        let fleet = fleet(nodes: 10_000)
        let live = LiveUpdates()
        let feed = FleetFeed(fleet: fleet, live: live)
        let api = try MasterAPI(store: MasterStore(path: ":memory:"), fleet: fleet)
        // The whole /api/nodes listing, as every second sent before (two of today's largest pages).
        let before = try api.nodes(["limit": "5000"]).count + api.nodes(["limit": "5000", "offset": "5000"]).count
        feed.publishChanges()
        let viewer = Viewer()
        live.subscribe(viewer.viewer)
        feed.continueSnapshots()
        let snapshot = viewer.bytes
        _ = viewer.take()
        var perSecond: [Int] = []
        for second in 0..<5 {
            for index in stride(from: second, to: 10_000, by: 10) { hear(fleet, index, watts: Double(second)) }
            feed.publishChanges()
            perSecond.append(viewer.bytes)
            XCTAssertLessThanOrEqual(viewer.largest, FleetFeed.maximumEventBytes)
            _ = viewer.take()
        }
        let after = perSecond.reduce(0, +) / perSecond.count
        print(
            "fleet feed, 10 000 nodes, 10 % changing each second: before \(before) B/s per viewer, "
                + "after \(after) B/s per viewer (snapshot once on connect: \(snapshot) B)")
        XCTAssertLessThan(after * 10, before)
    }
}
