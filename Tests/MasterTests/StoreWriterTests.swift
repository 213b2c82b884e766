import Client
import Model
import Support
import TestSupport
import XCTest

@testable import Master

/// The store writer: batches reach the store, a clean stop loses nothing, a full queue refuses
/// records (and the master counts them), and only heartbeats that say something new are rewritten.
final class StoreWriterTests: XCTestCase {
    private let quiet = Logger(component: "master", sink: LogSink(minimumLevel: .error))

    private func writer(_ store: MasterStore, capacity: Int = 10_000, interval: Double = 60) -> StoreWriter {
        StoreWriter(
            store: store, sampling: FleetSampling(nodeRowInterval: 60, nodeSampleInterval: 10), capacity: capacity,
            interval: interval, batchLimit: 16, logger: quiet)
    }

    private func count(_ table: String, _ store: MasterStore) throws -> Int {
        try XCTUnwrap(store.database.query("SELECT count(*) FROM \(table)").first?[0].int)
    }

    private func heartbeat(_ node: String, at: Int64) -> FleetRecord {
        var heartbeat = MasterFixtures.heartbeat(node)
        heartbeat.sentAt = at
        return .heartbeat(heartbeat, json: "{\"sent_at\":\(at)}", at: at, monotonic: UInt64(at))
    }

    func testEverythingSubmittedBeforeStopIsWrittenIncludingEachNodesLatestHeartbeat() throws {
        let store = try MasterStore(path: ":memory:")
        let writer = writer(store)
        writer.start()
        for second in 1...50 {
            let at = Int64(second) * 1_000_000_000
            XCTAssertTrue(writer.submit(.telemetry(MasterFixtures.telemetry("node-1"), at: at, monotonic: UInt64(at))))
            if second % 5 == 0 { XCTAssertTrue(writer.submit(heartbeat("node-1", at: at))) }
        }
        writer.stop()
        XCTAssertEqual(try count("job_samples", store), 50, "every running job's sample")
        XCTAssertEqual(try count("node_samples", store), 5, "one node sample per 10 s")
        let node = try XCTUnwrap(store.knownNodes().first)
        XCTAssertEqual(node["last_seen"].int64, 50_000_000_000, "the latest heartbeat, written at stop")
        XCTAssertEqual(node["heartbeat"].string, "{\"sent_at\":50000000000}")
        XCTAssertFalse(writer.submit(heartbeat("node-1", at: 60)), "a stopped writer takes nothing")
    }

    func testRecordsAreWrittenWhileRunningNotOnlyAtStop() throws {
        let store = try MasterStore(path: ":memory:")
        let writer = writer(store, interval: 0.05)
        writer.start()
        defer { writer.stop() }
        XCTAssertTrue(writer.submit(heartbeat("node-1", at: 1)))
        _ = try eventually(timeout: .seconds(5)) { try count("nodes", store) > 0 }
        XCTAssertEqual(try count("nodes", store), 1)
        XCTAssertEqual(writer.queued, 0)
    }

    func testAFullQueueRefusesRecordsWithoutBlocking() throws {
        let store = try MasterStore(path: ":memory:")
        let writer = writer(store, capacity: 3)  // not started: nothing drains the queue
        let accepted = (0..<5).map { index in
            writer.submit(.telemetry(MasterFixtures.telemetry("node-1", job: "job-\(index)"), at: 1, monotonic: 1))
        }
        XCTAssertEqual(accepted, [true, true, true, false, false])
        writer.stop()
        XCTAssertEqual(try count("job_samples", store), 3)
    }

