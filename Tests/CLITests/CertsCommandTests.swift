import Foundation
import XCTest

/// `ffrtmp certs` as a user runs it.
final class CertsCommandTests: XCTestCase {
    func testAHugeWithinIsAUsageErrorNotACrash() throws {
        try XCTSkipUnless(FFrtmpBinary.isBuilt, "needs the ffrtmp binary")
        let directory = NSTemporaryDirectory() + "ffrtmp-certs-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let created = try FFrtmpBinary.run(["certs", "init", "--dir", directory])
        XCTAssertEqual(created.status, 0, created.error)
        let fine = try FFrtmpBinary.run(["certs", "show", directory + "/ca.pem", "--within", "30"])
        XCTAssertEqual(fine.status, 0, fine.error)
        for days in ["9223372036854775807", "106751991167301", "36501"] {
            let shown = try FFrtmpBinary.run(["certs", "show", directory + "/ca.pem", "--within", days])
            XCTAssertEqual(shown.status, 2, "\(days): \(shown.error)")
            XCTAssertEqual(shown.error, "ffrtmp certs: --within must be 0 to 36500 days\n", days)
        }
    }
}
