import Broker
import Client
import Fleet
import Foundation
import Model
import Net
import Support
import TestSupport
import XCTest

/// The built `ffrtmp` binary end to end against a broker in this process and a stand-in agent:
/// exit statuses 0/1/2, what `submit`, `cancel` and the master commands print.
final class CommandLineTests: XCTestCase {
    private var broker: TestBroker!
    private var connection: NATSConnection!

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            throw XCTSkip("no ffrtmp binary beside the tests at \(Self.binary) (swift build first)")
        }
        broker = try TestBroker()
        connection = try NATSConnection.connect(url: url)
    }

    override func tearDown() {
        connection?.close()
        broker?.shutdown()
        broker = nil
    }

    private var url: String { "nats://127.0.0.1:\(broker.port)" }

    static var binary: String { FFrtmpBinary.path }

    /// Runs `ffrtmp arguments…`; its exit status, standard output and standard error.
    private func ffrtmp(_ arguments: String...) throws -> (status: Int32, output: String, error: String) {
        try FFrtmpBinary.run(arguments)
    }

    /// Stands in for an agent: takes one job from the cpu queue and reports it succeeded.
    private func answerOneJob() -> pthread_t {
        let url = self.url
        return SystemThread.start(name: "fake-agent") {
            guard let agent = try? NATSConnection.connect(url: url) else { return }
            defer { agent.close() }
            let context = JetStreamContext(connection: agent)
            guard let pull = try? context.pullSubscribe(stream: FleetTopology.jobsStream, consumer: "cpu"),
                let message = try? pull.fetch(batch: 1, expires: .seconds(20)).first,
                let job = try? MessageCoding.decode(Job.self, from: message.payload)
            else { return }
            let started = JobEvent(jobID: job.id, nodeID: "fake", state: .started, at: 1, attempt: 1)
            var result = JobResult(
                jobID: job.id, nodeID: "fake", attempt: 1, status: .succeeded,
                timings: .init(startedAt: 1, finishedAt: 2, wallSeconds: 1.5, cpuSeconds: 3),
                ffmpeg: .init(frames: 60, averageFPS: 40, outputBytes: 1000, argv: ["ffmpeg"]),
                resourceLimitsMode: .none, encoder: .libx264)
            result.energy = EnergyReport(
                components: [], totalJoules: 1500, dynamicJoules: 1000, source: .rapl, joulesPerFrame: 25)
            let done = JobEvent(jobID: job.id, nodeID: "fake", state: .succeeded, at: 3, attempt: 1)
            _ = try? context.publish(started.subject, payload: MessageCoding.encode(started))
            // Events reach `submit --wait` through a stream consumer, the result straight from its
            // subject; a real job runs for a while between the two, so the fake waits a little too
            // (else a loaded machine may deliver the result first and end the wait before `started`).
            usleep(300_000)
            _ = try? context.publish(result.subject, payload: MessageCoding.encode(result))
            _ = try? context.publish(done.subject, payload: MessageCoding.encode(done))
            try? message.ack()
        }
    }

    func testDryRunPrintsTheJobAndABadValueIsAUsageErrorNamingItsFlag() throws {
        let dry = try ffrtmp("submit", "--scenario", "720p30-h264", "--id", "t1", "--duration", "2", "--dry-run")
        XCTAssertEqual(dry.status, 0, dry.error)
        XCTAssertTrue(
            dry.output.hasPrefix(#"{"duration_s":2,"id":"t1","scenario":"720p30-h264","submitted_at":"#), dry.output)
        XCTAssertTrue(dry.output.hasSuffix(#","v":1}"# + "\n"), dry.output)
        let bad = try ffrtmp("submit", "-s", url, "--encoder", "libx264", "--bitrate", "3X")
        XCTAssertEqual(bad.status, 2)
        XCTAssertEqual(
            bad.error, "ffrtmp submit: --bitrate: \"3X\" is not a bitrate such as 3M, 2500k or 800000 (bit/s)\n")
        let refused = try ffrtmp("submit", "--scenario", "720p30-h264", "--crf", "99", "--dry-run")
        XCTAssertEqual(refused.status, 2)
        XCTAssertEqual(refused.error, "ffrtmp submit: crf: must be between 0 and 51 (got 99) (see --crf)\n")
    }

    func testSettleGivesEveryJobItsIdlePeriodAndIsBounded() throws {
        let dry = try ffrtmp(
            "submit", "--id", "s", "--encoders", "libx264,libx265", "--resolution", "160x90", "--fps", "30",
            "--duration", "1", "--settle", "5s", "--dry-run")
        XCTAssertEqual(dry.status, 0, dry.error)
        let jobs = try dry.output.split(separator: "\n").map { line in
            try MessageCoding.decode(Job.self, from: Array(line.utf8))
        }
        XCTAssertEqual(jobs.map(\.settleSeconds), [5, 5])
        let long = try ffrtmp("submit", "--scenario", "720p30-h264", "--settle", "10m", "--dry-run")
        XCTAssertEqual(long.status, 2)
        XCTAssertEqual(long.error, "ffrtmp submit: --settle must be 1 s to 120 s\n")
    }

    func testNameGivesEveryJobTheRunAndRepeatSendsRoundsOfDistinctJobs() throws {
        let dry = try ffrtmp(
            "submit", "--id", "c", "--name", "camp", "--encoders", "libx264,libx265", "--resolution", "160x90",
            "--fps", "30", "--duration", "1", "--repeat", "2", "--dry-run")
        XCTAssertEqual(dry.status, 0, dry.error)
        let jobs = try dry.output.split(separator: "\n").map { line in
            try MessageCoding.decode(Job.self, from: Array(line.utf8))
        }
        XCTAssertEqual(jobs.map(\.id), ["c-libx264-r1", "c-libx265-r1", "c-libx264-r2", "c-libx265-r2"])
        XCTAssertEqual(Set(jobs.map(\.runID)), ["camp"])
        let badName = try ffrtmp("submit", "--scenario", "720p30-h264", "--name", "a.b", "--dry-run")
        XCTAssertEqual(badName.status, 2)
        XCTAssertTrue(badName.error.contains("(see --name)"), badName.error)
        let badRepeat = try ffrtmp("submit", "--scenario", "720p30-h264", "--repeat", "0", "--dry-run")
        XCTAssertEqual(badRepeat.status, 2)
        XCTAssertEqual(badRepeat.error, "ffrtmp submit: --repeat must be 1 to 1000\n")
        let unnamed = try ffrtmp("submit", "--scenario", "720p30-h264", "--confidence", "--dry-run")
        XCTAssertEqual(unnamed.error, "ffrtmp submit: --confidence needs --name: the run it measures\n")
        let both = try ffrtmp("submit", "--scenario", "720p30-h264", "--name", "a", "--confidence", "--repeat", "2")
        XCTAssertEqual(both.error, "ffrtmp submit: --confidence chooses the rounds: no --repeat\n")
    }

    func testWithoutStreamsSubmitSaysToRunSetup() throws {
        let run = try ffrtmp("submit", "-s", url, "--scenario", "720p30-h264", "--id", "nostream")
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(
            run.error.contains("no stream stores job.cpu on \(url) (run `ffrtmp setup -s \(url)` first)"), run.error)
    }

    func testSubmitWaitPrintsTheResultTableAndAResubmitIsADuplicateThatAlreadyEnded() throws {
        _ = try JetStreamSetup(context: JetStreamContext(connection: connection)).applyFleet()
        let agent = answerOneJob()
        let run = try ffrtmp(
            "submit", "-s", url, "--scenario", "720p30-h264", "--id", "w1", "--wait", "--timeout-wait", "30s")
        SystemThread.join(agent)
        XCTAssertEqual(run.status, 0, run.error)
        XCTAssertTrue(
            run.output.hasPrefix("w1: queued on job.cpu (JOBS sequence 1)\nw1  started on fake (attempt 1)\n"),
            run.output)
        XCTAssertTrue(
            run.output.contains("\nw1   succeeded  fake  libx264  -        60  40.0  1.50 s  1.5 kJ       25  rapl\n"),
            run.output)
        XCTAssertTrue(run.output.hasSuffix("\n1 of 1 succeeded\n"), run.output)

        let again = try ffrtmp("submit", "-s", url, "--scenario", "720p30-h264", "--id", "w1", "--wait", "--json")
        XCTAssertEqual(again.status, 0, again.error)
        let lines = again.output.split(separator: "\n").map(String.init)
        XCTAssertEqual(
            lines.first,
            #"{"type":"submitted","job_id":"w1","subject":"job.cpu","stream":"JOBS","sequence":1,"duplicate":true}"#)
        XCTAssertEqual(
            lines.last,
            #"{"type":"summary","submitted":1,"statuses":{"succeeded":1},"pending":[],"timed_out":false,"all_succeeded":true}"#
        )

        let watch = try ffrtmp("watch", "-s", url, "w1")
        XCTAssertEqual(watch.status, 0, watch.error)
        XCTAssertTrue(watch.output.hasPrefix("w1 has already ended: succeeded on fake"), watch.output)
    }

    func testCancelIsStoredAndAnInvalidIdIsAUsageError() throws {
        _ = try JetStreamSetup(context: JetStreamContext(connection: connection)).applyFleet()
        let run = try ffrtmp("cancel", "-s", url, "job-1")
        XCTAssertEqual(run.status, 0, run.error)
        XCTAssertEqual(run.output, "job-1: cancel requested (CONTROL sequence 1)\n")
        let stored = try JetStreamContext(connection: connection).lastMessage(
            stream: FleetTopology.controlStream, subject: "ctl.job.job-1.cancel")
        XCTAssertNotNil(stored)
        XCTAssertEqual(try ffrtmp("cancel", "-s", url, "bad.id").status, 2)
        XCTAssertEqual(try ffrtmp("cancel").status, 2)
    }

    func testTheMasterCommandsSayWhenNoMasterAnswers() throws {
        let (listener, port) = try Socket.listen(host: "127.0.0.1", port: 0)
        Socket.close(listener)
        for command in ["jobs", "nodes", "results"] {
            let run = try ffrtmp(command, "--master", "127.0.0.1:\(port)", "--timeout", "2s")
            XCTAssertEqual(run.status, 1, command)
            XCTAssertEqual(
                run.error,
                "ffrtmp \(command): cannot reach the master at http://127.0.0.1:\(port): connection refused (is "
                    + "`ffrtmp master` running? --master or FFRTMP_MASTER sets its address)\n")
        }
        XCTAssertEqual(try ffrtmp("results", "--csv", "--json").status, 2)
        XCTAssertEqual(try ffrtmp("jobs", "--state", "done").status, 2)
    }

    func testEveryNewCommandHasHelpWithExamples() throws {
        for command in ["submit", "watch", "cancel", "jobs", "nodes", "results"] {
            let help = try ffrtmp(command, "--help")
            XCTAssertEqual(help.status, 0, command)
            XCTAssertTrue(help.output.contains("Examples:\n  ffrtmp \(command)"), command)
            XCTAssertTrue(help.output.contains("Exit status: 0"), command)
        }
    }
}
