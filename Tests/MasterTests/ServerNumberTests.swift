import Client
import Foundation
import XCTest

@testable import Master

/// What the master reads from the server is hostile: counts beyond `Int` saturate, negative ones
/// count as none.
final class ServerNumberTests: XCTestCase {
    private func consumer(pending: String, ackPending: String) throws -> ConsumerInfo {
        let json = #"{"config":{},"num_pending":"# + pending + #","num_ack_pending":"# + ackPending + "}"
        return try JSONDecoder().decode(ConsumerInfo.self, from: Data(json.utf8))
    }

    func testAQueueDepthBeyondIntSaturatesAndANegativeRunningCountIsNone() throws {
        let huge = FleetView.QueueDepth(
            capability: "cpu", consumer: try consumer(pending: "18446744073709551615", ackPending: "-5"))
        XCTAssertEqual(huge, FleetView.QueueDepth(capability: "cpu", pending: Int.max, running: 0))
        let usual = FleetView.QueueDepth(capability: "cpu", consumer: try consumer(pending: "7", ackPending: "2"))
        XCTAssertEqual(usual, FleetView.QueueDepth(capability: "cpu", pending: 7, running: 2))
    }
}
