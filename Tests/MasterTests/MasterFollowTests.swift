import Broker
import Client
import Fleet
import Model
import Support
import TestSupport
import XCTest

@testable import Master

/// A live master against a real broker: it follows heartbeats, events and results, and a
/// restarted master catches up on what it missed without storing anything twice.
final class MasterFollowTests: XCTestCase {
    private var broker: TestBroker!
    private var folder = ""
    private var publisher: NATSConnection!

    override func setUpWithError() throws {
        folder = "/tmp/ffrtmp-master-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        broker = try TestBroker(storeDirectory: folder + "/store")
        publisher = try NATSConnection.connect(url: url)
        _ = try JetStreamSetup(context: JetStreamContext(connection: publisher)).applyFleet()
    }

    override func tearDown() {
        publisher?.close()
        broker?.shutdown()
        broker = nil
        try? DurableFiles.removeTree(folder)
    }

    private var url: String { "nats://127.0.0.1:\(broker.port)" }

    private func startMaster() throws -> Master {
        var config = MasterConfig()
        config.servers = [url]
        config.databasePath = folder + "/master/master.db"
        config.heartbeatInterval = 0.2
        config.queuePollInterval = 0.2
        config.storeInterval = 0.1
        let master = try Master(
            config: config, logger: Logger(component: "master", sink: LogSink(minimumLevel: .error)))
        try master.start()
        return master
    }

    private func publishResult(_ jobID: String) throws {
        // Recent: the master prunes by retention at start.
        let result = MasterFixtures.result(jobID, finishedAt: Timestamp.nowNanoseconds())
        _ = try JetStreamContext(connection: publisher).publish(
            result.subject, payload: MessageCoding.encode(result), msgID: "result-\(jobID)-1")
    }

    func testHeartbeatsMakeANodeThatGoesOfflineWhenTheyStop() throws {
        let master = try startMaster()
        defer { master.stop() }
        let heartbeat = MasterFixtures.heartbeat("node-7")
        try publisher.publish(heartbeat.subject, payload: MessageCoding.encode(heartbeat))
        XCTAssertTrue(eventually { master.fleet.nodes.count == 1 })
        let node = try XCTUnwrap(master.fleet.nodes.first)
        XCTAssertEqual(master.fleet.status(of: node), "available")
        XCTAssertTrue(eventually(timeout: .seconds(3)) { master.fleet.status(of: master.fleet.nodes[0]) == "offline" })
        XCTAssertEqual(try master.store.knownNodes().map { $0["node_id"].string }, ["node-7"])
    }

    func testEventsAndResultsAreStoredAndQueueDepthIsRead() throws {
        let master = try startMaster()
        defer { master.stop() }
        let event = MasterFixtures.event("job-1", .started, at: Timestamp.nowNanoseconds())
        _ = try JetStreamContext(connection: publisher).publish(event.subject, payload: MessageCoding.encode(event))
        try publishResult("job-1")
        _ = try JetStreamContext(connection: publisher).publish("job.cpu", payload: Array("{}".utf8))
        XCTAssertTrue(try eventually { try master.store.job("job-1")?["state"].string == "succeeded" })
        XCTAssertTrue(eventually { master.fleet.queues.first { $0.capability == "cpu" }?.pending == 1 })
        XCTAssertEqual(master.fleet.counters.results, 1)
        XCTAssertEqual(master.fleet.counters.events, 1)
    }

    func testARestartedMasterCatchesUpAndStoresNothingTwice() throws {
        var master = try startMaster()
        for index in 0..<3 { try publishResult("job-\(index)") }
        XCTAssertTrue(try eventually { try master.store.results(MasterStore.ResultFilter()).count == 3 })
        master.stop()
        for index in 3..<8 { try publishResult("job-\(index)") }  // while no master runs
        master = try startMaster()
        defer { master.stop() }
        XCTAssertTrue(try eventually { try master.store.results(MasterStore.ResultFilter()).count == 8 })
        Clock.sleep(seconds: 0.3)
        XCTAssertEqual(try master.store.results(MasterStore.ResultFilter()).count, 8)
        XCTAssertEqual(master.fleet.counters.results, 5, "only the missed ones came after the restart")
    }

