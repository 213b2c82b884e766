import Broker
import Foundation
import Support
import TestSupport
import XCTest

/// `ffrtmp doctor` as a user runs it: fake sensor trees and nvidia-smi, a broker that is and one
/// that is not there; exit statuses 0, 1 and 2.
final class DoctorCommandTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        guard FFrtmpBinary.isBuilt else {
            throw XCTSkip("no ffrtmp binary beside the tests at \(FFrtmpBinary.path) (swift build first)")
        }
        folder = "/tmp/ffrtmp-doctor-cli-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try DurableFiles.makeDirectories(folder + "/powercap")
        try DurableFiles.replace(
            folder + "/nvidia-smi",
            with: Array("#!/bin/sh\necho '0, NVIDIA L4, 550.54.15, 17.5, 18.0, 72.00, 3, 0, 0, 0, 41'\n".utf8))
        chmod(folder + "/nvidia-smi", 0o755)
    }

    override func tearDown() {
        try? DurableFiles.removeTree(folder)
    }

    private func doctor(_ extra: [String]) throws -> (status: Int32, output: String, error: String) {
        try FFrtmpBinary.run(
            [
                "doctor", "--sysfs-powercap", folder + "/powercap", "--nvidia-smi", folder + "/nvidia-smi",
                "--nvml", "none", "--work-dir", folder, "--min-free", "1", "--timeout", "20s",
            ] + extra, environment: ["PATH": "/usr/bin:/bin"])
    }

    private func checks(_ output: String) throws -> [String: [String: Any]] {
        let parsed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let list = try XCTUnwrap(parsed["checks"] as? [[String: Any]])
        return Dictionary(
            list.map { ("\($0["area"] ?? "")/\($0["name"] ?? "")", $0) }, uniquingKeysWith: { first, _ in first })
    }

    func testAnUnreachableBrokerExitsOneAndSaysSo() throws {
        let result = try doctor(["-s", "nats://127.0.0.1:1", "--json"])
        XCTAssertEqual(result.status, 1, result.output + result.error)
        let found = try checks(result.output)
        XCTAssertEqual(found["broker/reachable"]?["state"] as? String, "failed")
        XCTAssertTrue((found["broker/reachable"]?["detail"] as? String ?? "").contains("127.0.0.1:1"))
    }

    func testAReachableBrokerAndFakeSensorsPassWithMissingOnesNotPresent() throws {
        let broker = try TestBroker(storeDirectory: folder + "/store")
        defer { broker.shutdown() }
        let result = try doctor(["-s", "nats://127.0.0.1:\(broker.port)", "--json"])
        let found = try checks(result.output)
        XCTAssertEqual(found["broker/reachable"]?["state"] as? String, "ok", result.output)
        XCTAssertEqual(found["power/RAPL"]?["state"] as? String, "not-present")
        XCTAssertEqual(found["power/NVIDIA"]?["state"] as? String, "ok")
        XCTAssertEqual(found["ffmpeg/ffmpeg"]?["state"] as? String, "ok")
        XCTAssertEqual(found["capability/cpu"]?["state"] as? String, "ok")
        XCTAssertNotEqual(found["capability/nvenc"]?["state"] as? String, "failed", "a GPU capability is optional")
        XCTAssertNotNil(found["cgroup/cgroup v2"])
        XCTAssertEqual(result.status, 0, result.output)

        let text = try doctor(["-s", "nats://127.0.0.1:\(broker.port)"])
        XCTAssertTrue(text.output.contains("[ok] reachable"), text.output)
        XCTAssertTrue(text.output.contains("All needed checks passed."), text.output)
    }

    func testAMissingFFmpegFailsAndAnExtraArgumentIsAUsageError() throws {
        let missing = try doctor(["--ffmpeg", folder + "/no-ffmpeg", "--json"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertEqual(try checks(missing.output)["ffmpeg/ffmpeg"]?["state"] as? String, "failed")
        XCTAssertEqual(try FFrtmpBinary.run(["doctor", "extra"]).status, 2)
        let help = try FFrtmpBinary.run(["doctor", "--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.output.contains("Exit status"), help.output)
    }
}
