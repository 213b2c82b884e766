import XCTest
final class ClientTestsPlaceholder: XCTestCase { func testBuilds() {} }
