import Model
import XCTest

/// A job sent to one node: its `node` field, its subject and the validator's check.
final class NodeRoutingTests: XCTestCase {
    func testAJobForANodeIsQueuedOnThatNodesSubjectAndKeepsItThroughValidation() throws {
        let job = Job(id: "j1", scenario: "1080p30-h264-nvenc", node: "gpu-2")
        XCTAssertEqual(job.subject, "job.node.gpu-2.nvenc")
        XCTAssertEqual(Job(id: "j1", scenario: "720p30-h264").subject, "job.cpu")
        let decoded = try MessageCoding.decode(Job.self, from: MessageCoding.encode(job))
        XCTAssertEqual(decoded.node, "gpu-2")
        let spec = try JobValidator().validate(decoded).get()
        XCTAssertEqual(spec.node, "gpu-2")
        XCTAssertEqual(spec.subject, "job.node.gpu-2.nvenc")
        XCTAssertEqual(spec.job.node, "gpu-2", "the explicit job keeps its node")
    }

    func testANodeThatIsNotAnIdentifierIsRejectedNamingTheField() {
        let job = Job(id: "j1", scenario: "720p30-h264", node: "a.b")
        guard case .failure(let rejection) = JobValidator().validate(job) else { return XCTFail("accepted a.b") }
        XCTAssertEqual(rejection.field, "node")
    }

    func testNodeSubjectsAndTheirWildcard() {
        XCTAssertEqual(Subjects.job(.qsv, node: "n1"), "job.node.n1.qsv")
        XCTAssertEqual(Subjects.job(.qsv, node: nil), "job.qsv")
        XCTAssertEqual(Subjects.nodeJobs(nodeID: "n1"), "job.node.n1.>")
    }
}
