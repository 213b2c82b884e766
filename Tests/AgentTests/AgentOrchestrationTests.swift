@testable import Agent
import Broker
import Client
import Energy
import Fleet
import Model
import Net
import Support
import Synchronization
import TestSupport
import XCTest

/// A fake ffmpeg: outcomes chosen by the job's labels; "slow" runs until cancelled or 3 s pass.
final class ScriptedExecutor: JobExecutor {
    let runs = Atomic<Int>(0)

    func execute(_ spec: JobSpec, control: ExecutionControl) -> ExecutionOutcome {
        runs.add(1, ordering: .relaxed)
        control.started(Int32(getpid()), nil)
        let start = Timestamp.nowNanoseconds()
        var outcome = ExecutionOutcome(status: .succeeded, startedAt: start)
        if spec.labels["mode"] == "slow" {
            for step in 0..<300 where !control.isCancelled {
                control.progressed(ProgressSnapshot(frame: step, fps: 30, outputSeconds: Double(step) / 100))
                usleep(10_000)
            }
            if control.isCancelled { outcome.status = .cancelled }
        } else if spec.labels["mode"] == "fail" {
            (outcome.status, outcome.error) = (.failed, "scripted failure")
        } else {
            usleep(300_000)  // long enough for the meter to see the job alive
        }
        if outcome.status == .succeeded {
            outcome.statistics = JobResult.FFmpegStatistics(
                frames: 60, averageFPS: 120, speed: 4, outputBytes: 50_000, argv: ["ffmpeg", "(scripted)"])
        }
        outcome.cpuSeconds = 0.1
        outcome.finishedAt = Timestamp.nowNanoseconds()
        return outcome
    }
}

/// cpu proven, nvenc listed but unproven; ffmpeg measures `metrics`.
struct FixedProbe: NodeProbe {
    var metrics: [QualityMetric] = [.psnr, .ssim]

    func probe() -> (hardware: Hardware, capabilities: [CapabilityStatus]) {
        (
            Hardware(cpuModel: "test CPU", cores: 2, threads: 2, ramMegabytes: 1024, gpus: []),
            [
                CapabilityStatus(name: .cpu, proven: true, probe: "scripted"),
                CapabilityStatus(name: .nvenc, proven: false, probe: "scripted", error: "no GPU"),
            ]
        )
    }

    func ffmpegBuild() -> (version: String?, configuration: String?) { ("7.1-test", "--enable-libx264") }

    func qualityMetrics() -> [QualityMetric] { metrics }
}

final class AgentOrchestrationTests: XCTestCase {
    var broker: TestBroker!
    var folder: String!
    var agent: Agent!
    var agentThread: pthread_t?
    var observer: NATSConnection!
    let results = Collected<JobResult>()

    override func setUpWithError() throws {
        folder = "/tmp/ffrtmp-agent-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        broker = try TestBroker(storeDirectory: folder + "/store")
        observer = try NATSConnection.connect(url: url)
        _ = try JetStreamSetup(context: JetStreamContext(connection: observer)).applyFleet()
        let collected = results
        _ = try observer.subscribe("result.>") { message in
            if let result = try? MessageCoding.decode(JobResult.self, from: message.payload) {
                collected.append(result)
            }
        }
        try observer.flush()
    }

    override func tearDown() {
        agent?.drain()
        if let agentThread { SystemThread.join(agentThread) }
        observer?.close()
        broker?.shutdown()
        broker = nil
        try? DurableFiles.removeTree(folder)
    }

    var url: String { "nats://127.0.0.1:\(broker.port)" }

