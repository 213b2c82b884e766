import XCTest
final class TLSPlaceholderTests: XCTestCase { func testBuilds() {} }
