@testable import Agent
import Model
import XCTest

/// Withdrawing a capability after hardware failures, and giving it back after a probe.
final class CapabilityHealthTests: XCTestCase {
    let second: UInt64 = 1_000_000_000

    func testHardwareErrorsAreToldFromBadInput() {
        XCTAssertTrue(
            HardwareFailure.isHardwareFailure(
                "ffmpeg exited with status 1: [h264_nvenc @ 0x55d0] OpenEncodeSessionEx failed: no encode device (1)"))
        XCTAssertTrue(HardwareFailure.isHardwareFailure("[AVHWDeviceContext @ 0x1] cu->cuInit(0) failed -> CUDA_ERROR"))
        XCTAssertTrue(
            HardwareFailure.isHardwareFailure("Failed to initialise VAAPI connection: -1 (unknown libva error)"))
        XCTAssertFalse(HardwareFailure.isHardwareFailure("/data/in.mp4: No such file or directory"))
        XCTAssertFalse(HardwareFailure.isHardwareFailure("in.mp4: Invalid data found when processing input"))
        XCTAssertFalse(
            HardwareFailure.isHardwareFailure("Error while opening encoder - maybe incorrect parameters such as width"))
    }

    func testKHardwareFailuresInARowWithdrawTheCapabilityAndASuccessResetsTheCount() {
        var health = CapabilityHealth(threshold: 3, baseDelaySeconds: 30, maximumDelaySeconds: 120)
        XCTAssertFalse(health.noteJob(.nvenc, succeeded: false, hardwareError: "cuInit failed", now: 0))
        XCTAssertFalse(health.noteJob(.nvenc, succeeded: false, hardwareError: "cuInit failed", now: 0))
        XCTAssertFalse(health.noteJob(.nvenc, succeeded: true, hardwareError: nil, now: 0))
        XCTAssertFalse(health.noteJob(.nvenc, succeeded: false, hardwareError: nil, now: 0), "a bad input")
        XCTAssertFalse(health.noteJob(.nvenc, succeeded: false, hardwareError: "cuInit failed", now: 0))
        XCTAssertFalse(health.noteJob(.nvenc, succeeded: false, hardwareError: "cuInit failed", now: 0))
        XCTAssertFalse(health.isWithdrawn(.nvenc))
        XCTAssertTrue(health.noteJob(.nvenc, succeeded: false, hardwareError: "cuInit failed", now: 0))
        XCTAssertTrue(health.isWithdrawn(.nvenc))
        XCTAssertFalse(health.isWithdrawn(.cpu))
    }

    func testProbesBackOffExponentiallyUpToTheCapAndAPassingProbeGivesTheCapabilityBack() {
        var health = CapabilityHealth(threshold: 1, baseDelaySeconds: 30, maximumDelaySeconds: 100)
        XCTAssertTrue(health.noteJob(.qsv, succeeded: false, hardwareError: String(repeating: "e", count: 900), now: 0))
        XCTAssertEqual(health.withdrawals[.qsv]?.reason.count, CapabilityHealth.maximumReasonLength)
        XCTAssertFalse(health.isProbeDue(.qsv, now: 29 * second))
        XCTAssertTrue(health.isProbeDue(.qsv, now: 30 * second))
        var now = 30 * second
        var waits: [UInt64] = []
        for _ in 0..<4 {
            health.noteProbe(.qsv, passed: false, now: now)
            let due = health.withdrawals[.qsv]!.probeDueAt
            waits.append((due - now) / second)
            now = due
        }
        XCTAssertEqual(waits, [60, 100, 100, 100], "doubling, capped")
        health.noteProbe(.qsv, passed: true, now: now)
        XCTAssertFalse(health.isWithdrawn(.qsv))
    }

    func testTheHeartbeatShowsAWithdrawnCapabilityUnprovenWithItsReason() {
        var health = CapabilityHealth(threshold: 1, baseDelaySeconds: 30, maximumDelaySeconds: 100)
        _ = health.noteJob(.cpu, succeeded: false, hardwareError: "device failed", now: 0)
        let reported = health.reported([
            CapabilityStatus(name: .cpu, proven: true, probe: "p"),
            CapabilityStatus(name: .nvenc, proven: true, probe: "p"),
        ])
        XCTAssertEqual(
            reported[0],
            CapabilityStatus(name: .cpu, proven: false, probe: "p", error: "device failed", withdrawn: true))
        XCTAssertEqual(reported[1], CapabilityStatus(name: .nvenc, proven: true, probe: "p"))
    }
}