    func startAgent(
        slots: Int = 2, executor: JobExecutor = ScriptedExecutor(), probe: NodeProbe = FixedProbe(),
        configure: (inout AgentConfig) -> Void = { _ in }
    ) throws {
        var config = AgentConfig(nodeID: "node-1")
        config.servers = [url]
        config.maxConcurrentJobs = slots
        config.workDirectory = folder + "/work"
        config.spoolDirectory = folder + "/spool"
        config.heartbeatInterval = 0.2
        config.telemetryBusyInterval = 0.2
        config.progressInterval = 0.1
        config.retryDelay = 0.1
        config.maxAttempts = 2
        configure(&config)
        var energy = EnergyMeterConfiguration()
        energy.nvidia = nil
        energy.tdpWatts = 10
        energy.logger = Logger(component: "energy", sink: LogSink(minimumLevel: .error))
        agent = try Agent(
            config: config, logger: Logger(component: "agent", sink: LogSink(minimumLevel: .error)),
            executor: executor, nodeProbe: probe, meter: EnergyMeter(configuration: energy))
        let agent = agent!
        agentThread = SystemThread.start(name: "agent") { try? agent.run() }
    }

    func submit(_ job: Job, on subject: String? = nil) throws {
        let context = JetStreamContext(connection: observer)
        _ = try context.publish(
            subject ?? job.capability.map(Subjects.job) ?? "job.cpu",
            payload: MessageCoding.encode(job), msgID: job.id)
    }

    func waitForResults(_ count: Int, seconds: Double = 10) -> [JobResult] {
        _ = eventually(timeout: .seconds(seconds)) { results.items.count >= count }
        return results.items
    }

    func testAJobOnTheCPUQueueIsRunAndItsResultPublishedWithEnergyAndEfficiency() throws {
        try startAgent()
        try submit(Job(id: "job-1", scenario: "720p30-h264", durationSeconds: 2))
        let result = try XCTUnwrap(waitForResults(1).first)
        XCTAssertEqual(result.jobID, "job-1")
        XCTAssertEqual(result.status, .succeeded)
        XCTAssertEqual(result.nodeID, "node-1")
        XCTAssertEqual(result.attempt, 1)
        XCTAssertEqual(result.energy?.source, .estimated, "no sensor here: honestly labelled")
        XCTAssertNotNil(result.efficiency.joulesPerFrame)
        XCTAssertNotNil(result.cost)
        let provenance = try XCTUnwrap(result.provenance)
        XCTAssertEqual(provenance.hardwareID, Provenance.hardwareID(of: FixedProbe().probe().hardware))
        XCTAssertEqual(provenance.cpuModel, "test CPU")
        XCTAssertEqual(provenance.ffmpegVersion, "7.1-test")
        XCTAssertEqual(provenance.ffmpegConfiguration, "--enable-libx264")
        XCTAssertEqual(provenance.softwareVersion, Version.current)
        XCTAssertNil(result.throttling?.gpuReasons, "a CPU job asks no GPU")
        // The result is published before the job is acked (a confirmed ack, maybe retried): wait for it.
        let context = JetStreamContext(connection: observer)
        var messages = try context.streamInfo("JOBS").state.messages
        for _ in 0..<100 where messages != 0 {
            usleep(50_000)
            messages = try context.streamInfo("JOBS").state.messages
        }
        XCTAssertEqual(messages, 0, "acked work-queue job leaves the queue")
    }

    func testAnInvalidJobIsRejectedNamingTheFieldAndNeverRetried() throws {
        try startAgent()
        let hostile = Job(
            id: "bad-1", encoder: .libx264, resolution: Resolution(width: 100_000, height: 100_000), durationSeconds: 2)
        try submit(hostile, on: "job.cpu")
        let result = try XCTUnwrap(waitForResults(1).first)
        XCTAssertEqual(result.status, .rejected)
        XCTAssertEqual(result.rejectField, "resolution")
        XCTAssertEqual(result.provenance?.cpuModel, "test CPU", "a rejected result says where, too")
        usleep(300_000)
        XCTAssertEqual(results.items.count, 1, "a rejected job is not redelivered")
    }

