import Energy
import XCTest

/// The splitting formulas on hand-computed numbers (docs/energy.md, "Attribution when jobs overlap").
final class AttributionTests: XCTestCase {
    func testCPUEnergySplitsDynamicByCPUTimeAndIdleByAliveShare() {
        // ΔE = 100 J, u = 0.6 → A = 60, I = 40. Host busy 2 s; job a 1 s, job b 0.5 s.
        let split = EnergyAttribution.splitCPU(
            domain: "package", seconds: 1, joules: 100, utilization: 0.6, hostBusySeconds: 2,
            jobs: [
                JobIntervalShare(jobID: "a", cpuSeconds: 1, aliveFraction: 1),
                JobIntervalShare(jobID: "b", cpuSeconds: 0.5, aliveFraction: 1),
            ])
        XCTAssertEqual(split.dynamic, 60, accuracy: 1e-12)
        XCTAssertEqual(split.idle, 40, accuracy: 1e-12)
        XCTAssertEqual(split.jobs["a"]?.dynamic ?? 0, 30, accuracy: 1e-12)
        XCTAssertEqual(split.jobs["b"]?.dynamic ?? 0, 15, accuracy: 1e-12)
        XCTAssertEqual(split.jobs["a"]?.idle ?? 0, 20, accuracy: 1e-12)
        XCTAssertEqual(split.jobs["b"]?.idle ?? 0, 20, accuracy: 1e-12)
        XCTAssertEqual(split.unattributed, 15, accuracy: 1e-12)
    }

    func testJobsNeverGetMoreThanTheDynamicPartWhenTheirCPUTimeOutrunsTheHosts() {
        let split = EnergyAttribution.splitCPU(
            domain: "cpu", seconds: 1, joules: 10, utilization: 1, hostBusySeconds: 0.9,
            jobs: [JobIntervalShare(jobID: "a", cpuSeconds: 1, aliveFraction: 1)])
        XCTAssertEqual(split.jobs["a"]?.total ?? 0, 10, accuracy: 1e-12)
        XCTAssertEqual(split.unattributed, 0, accuracy: 1e-12)
    }

    func testWithNoJobAliveEverythingIsUnattributed() {
        let split = EnergyAttribution.splitCPU(
            domain: "package", seconds: 1, joules: 42, utilization: 0.3, hostBusySeconds: 0.6, jobs: [])
        XCTAssertEqual(split.unattributed, 42)
    }

    func testGPUActiveEnergySplitsByEncoderDecoderAndSMUtilisation() {
        // ΔE = 200 J, P_idle·Δt = 50 → active 150 over weights a 40, b 20, someone else 20.
        let split = EnergyAttribution.splitGPU(
            domain: "gpu0", gpu: 0, seconds: 1, joules: 200, idleJoules: 50, totalWeight: 80,
            jobs: [
                JobIntervalShare(jobID: "a", cpuSeconds: 0, aliveFraction: 1, gpus: [0], gpuWeights: [0: 40]),
                JobIntervalShare(jobID: "b", cpuSeconds: 0, aliveFraction: 1, gpus: [0], gpuWeights: [0: 20]),
                JobIntervalShare(jobID: "c", cpuSeconds: 0, aliveFraction: 1, gpus: [1]),
            ])
        XCTAssertEqual(split.jobs["a"]?.dynamic ?? 0, 75, accuracy: 1e-12)
        XCTAssertEqual(split.jobs["b"]?.dynamic ?? 0, 37.5, accuracy: 1e-12)
        XCTAssertEqual(split.jobs["a"]?.idle ?? 0, 25, accuracy: 1e-12)
        XCTAssertNil(split.jobs["c"], "a job on another GPU gets nothing here")
        XCTAssertEqual(split.unattributed, 37.5, accuracy: 1e-12)
        XCTAssertEqual(split.method, "enc+dec+sm share per process")
    }

    func testGPUEnergySplitsEquallyWithoutPerProcessSamples() {
        let split = EnergyAttribution.splitGPU(
            domain: "gpu0", gpu: 0, seconds: 2, joules: 90, idleJoules: 30, totalWeight: nil,
            jobs: [
                JobIntervalShare(jobID: "a", cpuSeconds: 0, aliveFraction: 1, gpus: [0]),
                JobIntervalShare(jobID: "b", cpuSeconds: 0, aliveFraction: 1, gpus: [0]),
            ])
        XCTAssertEqual(split.jobs["a"], .init(dynamic: 30, idle: 15))
        XCTAssertEqual(split.jobs["b"], .init(dynamic: 30, idle: 15))
        XCTAssertEqual(split.unattributed, 0, accuracy: 1e-12)
    }

    func testGPUIdleLargerThanTheIntervalsEnergyIsCappedAtIt() {
        let split = EnergyAttribution.splitGPU(
            domain: "gpu0", gpu: 0, seconds: 1, joules: 20, idleJoules: 35, totalWeight: nil,
            jobs: [JobIntervalShare(jobID: "a", cpuSeconds: 0, aliveFraction: 1, gpus: [0])])
        XCTAssertEqual(split.idle, 20)
        XCTAssertEqual(split.dynamic, 0)
        XCTAssertEqual(split.jobs["a"]?.total, 20)
    }
}
