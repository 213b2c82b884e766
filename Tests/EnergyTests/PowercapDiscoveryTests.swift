import Energy
import XCTest

/// Zones are chosen by name, never by index (docs/energy.md, "RAPL through powercap sysfs").
final class PowercapDiscoveryTests: XCTestCase {
    func testPackagesAndDramAreChosenByNameWhereverTheirIndexesFall() {
        let tree = FakePowercapTree.twoSockets()
        let plan = PowercapDiscovery(root: tree.root).plan()
        XCTAssertEqual(plan.packages.map(\.name), ["package-0", "package-1"])
        XCTAssertEqual(plan.packages.map(\.identifier), ["intel-rapl:0", "intel-rapl:2"])
        XCTAssertEqual(plan.dram.map(\.identifier), ["intel-rapl:0:0", "intel-rapl:2:2"])
        XCTAssertEqual(plan.dram.map(\.parentName), ["package-0", "package-1"])
        XCTAssertEqual(plan.dram.map(\.rangeMicrojoules), [65_712_999_613, 65_712_999_613])
        XCTAssertNil(plan.psys)
    }

    func testPsysCoreUncoreAndTheMMIOCopyAreLeftOutWithAReason() {
        let tree = FakePowercapTree.twoSockets()
        let plan = PowercapDiscovery(root: tree.root).plan()
        let notes = plan.notes.joined(separator: "\n")
        XCTAssertTrue(notes.contains("intel-rapl-mmio:0 (package-0) dropped: same zone as intel-rapl:0"), notes)
        XCTAssertTrue(notes.contains("intel-rapl:1 (psys) not used"), notes)
        XCTAssertTrue(notes.contains("intel-rapl:0:1 (core) ignored: inside its package"), notes)
        XCTAssertTrue(notes.contains("intel-rapl:2:1 (uncore) ignored: inside its package"), notes)
        XCTAssertFalse(plan.zones.contains { $0.interface == .mmio })
    }

    func testEachZoneIsFoundOnceThroughBothTheFlatLinksAndTheNestedFolders() {
        let tree = FakePowercapTree.twoSockets()
        let zones = PowercapDiscovery(root: tree.root).zones()
        XCTAssertEqual(zones.count, 10)
        XCTAssertEqual(Set(zones.map(\.identifier)).count, 10)
    }

    func testPsysIsUsedAloneWhenThereIsNoPackage() {
        let tree = FakePowercapTree()
        tree.add("intel-rapl:0", name: "psys")
        tree.add("intel-rapl:0:0", name: "dram")
        let plan = PowercapDiscovery(root: tree.root).plan()
        XCTAssertEqual(plan.psys?.identifier, "intel-rapl:0")
        XCTAssertTrue(plan.packages.isEmpty)
        XCTAssertTrue(plan.dram.isEmpty, "psys covers DRAM too: never both")
    }

    func testAnMMIOZoneIsKeptWhenItIsTheOnlyCopy() {
        let tree = FakePowercapTree()
        tree.add("intel-rapl-mmio:0", name: "package-0")
        XCTAssertEqual(PowercapDiscovery(root: tree.root).plan().packages.map(\.identifier), ["intel-rapl-mmio:0"])
    }

    func testZoneNamesParseIntoKinds() {
        XCTAssertEqual(PowercapZone.kind(ofName: "package-1"), .package(socket: 1, die: nil))
        XCTAssertEqual(PowercapZone.kind(ofName: "package-0-die-1"), .package(socket: 0, die: 1))
        XCTAssertEqual(PowercapZone.kind(ofName: "dram"), .dram)
        XCTAssertEqual(PowercapZone.kind(ofName: "psys"), .psys)
        XCTAssertEqual(PowercapZone.kind(ofName: "uncore"), .nested)
        XCTAssertEqual(PowercapZone.kind(ofName: "package-x"), .other)
    }

    func testAMissingRootHasNoZonesAndTheReaderSaysAbsent() {
        XCTAssertTrue(PowercapDiscovery(root: "/nonexistent/powercap").zones().isEmpty)
        XCTAssertEqual(RAPLReader(root: "/nonexistent/powercap").status, .absent)
    }

    func testAnUnreadableCounterIsPermissionDeniedWithTheFixNotAbsent() {
        let tree = FakePowercapTree.twoSockets()
        let reader = RAPLReader(root: tree.root, files: DenyingFiles { $0.hasSuffix("/energy_uj") })
        guard case .permissionDenied(let message) = reader.status else {
            return XCTFail("expected permission denied, got \(reader.status)")
        }
        XCTAssertTrue(message.contains("intel-rapl:0"), message)
        XCTAssertTrue(message.contains("tmpfiles") && message.contains("udev"), message)
        XCTAssertTrue(reader.plan.isEmpty)
    }

    func testPsysStandsInWhenOnlyThePackageCountersAreUnreadable() {
        let tree = FakePowercapTree.twoSockets()
        let packages = [tree.path("intel-rapl:0", "energy_uj"), tree.path("intel-rapl:2", "energy_uj")]
        let mmio = tree.path("intel-rapl-mmio:0", "energy_uj")
        let reader = RAPLReader(root: tree.root, files: DenyingFiles { packages.contains($0) || $0 == mmio })
        XCTAssertEqual(reader.status, .available)
        XCTAssertEqual(reader.plan.psys?.name, "psys")
        XCTAssertTrue(reader.plan.dram.isEmpty)
        XCTAssertTrue(reader.plan.notes.contains("intel-rapl:0 dropped: energy_uj permission denied"))
    }
}
