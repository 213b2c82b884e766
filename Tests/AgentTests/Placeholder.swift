import XCTest
final class AgentPlaceholderTests: XCTestCase { func testBuilds() {} }
