import Console
import Foundation
import Model
import XCTest

/// `ffrtmp submit --node`, `--each-node` and `--hardware`: which nodes a job goes to.
final class NodeSelectionTests: XCTestCase {
    /// A node as `/api/nodes` lists it, its heartbeat's provenance carrying `hardware` as its id.
    func node(
        _ id: String, status: String = "available", busy: Int = 0, hardware: String? = nil, nvenc: Bool = false
    ) throws -> MasterRows.Node {
        var heartbeat = ConsoleFixtures.heartbeat(id)
        heartbeat.slotsBusy = busy
        if nvenc { heartbeat.capabilities[1] = CapabilityStatus(name: .nvenc, proven: true, probe: "ffmpeg …") }
        if let hardware {
            heartbeat.provenance = Provenance(hardware: heartbeat.hardware, softwareVersion: "0.5.0")
            heartbeat.provenance?.hardwareID = hardware
        }
        let text = String(decoding: try MessageCoding.encode(heartbeat), as: UTF8.self)
        let row = #"{"node_id":"\#(id)","status":"\#(status)","heartbeat":\#(text)}"#
        return try JSONDecoder().decode(MasterRows.Node.self, from: Data(row.utf8))
    }

    let cpuJob = Job(id: "cmp", scenario: "720p30-h264")
    let gpuJob = Job(id: "gpu", scenario: "1080p30-h264-nvenc")

    func testNodeSendsEveryJobToThatNodesOwnQueueWithoutAskingTheMaster() throws {
        let selection = NodeSelection(node: "gpu-box-2")
        XCTAssertFalse(selection.needsNodeList)
        let routed = try selection.route([cpuJob, gpuJob], nodes: [])
        XCTAssertEqual(routed.map(\.node), ["gpu-box-2", "gpu-box-2"])
        XCTAssertEqual(routed.map(\.subject), ["job.node.gpu-box-2.cpu", "job.node.gpu-box-2.nvenc"])
        XCTAssertEqual(routed.map(\.id), ["cmp", "gpu"], "one copy each, ids unchanged")
    }

    func testEachNodeSendsOneCopyPerLiveNodeProvenForTheJobsCapability() throws {
        let nodes = [
            try node("b", nvenc: true), try node("a", status: "busy"), try node("c", status: "offline"),
            try node("d", status: "draining"),
        ]
        let routed = try NodeSelection(eachNode: true).route([cpuJob, gpuJob], nodes: nodes)
        XCTAssertEqual(routed.map(\.id), ["cmp-a", "cmp-b", "gpu-b"])
        XCTAssertEqual(routed.map(\.subject), ["job.node.a.cpu", "job.node.b.cpu", "job.node.b.nvenc"])
    }

    func testHardwareKeepsOnlyNodesWithThatHardwareIDAndAloneChoosesTheLeastBusy() throws {
        let nodes = [
            try node("a", busy: 3, hardware: "hw-1"), try node("b", busy: 1, hardware: "hw-1"),
            try node("c", busy: 0, hardware: "hw-2"), try node("d", busy: 0),
        ]
        XCTAssertEqual(
            try NodeSelection(eachNode: true, hardwareID: "hw-1").route([cpuJob], nodes: nodes).map(\.node),
            ["a", "b"])
        let one = try NodeSelection(hardwareID: "hw-1").route([cpuJob], nodes: nodes)
        XCTAssertEqual(one.map(\.node), ["b"])
        XCTAssertEqual(one.map(\.id), ["cmp"])
    }

    func testAJobNoLiveNodeCanTakeIsRefusedNamingItsCapability() throws {
        let nodes = [try node("a", hardware: "hw-1")]
        XCTAssertThrowsError(try NodeSelection(eachNode: true).route([gpuJob], nodes: nodes)) { error in
            XCTAssertEqual("\(error)", "no live node has proven nvenc (job gpu); see ffrtmp nodes")
        }
        XCTAssertThrowsError(try NodeSelection(hardwareID: "hw-9").route([cpuJob], nodes: nodes)) { error in
            XCTAssertEqual("\(error)", "no live node with hardware hw-9 has proven cpu (job cmp); see ffrtmp nodes")
        }
    }

    func testContradictoryFlagsAndABadNodeNameAreRefused() {
        XCTAssertThrowsError(try NodeSelection(node: "a", eachNode: true).validate())
        XCTAssertThrowsError(try NodeSelection(node: "a", hardwareID: "hw-1").validate())
        XCTAssertThrowsError(try NodeSelection(node: "job.cpu").validate())
        XCTAssertThrowsError(try NodeSelection(hardwareID: "").validate())
    }

    func testAnEachNodeCopyWhoseIdWouldBeTooLongIsRefused() throws {
        let long = Job(id: String(repeating: "x", count: 60), scenario: "720p30-h264")
        XCTAssertThrowsError(try NodeSelection(eachNode: true).route([long], nodes: [try node("node-7")]))
    }
}
