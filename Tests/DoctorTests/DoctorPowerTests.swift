import Energy
import XCTest

@testable import Doctor

/// The power checks on fake sysfs trees and a fake nvidia-smi.
final class DoctorPowerTests: XCTestCase {
    private func configuration(_ tree: FakeTree, refusing: Set<String> = []) -> DoctorConfiguration {
        var configuration = DoctorConfiguration()
        configuration.powercapRoot = tree.path + "/powercap"
        configuration.nvidiaSMIPath = tree.path + "/bin/nvidia-smi"
        configuration.nvmlLibraryPath = nil
        configuration.files = RefusingFiles(refused: refusing)
        configuration.timeoutSeconds = 5
        return configuration
    }

    func testReadableZonesPassAndNameWhatIsRead() throws {
        let tree = try FakeTree()
        try tree.raplZone("intel-rapl:0", name: "package-0")
        try tree.raplZone("intel-rapl:1", name: "package-1")
        let check = Doctor.raplCheck(configuration(tree))
        XCTAssertEqual(check.state, .passed, check.detail)
        XCTAssertTrue(check.detail.contains("package-0 (intel-rapl:0)") && check.detail.contains("package-1"))
    }

    func testAPermissionDeniedZoneFailsWithTheUdevAndTmpfilesFix() throws {
        let tree = try FakeTree()
        try tree.raplZone("intel-rapl:0", name: "package-0")
        let check = Doctor.raplCheck(
            configuration(tree, refusing: [tree.path + "/powercap/intel-rapl:0/energy_uj"]))
        XCTAssertEqual(check.state, .failed)
        XCTAssertTrue(check.detail.contains("intel-rapl:0"), check.detail)
        let fix = try XCTUnwrap(check.fix)
        XCTAssertTrue(fix.contains("root-only"), fix)
        XCTAssertTrue(fix.contains("SUBSYSTEM==\"powercap\""), "the udev rule: \(fix)")
        XCTAssertTrue(fix.contains("z /sys/class/powercap/intel-rapl:*/energy_uj 0440 root powercap"), fix)
        XCTAssertTrue(fix.contains("usermod -aG powercap"), fix)
    }

    func testOneDeniedZoneBesideAReadableOneIsAWarningNamingIt() throws {
        let tree = try FakeTree()
        try tree.raplZone("intel-rapl:0", name: "package-0")
        try tree.raplZone("intel-rapl:1", name: "package-1")
        let check = Doctor.raplCheck(
            configuration(tree, refusing: [tree.path + "/powercap/intel-rapl:1/energy_uj"]))
        XCTAssertEqual(check.state, .warning)
        XCTAssertTrue(check.detail.contains("intel-rapl:1 dropped: energy_uj permission denied"), check.detail)
        XCTAssertNotNil(check.fix)
    }

    func testNoZonesIsNotPresentAndNoFailure() throws {
        let tree = try FakeTree()
        try tree.write("powercap/.keep", "")
        let check = Doctor.raplCheck(configuration(tree))
        XCTAssertEqual(check.state, .notPresent, check.detail)
        XCTAssertEqual(DoctorReport(checks: [check]).exitStatus, 0)
    }

    func testAZoneWithoutItsCounterFails() throws {
        let tree = try FakeTree()
        try tree.raplZone("intel-rapl:0", name: "package-0", energy: nil)
        let check = Doctor.raplCheck(configuration(tree))
        XCTAssertEqual(check.state, .failed, check.detail)
        XCTAssertTrue(check.detail.contains("intel-rapl:0"), check.detail)
    }

    func testAFakeNvidiaSMIIsReportedWithItsGPU() throws {
        let tree = try FakeTree()
        _ = try tree.nvidiaSMI()
        let check = Doctor.nvidiaCheck(configuration(tree))
        XCTAssertEqual(check.state, .passed, check.detail)
        XCTAssertTrue(check.detail.contains("GPU 0 NVIDIA L4 (driver 550.54.15, nvidia-smi)"), check.detail)
    }

    func testNoNvidiaSMIIsNotPresent() throws {
        let tree = try FakeTree()
        let check = Doctor.nvidiaCheck(configuration(tree))
        XCTAssertEqual(check.state, .notPresent, check.detail)
        XCTAssertEqual(DoctorReport(checks: [check]).exitStatus, 0, "a missing GPU is no failure")
    }
}
