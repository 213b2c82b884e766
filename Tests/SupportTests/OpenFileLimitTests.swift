import Support
import XCTest

final class OpenFileLimitTests: XCTestCase {
    func testALimitBelowMaxConnectionsPlusTheReserveIsAShortfallNamingBoth() {
        let warning = OpenFileLimit.shortfall(softLimit: 1024, connections: 65536)
        XCTAssertNotNil(warning)
        XCTAssertTrue(warning?.contains("1024") == true && warning?.contains("65536") == true, warning ?? "")
    }

    func testALimitCoveringMaxConnectionsAndTheReserveIsNoShortfall() {
        XCTAssertNil(OpenFileLimit.shortfall(softLimit: 131072, connections: 65536))
        XCTAssertNil(OpenFileLimit.shortfall(softLimit: UInt64.max, connections: 65536))
        XCTAssertNotNil(OpenFileLimit.shortfall(softLimit: 65536 + 1023, connections: 65536))
    }

    func testTheCurrentLimitCanBeRead() {
        XCTAssertNotNil(OpenFileLimit.current())
    }
}
