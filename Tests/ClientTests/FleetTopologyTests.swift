import Fleet
import Model
import XCTest

/// The fleet's streams and consumers are built from Model's vocabulary, not from copies of it.
final class FleetTopologyTests: XCTestCase {
    func testEveryCapabilityHasAJobConsumerPerPriorityClassFilteredOnItsModelSubject() {
        XCTAssertEqual(FleetTopology.capabilities, Capability.allCases.map(\.rawValue))
        XCTAssertEqual(
            FleetTopology.jobConsumers.map(\.durableName),
            Capability.allCases.flatMap { [$0.rawValue, "\($0.rawValue)-high", "\($0.rawValue)-batch"] })
        XCTAssertEqual(
            FleetTopology.jobConsumers.map(\.filterSubject),
            Capability.allCases.flatMap { capability in
                PriorityClass.allCases.map { Subjects.job(capability, node: nil, priority: $0) }
            })
        XCTAssertEqual(FleetTopology.jobConsumers[0].filterSubject, "job.cpu", "normal first, as before classes")
    }

    func testNoNodeMayBeNamedLikeAJobConsumer() {
        XCTAssertTrue(FleetTopology.isReservedNodeID("cpu-batch"))
        XCTAssertTrue(FleetTopology.isReservedNodeID("nvenc"))
        XCTAssertFalse(FleetTopology.isReservedNodeID("node-1"))
    }
}