    func testAJobAskingForMoreCoresThanTheNodeHasIsRejectedWithTheReason() throws {
        try startAgent()
        var job = Job(id: "big-1", scenario: "720p30-h264", durationSeconds: 2)
        job.limits = JobLimits(cpuPercent: 800)
        try submit(job)
        let result = try XCTUnwrap(waitForResults(1).first)
        XCTAssertEqual(result.status, .rejected)
        XCTAssertEqual(result.rejectField, "limits.cpu_percent")
        XCTAssertTrue(result.error?.contains("2 hardware threads") ?? false, result.error ?? "")
    }

    func testASettledJobReportsItsIdleBaselineAndNetEnergyNextToTheGross() throws {
        try startAgent()
        var job = Job(id: "settled-1", scenario: "720p30-h264", durationSeconds: 2)
        job.settleSeconds = 1
        try submit(job)
        let result = try XCTUnwrap(waitForResults(1).first)
        XCTAssertEqual(result.status, .succeeded, result.error ?? "")
        let energy = try XCTUnwrap(result.energy)
        XCTAssertEqual(energy.source, .estimated, "the baseline comes from the same, estimated, source")
        let baseline = try XCTUnwrap(energy.idleBaselineWatts)
        let net = try XCTUnwrap(energy.netJoules)
        XCTAssertLessThanOrEqual(net, energy.totalJoules)
        if baseline > 0 { XCTAssertLessThan(net, energy.totalJoules) }
        XCTAssertNil(result.implausibleField)
    }

    func testAnNVENCJobStaysQueuedWhenNoAgentProvedNVENC() throws {
        try startAgent()
        try submit(Job(id: "gpu-1", scenario: "1080p30-h264-nvenc"))
        try submit(Job(id: "cpu-1", scenario: "720p30-h264", durationSeconds: 2))
        XCTAssertEqual(waitForResults(1).map(\.jobID), ["cpu-1"])
        let info = try JetStreamContext(connection: observer).consumerInfo(stream: "JOBS", consumer: "nvenc")
        XCTAssertEqual(info.pending, 1, "the nvenc job waits for an agent that proved nvenc")
    }

    func testAFailedRunIsRetriedThenReportedFailed() throws {
        let executor = ScriptedExecutor()
        try startAgent(executor: executor)
        try submit(Job(id: "flaky-1", scenario: "720p30-h264", durationSeconds: 2, labels: ["mode": "fail"]))
        let result = try XCTUnwrap(waitForResults(1).first)
        XCTAssertEqual(result.status, .failed)
        XCTAssertEqual(result.attempt, 2, "handed back once (NAK), reported failed on the last attempt")
        XCTAssertEqual(executor.runs.load(ordering: .relaxed), 2)
    }

    func testACancelRequestStopsARunningJob() throws {
        try startAgent()
        try submit(Job(id: "long-1", scenario: "720p30-h264", durationSeconds: 3, labels: ["mode": "slow"]))
        _ = eventually(timeout: .seconds(5)) { agent.runningCount > 0 }
        _ = try JetStreamContext(connection: observer).publish(Subjects.cancel(jobID: "long-1"), payload: [])
        let result = try XCTUnwrap(waitForResults(1).first)
        XCTAssertEqual(result.status, .cancelled)
    }

    func testAJobCancelledBeforeItStartsIsReportedCancelledWithoutRunning() throws {
        _ = try JetStreamContext(connection: observer).publish(Subjects.cancel(jobID: "early-1"), payload: [])
        let executor = ScriptedExecutor()
        try startAgent(executor: executor)
        try submit(Job(id: "early-1", scenario: "720p30-h264", durationSeconds: 2))
        let result = try XCTUnwrap(waitForResults(1).first)
        XCTAssertEqual(result.status, .cancelled)
        XCTAssertEqual(executor.runs.load(ordering: .relaxed), 0, "the stored cancel request is found before the run")
    }

