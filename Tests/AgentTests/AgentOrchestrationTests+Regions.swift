@testable import Agent
import Model
import XCTest

/// Regions (issue 12 item 11): the agent's `--region` goes into its heartbeats and results.
extension AgentOrchestrationTests {
    func testTheAgentsRegionIsInItsHeartbeatsAndResults() throws {
        let heartbeats = Collected<Heartbeat>()
        _ = try observer.subscribe("hb.>") { message in
            if let beat = try? MessageCoding.decode(Heartbeat.self, from: message.payload) { heartbeats.append(beat) }
        }
        try observer.flush()
        try startAgent { $0.region = "eu-west-1" }
        try submit(Job(id: "job-region", scenario: "720p30-h264", durationSeconds: 2))
        let result = try XCTUnwrap(waitForResults(1).first)
        XCTAssertEqual(result.region, "eu-west-1")
        XCTAssertEqual(heartbeats.items.last?.region, "eu-west-1")
    }

    func testARegionThatIsNotANameIsAConfigurationError() {
        var config = AgentConfig(nodeID: "node-1")
        for bad in ["", "eu.west", "-eu", "eu west", String(repeating: "a", count: 65)] {
            config.region = bad
            XCTAssertThrowsError(try config.validate(), "region \"\(bad)\"") { error in
                XCTAssertTrue("\(error)".contains("region"), "\(error)")
            }
        }
        config.region = "us-east_2"
        XCTAssertNoThrow(try config.validate())
    }
}
