import XCTest
final class EnergyPlaceholderTests: XCTestCase { func testBuilds() {} }
