import Broker
import Foundation
import Support
import TestSupport
import XCTest

@testable import Doctor

/// cgroups, disk, the broker, and the report's output and exit status.
final class DoctorSystemTests: XCTestCase {
    func testWithoutCgroupV2TheCheckSaysSoAsAWarningNotAFailure() throws {
        let tree = try FakeTree()
        try tree.write("proc/self/mounts", "cgroup /sys/fs/cgroup/cpu cgroup rw,cpu 0 0\n")
        var configuration = DoctorConfiguration()
        configuration.cgroupRoot = tree.path + "/cgroup"
        configuration.procRoot = tree.path + "/proc"
        let checks = Doctor.controlGroupChecks(configuration)
        XCTAssertEqual(checks.map(\.state), [.warning])
        XCTAssertTrue(checks[0].detail.contains("no cgroup v2") && checks[0].detail.contains("cgroup v1"))
        XCTAssertEqual(DoctorReport(checks: checks).exitStatus, 0)
    }

    func testWithCgroupV2AWritableOwnCgroupIsDelegated() throws {
        let tree = try FakeTree()
        try tree.write("cgroup/cgroup.controllers", "cpuset cpu io memory pids\n")
        try tree.write("cgroup/system.slice/ffrtmp-agent.service/cgroup.subtree_control", "")
        try tree.write("proc/self/cgroup", "0::/system.slice/ffrtmp-agent.service\n")
        var configuration = DoctorConfiguration()
        configuration.cgroupRoot = tree.path + "/cgroup"
        configuration.procRoot = tree.path + "/proc"
        let checks = Doctor.controlGroupChecks(configuration)
        XCTAssertEqual(checks.map(\.state), [.passed, .passed], checks.map(\.detail).description)
        XCTAssertTrue(checks[1].detail.contains("/system.slice/ffrtmp-agent.service"), checks[1].detail)
    }

    func testAWorkDirWithLessThanMinFreeFails() throws {
        let tree = try FakeTree()
        var configuration = DoctorConfiguration()
        configuration.workDirectory = tree.path + "/not/made/yet"
        configuration.minimumFreeBytes = Int64.max
        let checks = Doctor.diskChecks(configuration)
        XCTAssertEqual(checks.map(\.state), [.failed])
        XCTAssertTrue(checks[0].detail.contains("not made yet"), checks[0].detail)
        configuration.minimumFreeBytes = 1
        XCTAssertEqual(Doctor.diskChecks(configuration).map(\.state), [.passed])
    }

    func testAnUnreachableBrokerFailsAndSaysSo() throws {
        var configuration = DoctorConfiguration()
        configuration.serverURL = "nats://127.0.0.1:1"
        configuration.timeoutSeconds = 2
        let checks = Doctor.brokerChecks(configuration)
        XCTAssertEqual(checks.map(\.state), [.failed])
        XCTAssertTrue(checks[0].detail.contains("127.0.0.1:1"), checks[0].detail)
        XCTAssertEqual(DoctorReport(checks: checks).exitStatus, 1)
        XCTAssertTrue(DoctorReport(checks: checks).text.contains("[FAILED] reachable"))
    }

    func testAReachableBrokerWithJetStreamPasses() throws {
        let broker = try TestBroker()
        defer { broker.shutdown() }
        var configuration = DoctorConfiguration()
        configuration.serverURL = "nats://127.0.0.1:\(broker.port)"
        let checks = Doctor.brokerChecks(configuration)
        XCTAssertEqual(checks.map(\.state), [.passed], checks.map(\.detail).description)
        XCTAssertTrue(checks[0].detail.contains("JetStream on"), checks[0].detail)
    }

    func testTheJSONReportIsOneObjectWithEveryCheck() throws {
        let report = DoctorReport(checks: [
            DoctorCheck(area: "power", name: "NVIDIA", state: .notPresent, detail: "no \"GPU\""),
            DoctorCheck(area: "disk", name: "work dir", state: .failed, detail: "full", fix: "free space"),
        ])
        let parsed = try XCTUnwrap(
            JSONSerialization.jsonObject(with: Data(report.json.utf8)) as? [String: Any])
        XCTAssertEqual(parsed["ok"] as? Bool, false)
        let checks = try XCTUnwrap(parsed["checks"] as? [[String: Any]])
        XCTAssertEqual(checks.map { $0["state"] as? String }, ["not-present", "failed"])
        XCTAssertEqual(checks[0]["detail"] as? String, "no \"GPU\"")
        XCTAssertEqual(checks[1]["fix"] as? String, "free space")
    }
}
