import Fleet
import Model
import XCTest

/// The fleet's streams and consumers are built from Model's vocabulary, not from copies of it.
final class FleetTopologyTests: XCTestCase {
    func testEveryCapabilityHasAJobConsumerFilteredOnItsModelSubject() {
        XCTAssertEqual(FleetTopology.capabilities, Capability.allCases.map(\.rawValue))
        XCTAssertEqual(FleetTopology.jobConsumers.map(\.durableName), Capability.allCases.map(\.rawValue))
        XCTAssertEqual(FleetTopology.jobConsumers.map(\.filterSubject), Capability.allCases.map(Subjects.job))
    }
}
