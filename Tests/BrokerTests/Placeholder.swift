import XCTest
final class BrokerTestsPlaceholder: XCTestCase { func testBuilds() {} }