    func testAHeartbeatNamingAnotherNodeThanItsSubjectIsRefusedAndCounted() throws {
        let master = try startMaster()
        defer { master.stop() }
        let forged = MasterFixtures.heartbeat("victim-7")
        try publisher.publish("hb.attacker", payload: MessageCoding.encode(forged))
        var absurd = MasterFixtures.telemetry("node-1")
        absurd.power = [TelemetrySample.PowerReading(domain: "cpu", watts: 50_000, source: .rapl)]
        try publisher.publish("metrics.node-1", payload: MessageCoding.encode(absurd))
        let honest = MasterFixtures.heartbeat("node-1")
        try publisher.publish(honest.subject, payload: MessageCoding.encode(honest))
        XCTAssertTrue(eventually { master.fleet.nodes.count == 1 })
        XCTAssertTrue(eventually { master.fleet.counters.refused.values.reduce(0, +) == 2 })
        XCTAssertEqual(master.fleet.nodes.map(\.heartbeat.nodeID), ["node-1"])
        XCTAssertNil(master.fleet.nodes.first?.telemetry, "the absurd sample is not shown")
        let metrics = try MasterAPI(master: master).metrics()
        XCTAssertTrue(
            metrics.contains(#"ffrtmp_master_messages_refused_total{kind="heartbeat",reason="node_mismatch"} 1"#))
        XCTAssertTrue(metrics.contains(#"ffrtmp_master_messages_refused_total{kind="telemetry",reason="bad_power"} 1"#))
    }

    func testAForgedResultDoesNotHideTheRealOne() throws {
        let master = try startMaster()
        defer { master.stop() }
        let jetStream = JetStreamContext(connection: publisher)
        let now = Timestamp.nowNanoseconds()
        let started = JobEvent(jobID: "job-1", nodeID: "node-1", state: .started, at: now, attempt: 1)
        _ = try jetStream.publish(started.subject, payload: MessageCoding.encode(started))
        XCTAssertTrue(try eventually { try master.store.job("job-1")?["state"].string == "started" })
        // First the attacker's own result for the job, then one naming the real node.
        var forged = MasterFixtures.result("job-1", node: "attacker", finishedAt: now)
        forged.energy?.totalJoules = 1
        _ = try jetStream.publish("result.attacker", payload: MessageCoding.encode(forged), msgID: "forged-1")
        forged.nodeID = "node-1"
        _ = try jetStream.publish("result.attacker", payload: MessageCoding.encode(forged), msgID: "forged-2")
        let real = MasterFixtures.result("job-1", node: "node-1", finishedAt: now)
        _ = try jetStream.publish(real.subject, payload: MessageCoding.encode(real), msgID: "result-job-1-1")
        XCTAssertTrue(try eventually { try master.store.job("job-1")?["state"].string == "succeeded" })
        let stored = try master.store.results(ofJob: "job-1")
        XCTAssertEqual(stored.count, 1)
        XCTAssertEqual(try MessageCoding.decode(JobResult.self, from: Array(stored[0].utf8)).energy?.totalJoules, 12)
        XCTAssertEqual(master.fleet.counters.refused[MessageRefusal(kind: "result", reason: "not_assigned")], 1)
        XCTAssertEqual(master.fleet.counters.refused[MessageRefusal(kind: "result", reason: "node_mismatch")], 1)
    }

    func testAStartedEventNotOnItsNodesSubjectIsIgnoredAndCounted() throws {
        let master = try startMaster()
        defer { master.stop() }
        let jetStream = JetStreamContext(connection: publisher)
        let now = Timestamp.nowNanoseconds()
        // Without roles on the broker the attacker may publish anywhere: it claims job-1's attempt for
        // itself on another node's subject, and in the older form without a node token.
        let claim = JobEvent(jobID: "job-1", nodeID: "attacker", state: .started, at: now, attempt: 1)
        _ = try jetStream.publish("evt.job.job-1.started.node-1", payload: MessageCoding.encode(claim))
        _ = try jetStream.publish("evt.job.job-1.started", payload: MessageCoding.encode(claim))
        let real = JobEvent(jobID: "job-1", nodeID: "node-1", state: .started, at: now, attempt: 1)
        XCTAssertEqual(real.subject, "evt.job.job-1.started.node-1")
        _ = try jetStream.publish(real.subject, payload: MessageCoding.encode(real))
        XCTAssertTrue(try eventually { try master.store.job("job-1")?["node_id"].string == "node-1" })
        XCTAssertTrue(
            eventually { master.fleet.counters.refused[MessageRefusal(kind: "event", reason: "node_mismatch")] == 2 })
        XCTAssertEqual(try master.store.startedNode(ofJob: "job-1", attempt: 1), "node-1")
        XCTAssertEqual(master.fleet.counters.events, 1)
    }

    func testAJobOutOfDeliveriesIsMarkedFailedWithTheReason() throws {
        let master = try startMaster()
        defer { master.stop() }
        let jetStream = JetStreamContext(connection: publisher)
        _ = try jetStream.addOrUpdateConsumer(
            stream: FleetTopology.jobsStream,
            ConsumerConfig(
                durableName: "few", ackWait: .milliseconds(200), maxDeliver: 2, filterSubject: "job.few"))
        _ = try jetStream.publish("job.few", payload: Array(#"{"id":"job-dead"}"#.utf8), msgID: "job-dead")
        let subscription = try jetStream.pullSubscribe(stream: FleetTopology.jobsStream, consumer: "few")
        for attempt in 1...2 {
            let started = JobEvent(
                jobID: "job-dead", nodeID: "node-1", state: .started, at: Timestamp.nowNanoseconds(), attempt: attempt)
            _ = try jetStream.publish(started.subject, payload: MessageCoding.encode(started))
            XCTAssertEqual(try subscription.fetch(batch: 1, expires: .seconds(2)).count, 1)  // never acknowledged
        }
        XCTAssertTrue(try eventually { try master.store.job("job-dead")?["state"].string == "failed" })
        let job = try XCTUnwrap(master.store.job("job-dead"))
        XCTAssertEqual(job["message"].string, "max deliveries reached (2 attempts)")
        XCTAssertEqual(job["attempt"].int, 2)
        XCTAssertEqual(try master.store.events(ofJob: "job-dead").last?["message"].string, job["message"].string)
        // Counted once: the master follows the advisory stream setUp declared, not the subjects too.
        XCTAssertTrue(eventually { master.fleet.counters.deadLetters > 0 })
        XCTAssertEqual(master.fleet.counters.deadLetters, 1)
    }

    func testATerminatedJobIsMarkedFailedWithTheAdvisorysReason() throws {
        let master = try startMaster()
        defer { master.stop() }
        let jetStream = JetStreamContext(connection: publisher)
        let stored = try jetStream.publish(
            "job.kept", payload: Array(#"{"scenario":"no id in the spec"}"#.utf8), msgID: "job-termed")
        let advisory = """
            {"type":"io.nats.jetstream.advisory.v1.terminated","id":"x","timestamp":"2026-01-01T00:00:00Z",
            "stream":"JOBS","consumer":"cpu","consumer_seq":1,"stream_seq":\(stored.sequence),"deliveries":1,
            "reason":"input unreadable","domain":""}
            """
        try publisher.publish("$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.JOBS.cpu", payload: Array(advisory.utf8))
        try publisher.publish(
            "$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.JOBS.cpu",
            payload: Array(advisory.replacingOccurrences(of: "\(stored.sequence)", with: "999999").utf8))
        XCTAssertTrue(try eventually { try master.store.job("job-termed")?["state"].string == "failed" })
        XCTAssertEqual(try master.store.job("job-termed")?["message"].string, "terminated: input unreadable")
        XCTAssertTrue(
            eventually { master.fleet.counters.refused[MessageRefusal(kind: "advisory", reason: "unknown_job")] == 1 })
    }

    func testWithoutTheAdvisoryStreamTheMasterSubscribesToTheAdvisoriesThemselves() throws {
        let jetStream = JetStreamContext(connection: publisher)
        try jetStream.deleteStream(DeadLetter.streamName)
        let master = try startMaster()
        defer { master.stop() }
        let stored = try jetStream.publish(
            "job.kept", payload: Array(#"{"id":"job-heard"}"#.utf8), msgID: "job-heard")
        let advisory = #"{"stream":"JOBS","consumer":"cpu","stream_seq":\#(stored.sequence),"deliveries":5}"#
        try publisher.publish("$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.JOBS.cpu", payload: Array(advisory.utf8))
        XCTAssertTrue(try eventually { try master.store.job("job-heard")?["state"].string == "failed" })
    }

    func testAnAdvisoryCapturedWhileNoMasterRanIsTakenFromItsStream() throws {
        let jetStream = JetStreamContext(connection: publisher)
        // setUp's `ffrtmp setup` declared the stream (no_ack: a stream on $JS subjects must not acknowledge).
        XCTAssertTrue(try jetStream.streamInfo(DeadLetter.streamName).config.noAck)
        let stored = try jetStream.publish(
            "job.kept", payload: Array(#"{"id":"job-missed"}"#.utf8), msgID: "job-missed")
        let advisory = #"{"stream":"JOBS","consumer":"cpu","stream_seq":\#(stored.sequence),"deliveries":5}"#
        try publisher.publish("$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.JOBS.cpu", payload: Array(advisory.utf8))
        XCTAssertTrue(try eventually { try jetStream.streamInfo(DeadLetter.streamName).state.messages == 1 })
        let master = try startMaster()
        defer { master.stop() }
        XCTAssertTrue(try eventually { try master.store.job("job-missed")?["state"].string == "failed" })
        XCTAssertEqual(try master.store.job("job-missed")?["message"].string, "max deliveries reached (5 attempts)")
    }
}
