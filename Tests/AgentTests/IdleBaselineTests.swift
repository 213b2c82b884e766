import Model
import XCTest

@testable import Agent

/// Net energy from an idle baseline: only the domains the job's energy covers, over its window.
final class IdleBaselineTests: XCTestCase {
    private func report(_ domains: [String], total: Double, watts: Double) -> EnergyReport {
        EnergyReport(
            components: domains.map {
                EnergyReport.Component(domain: $0, source: .rapl, totalJoules: total / Double(domains.count))
            }, totalJoules: total, dynamicJoules: 0, source: .rapl, averageWatts: watts)
    }

    func testNetEnergyIsGrossLessTheCoveredDomainsBaselineOverTheEnergyWindow() {
        let baseline = IdleBaseline(watts: ["package": 20, "dram": 3, "gpu0": 40])
        // 300 J at 30 W: a 10 s window; package + dram idle 23 W.
        let net = baseline.applied(to: report(["package", "dram"], total: 300, watts: 30), wallSeconds: 99)
        XCTAssertEqual(net.idleBaselineWatts, 23)
        XCTAssertEqual(try XCTUnwrap(net.netJoules), 70, accuracy: 1e-9)
        XCTAssertEqual(net.totalJoules, 300, "the gross figure stays")
        let withoutWatts = baseline.applied(to: report(["package"], total: 300, watts: 0), wallSeconds: 5)
        XCTAssertEqual(try XCTUnwrap(withoutWatts.netJoules), 200, accuracy: 1e-9)
    }

    func testABaselineOfOtherDomainsLeavesTheReportAlone() {
        let gross = report(["package"], total: 300, watts: 30)
        XCTAssertEqual(IdleBaseline(watts: ["gpu0": 40]).applied(to: gross, wallSeconds: 10), gross)
    }
}
