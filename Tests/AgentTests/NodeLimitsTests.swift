import Model
import XCTest

@testable import Agent

/// A job asking for more CPU or memory than the node has is rejected with the reason; one asking
/// for none gets the agent's defaults.
final class NodeLimitsTests: XCTestCase {
    private let hardware = Hardware(cpuModel: "test CPU", cores: 2, threads: 4, ramMegabytes: 8192)

    private func spec(cpu: Int? = nil, memory: Int? = nil) throws -> JobSpec {
        var job = Job(id: "job-1", scenario: "720p30-h264")
        job.limits = JobLimits(cpuPercent: cpu, memoryMegabytes: memory)
        return try JobValidator().validate(job).get()
    }

    func testMoreCPUThanTheNodesThreadsIsRefusedNamingTheField() throws {
        let limits = NodeLimits(hardware: hardware)
        XCTAssertNil(limits.refusal(of: try spec(cpu: 400, memory: 8192)))
        let refusal = try XCTUnwrap(limits.refusal(of: try spec(cpu: 401)))
        XCTAssertEqual(refusal.field, "limits.cpu_percent")
        XCTAssertTrue(refusal.reason.contains("4 hardware threads"), refusal.reason)
        XCTAssertEqual(limits.refusal(of: try spec(memory: 8193))?.field, "limits.memory_mb")
        XCTAssertNil(
            NodeLimits(hardware: Hardware(cpuModel: "", cores: 1, threads: 1, ramMegabytes: 0))
                .refusal(of: try spec(memory: 65_536)), "RAM not probed: no memory refusal")
    }

    func testDefaultsApplyOnlyWhereTheJobAsksForNothing() throws {
        let limits = NodeLimits(hardware: hardware, defaultCPUPercent: 150, defaultMemoryMegabytes: 1024)
        let filled = limits.applyingDefaults(to: try spec())
        XCTAssertEqual(filled.cpuPercent, 150)
        XCTAssertEqual(filled.memoryMegabytes, 1024)
        let own = limits.applyingDefaults(to: try spec(cpu: 50, memory: 256))
        XCTAssertEqual(own.cpuPercent, 50)
        XCTAssertEqual(own.memoryMegabytes, 256)
        XCTAssertNil(limits.defaultsProblem)
        XCTAssertNotNil(NodeLimits(hardware: hardware, defaultCPUPercent: 500).defaultsProblem)
        XCTAssertNotNil(NodeLimits(hardware: hardware, defaultMemoryMegabytes: 9000).defaultsProblem)
    }

    func testDefaultLimitsOutsideWhatAJobMayAskAreAConfigurationError() {
        var config = AgentConfig(nodeID: "node-1")
        config.defaultCPUPercent = 0
        XCTAssertThrowsError(try config.validate())
        config.defaultCPUPercent = 100
        config.defaultMemoryMegabytes = 10
        XCTAssertThrowsError(try config.validate())
        config.defaultMemoryMegabytes = 512
        XCTAssertNoThrow(try config.validate())
    }
}
