@testable import Agent
import Client
import Model
import XCTest

/// Jobs sent to one node (`ffrtmp submit --node`): the agent pulls its own node queue too.
extension AgentOrchestrationTests {
    func testAJobSentToThisNodeRunsFromItsOwnQueueAndOneForAnotherNodeWaits() throws {
        try startAgent()
        let mine = Job(id: "mine", scenario: "720p30-h264", durationSeconds: 2, node: "node-1")
        let theirs = Job(id: "theirs", scenario: "720p30-h264", durationSeconds: 2, node: "node-2")
        try submit(theirs, on: theirs.subject)
        try submit(mine, on: mine.subject)
        let result = try XCTUnwrap(waitForResults(1).first)
        XCTAssertEqual(result.jobID, "mine")
        XCTAssertEqual(result.nodeID, "node-1")
        XCTAssertEqual(result.status, .succeeded)
        let context = JetStreamContext(connection: observer)
        let own = try context.consumerInfo(stream: "JOBS", consumer: "node-1")
        XCTAssertEqual(own.config.filterSubject, "job.node.node-1.>", "the agent made its own node consumer")
        usleep(500_000)
        XCTAssertEqual(results.items.map(\.jobID), ["mine"], "node-2's job is not node-1's to run")
        XCTAssertEqual(try context.streamInfo("JOBS").state.messages, 1, "node-2's job waits for node-2")
    }

    func testAJobSentToThisNodeForACapabilityItDidNotProveIsRejectedSayingSo() throws {
        try startAgent()
        let job = Job(id: "gpu-here", scenario: "1080p30-h264-nvenc", node: "node-1")
        try submit(job, on: job.subject)
        let result = try XCTUnwrap(waitForResults(1).first)
        XCTAssertEqual(result.status, .rejected)
        XCTAssertEqual(result.rejectField, "encoder")
        XCTAssertTrue(result.error?.contains("node node-1 has not proven") ?? false, result.error ?? "")
    }

    func testANodeNamedLikeACapabilityQueueIsRefused() {
        var config = AgentConfig(nodeID: "nvenc")
        config.servers = [url]
        XCTAssertThrowsError(try config.validate())
    }
}