    func testTheMasterCountsWhatAFullStoreQueueDropsButStillShowsIt() throws {
        var config = MasterConfig()
        config.databasePath = ":memory:"
        config.storeQueueLimit = 2
        let master = try Master(config: config, logger: quiet)  // not started: its writer does not drain
        let heartbeat = MasterFixtures.heartbeat("node-1")
        try master.take(heartbeat: Message(subject: heartbeat.subject, payload: MessageCoding.encode(heartbeat)))
        let sample = MasterFixtures.telemetry("node-1")
        for _ in 0..<3 {
            try master.take(telemetry: Message(subject: sample.subject, payload: MessageCoding.encode(sample)))
        }
        XCTAssertEqual(master.fleet.counters.storeDropped, 2)
        XCTAssertEqual(master.fleet.counters.telemetry, 3)
        XCTAssertEqual(master.fleet.nodes.first?.telemetry, sample, "the live view has what the store dropped")
        let metrics = try XCTUnwrap(MasterAPI(master: master).respond(path: "/metrics", query: [:]))
        XCTAssertTrue(String(decoding: metrics.body, as: UTF8.self).contains("ffrtmp_master_store_dropped_total 2"))
    }

    func testANodeRowIsRewrittenOnlyWhenTheHeartbeatChangesOrIsOld() {
        var sampling = FleetSampling(nodeRowInterval: 60, nodeSampleInterval: 10)
        var batch = FleetBatch()
        let second: UInt64 = 1_000_000_000
        func heard(_ state: NodeState, after seconds: UInt64) {
            var heartbeat = MasterFixtures.heartbeat("node-1", state: state)
            heartbeat.sentAt = Int64(seconds)
            sampling.add(.heartbeat(heartbeat, json: "", at: Int64(seconds), monotonic: seconds * second), to: &batch)
        }
        heard(.available, after: 0)
        heard(.available, after: 5)  // only its send time differs
        XCTAssertEqual(batch.nodes.count, 1)
        heard(.busy, after: 10)
        XCTAssertEqual(batch.nodes.count, 2, "a change of state is written at once")
        heard(.busy, after: 69)
        XCTAssertEqual(batch.nodes.count, 2)
        heard(.busy, after: 71)
        XCTAssertEqual(batch.nodes.count, 3, "and an unchanged node once a minute")
        heard(.busy, after: 75)
        sampling.flush(into: &batch)
        XCTAssertEqual(batch.nodes.map(\.at), [0, 10, 71, 75], "stop writes the latest heartbeat")
    }

    func testIdleSamplesAreDownsampledAndBusyOnesKept() {
        var sampling = FleetSampling(nodeRowInterval: 60, nodeSampleInterval: 10)
        var batch = FleetBatch()
        var idle = MasterFixtures.telemetry("node-1")
        idle.jobs = []
        for second in 0..<25 {
            let monotonic = UInt64(second) * 1_000_000_000
            sampling.add(.telemetry(idle, at: Int64(second), monotonic: monotonic), to: &batch)
            sampling.add(
                .telemetry(MasterFixtures.telemetry("node-2"), at: Int64(second), monotonic: monotonic), to: &batch)
        }
        XCTAssertEqual(batch.samples.filter { $0.sample.nodeID == "node-1" }.map(\.at), [0, 10, 20])
        let busy = batch.samples.filter { $0.sample.nodeID == "node-2" }
        XCTAssertEqual(busy.count, 25)
        XCTAssertEqual(busy.filter(\.nodeRow).map(\.at), [0, 10, 20])
    }

    func testAJobsSamplesAreKeptEveryJobSampleInterval() {
        var sampling = FleetSampling(nodeRowInterval: 60, nodeSampleInterval: 10, jobSampleInterval: 5)
        var batch = FleetBatch()
        for second in 0..<12 {
            sampling.add(
                .telemetry(
                    MasterFixtures.telemetry("node-2"), at: Int64(second), monotonic: UInt64(second) * 1_000_000_000),
                to: &batch)
        }
        XCTAssertEqual(batch.samples.filter { !$0.sample.jobs.isEmpty }.map(\.at), [0, 5, 10])
        XCTAssertEqual(batch.samples.filter(\.nodeRow).map(\.at), [0, 10], "node rows keep their own period")
    }
}
