@testable import Agent
import Client
import Model
import Support
import Synchronization
import XCTest

/// A fake encoder whose device can break: while broken every job fails as NVENC does without its
/// GPU, and the probe fails too; once repaired both pass.
final class BreakableHardware: JobExecutor, NodeProbe, @unchecked Sendable {
    let broken = Atomic<Bool>(true)
    let failedProbes = Atomic<Int>(0)
    let scripted = ScriptedExecutor()
    static let error =
        "ffmpeg exited with status 1: [h264_nvenc @ 0x55d0] OpenEncodeSessionEx failed: no encode device (1)"

    func execute(_ spec: JobSpec, control: ExecutionControl) -> ExecutionOutcome {
        guard broken.load(ordering: .relaxed) else { return scripted.execute(spec, control: control) }
        return ExecutionOutcome(status: .failed, error: Self.error)
    }

    func probe() -> (hardware: Hardware, capabilities: [CapabilityStatus]) { FixedProbe().probe() }

    func reprobe(_ capability: Capability) -> CapabilityStatus {
        guard broken.load(ordering: .relaxed) else {
            return CapabilityStatus(name: capability, proven: true, probe: "p")
        }
        failedProbes.add(1, ordering: .relaxed)
        return CapabilityStatus(name: capability, proven: false, probe: "p", error: Self.error)
    }
}

extension AgentOrchestrationTests {
    func testBrokenHardwareIsWithdrawnSaysWhyAndIsPulledAgainOnceAProbePasses() throws {
        let hardware = BreakableHardware()
        let heartbeats = Collected<Heartbeat>()
        _ = try observer.subscribe("hb.>") { message in
            if let heartbeat = try? MessageCoding.decode(Heartbeat.self, from: message.payload) {
                heartbeats.append(heartbeat)
            }
        }
        try startAgent(slots: 1, executor: hardware, probe: hardware) { config in
            config.withdrawAfterHardwareFailures = 2
            config.reprobeDelay = 0.2
            config.maximumReprobeDelay = 0.4
        }
        try submit(Job(id: "hw-1", scenario: "720p30-h264", durationSeconds: 2))
        XCTAssertEqual(waitForResults(1).map(\.status), [.failed], "two attempts, both failed on the device")
        let deadline = Clock.monotonicNanoseconds() + 10_000_000_000
        func withdrawnCPU() -> CapabilityStatus? {
            heartbeats.items.last?.capabilities.first { $0.name == .cpu && $0.withdrawn == true }
        }
        while withdrawnCPU() == nil && Clock.monotonicNanoseconds() < deadline { usleep(20_000) }
        let withdrawn = try XCTUnwrap(withdrawnCPU(), "the heartbeat says the capability is withdrawn")
        XCTAssertFalse(withdrawn.proven)
        XCTAssertEqual(withdrawn.error, BreakableHardware.error)
        try submit(Job(id: "after-1", scenario: "720p30-h264", durationSeconds: 2))
        while hardware.failedProbes.load(ordering: .relaxed) < 2 && Clock.monotonicNanoseconds() < deadline {
            usleep(20_000)
        }
        XCTAssertGreaterThanOrEqual(hardware.failedProbes.load(ordering: .relaxed), 2, "re-probed while broken")
        XCTAssertEqual(results.items.count, 1, "nothing pulled while withdrawn")
        hardware.broken.store(false, ordering: .relaxed)
        let results = waitForResults(2)
        XCTAssertEqual(results.last?.jobID, "after-1")
        XCTAssertEqual(results.last?.status, .succeeded, "pulled again once the probe passed")
    }
}