    func testAJobWithoutACancelRequestRuns() throws {
        _ = try JetStreamContext(connection: observer).publish(Subjects.cancel(jobID: "other-1"), payload: [])
        let executor = ScriptedExecutor()
        try startAgent(executor: executor)
        try submit(Job(id: "plain-1", scenario: "720p30-h264", durationSeconds: 2))
        let result = try XCTUnwrap(waitForResults(1).first)
        XCTAssertEqual(result.status, .succeeded, "another job's cancel request does not stop this one")
        XCTAssertEqual(executor.runs.load(ordering: .relaxed), 1)
    }

    func testDrainingFinishesTheRunningJobThenStops() throws {
        try startAgent(slots: 1)
        try submit(Job(id: "long-2", scenario: "720p30-h264", durationSeconds: 3, labels: ["mode": "slow"]))
        _ = eventually(timeout: .seconds(5)) { agent.runningCount > 0 }
        agent.drain()
        XCTAssertEqual(agent.currentPhase, .draining)
        let result = try XCTUnwrap(waitForResults(1).first)
        XCTAssertEqual(result.status, .succeeded, "the running job finishes")
        if let agentThread { SystemThread.join(agentThread) }
        agentThread = nil
        XCTAssertEqual(agent.currentPhase, .stopped)
    }

    func testAJobAPullWaitingWhenDrainingBeganReceivesIsHandedBackNotRun() throws {
        let executor = ScriptedExecutor()
        try startAgent(slots: 2, executor: executor)
        try submit(Job(id: "long-3", scenario: "720p30-h264", durationSeconds: 3, labels: ["mode": "slow"]))
        _ = eventually(timeout: .seconds(5)) { agent.runningCount > 0 }
        agent.drain()
        // The second slot's pull (2 s expiry) is still waiting at the broker: it gets this job.
        try submit(Job(id: "late-1", scenario: "720p30-h264", durationSeconds: 2))
        if let agentThread { SystemThread.join(agentThread) }
        agentThread = nil
        XCTAssertEqual(results.items.map(\.jobID), ["long-3"], "only the job running before the drain finishes")
        XCTAssertEqual(executor.runs.load(ordering: .relaxed), 1)
        let context = JetStreamContext(connection: observer)
        XCTAssertEqual(try context.streamInfo("JOBS").state.messages, 1, "late-1 is still queued")
        // Handed back with a NAK: available again at once, not only after the 30 s ack wait.
        let again = try context.pullSubscribe(stream: "JOBS", consumer: "cpu").fetch(batch: 1, expires: .seconds(2))
        XCTAssertEqual(again.map(\.metadata.deliveryCount), [2])
    }

    func testHeartbeatsAndTelemetryArePublished() throws {
        let heartbeats = Collected<Heartbeat>()
        _ = try observer.subscribe("hb.>") { message in
            if let beat = try? MessageCoding.decode(Heartbeat.self, from: message.payload) { heartbeats.append(beat) }
        }
        let samples = Atomic<Int>(0)
        _ = try observer.subscribe("metrics.node-1") { _ in samples.add(1, ordering: .relaxed) }
        try observer.flush()
        try startAgent()
        usleep(700_000)
        let beat = try XCTUnwrap(heartbeats.items.last)
        XCTAssertEqual(beat.nodeID, "node-1")
        XCTAssertEqual(beat.capabilities.first { $0.name == .cpu }?.proven, true)
        XCTAssertEqual(beat.capabilities.first { $0.name == .nvenc }?.proven, false)
        XCTAssertEqual(beat.state, .available)
        XCTAssertEqual(beat.provenance?.ffmpegVersion, "7.1-test")
        XCTAssertNil(beat.provenance?.ffmpegConfiguration, "the 8 KB build flags go with results, not every heartbeat")
        XCTAssertGreaterThan(samples.load(ordering: .relaxed), 0)
    }
}

/// Values gathered from handler threads.
final class Collected<Value: Sendable>: Sendable {
    private let values = Mutex<[Value]>([])
    func append(_ value: Value) { values.withLock { $0.append(value) } }
    var items: [Value] { values.withLock { $0 } }
}
