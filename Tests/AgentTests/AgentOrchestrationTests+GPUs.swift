@testable import Agent
import Model
import Support
import Synchronization
import XCTest

/// A node with two GPUs that proved NVENC, and an executor that notes the GPU each job was told
/// to use and holds each NVENC job until two run at once (or 10 s pass).
final class TwoGPUNode: JobExecutor, NodeProbe, @unchecked Sendable {
    let told = Mutex<[String: Int]>([:])
    let running = Atomic<Int>(0)

    func probe() -> (hardware: Hardware, capabilities: [CapabilityStatus]) {
        let gpus = (0..<2).map {
            Hardware.GPU(index: $0, name: "NVIDIA L4", memoryMegabytes: 23_034, driver: "550", uuid: "GPU-\($0)")
        }
        return (
            Hardware(cpuModel: "test CPU", cores: 2, threads: 2, ramMegabytes: 1024, gpus: gpus),
            [
                CapabilityStatus(name: .cpu, proven: true, probe: "scripted"),
                CapabilityStatus(name: .nvenc, proven: true, probe: "scripted"),
            ]
        )
    }

    func execute(_ spec: JobSpec, control: ExecutionControl) -> ExecutionOutcome {
        told.withLock { $0[spec.id] = control.gpu ?? -1 }
        running.add(1, ordering: .relaxed)
        control.started(Int32(getpid()), nil)
        var outcome = ExecutionOutcome(status: .succeeded, startedAt: Timestamp.nowNanoseconds())
        for _ in 0..<1000 where spec.capability == .nvenc && running.load(ordering: .relaxed) < 2 { usleep(10_000) }
        usleep(100_000)
        outcome.statistics = JobResult.FFmpegStatistics(frames: 60, averageFPS: 120, outputBytes: 1, argv: ["ffmpeg"])
        outcome.finishedAt = Timestamp.nowNanoseconds()
        return outcome
    }
}

extension AgentOrchestrationTests {
    func testTwoNVENCJobsOnATwoGPUNodeRunOneOnEachGPUAndSaySo() throws {
        let node = TwoGPUNode()
        // Three slots: the CPU queue's pull holds one while it waits, and two are left for NVENC jobs.
        try startAgent(slots: 3, executor: node, probe: node)
        for index in 0..<2 {
            try submit(Job(id: "nv-\(index)", scenario: "1080p30-h264-nvenc", durationSeconds: 2))
        }
        let results = waitForResults(2, seconds: 30)
        XCTAssertEqual(results.count, 2)
        let told = node.told.withLock { $0 }
        XCTAssertEqual(Set(told.values), [0, 1], "one job per GPU, not both on the first: \(told)")
        for result in results {
            XCTAssertEqual(result.status, .succeeded)
            XCTAssertEqual(result.gpu?.index, told[result.jobID], "the result names the GPU ffmpeg was told")
            XCTAssertEqual(result.gpu?.uuid, told[result.jobID].map { "GPU-\($0)" })
        }
    }

    func testACPUJobIsGivenNoGPU() throws {
        let node = TwoGPUNode()
        // Two slots: a waiting pull holds one, so with one slot the NVENC queue's pull could keep the
        // CPU job waiting past the test's limit.
        try startAgent(slots: 2, executor: node, probe: node)
        try submit(Job(id: "cpu-1", scenario: "720p30-h264", durationSeconds: 2))
        let result = try XCTUnwrap(waitForResults(1, seconds: 30).first)
        XCTAssertNil(result.gpu)
        XCTAssertEqual(node.told.withLock { $0["cpu-1"] }, -1)
    }
}
