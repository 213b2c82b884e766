import Console
import Foundation
import Model
import XCTest

/// `ffrtmp results` shows what the master priced each result at in its region, or that it could not.
final class RegionCostTableTests: XCTestCase {
    func testTheResultListReadsEachRegionCostAndTheTableShowsItOrUnavailable() throws {
        let results = [ConsoleFixtures.result("job-1", joules: 36_000), ConsoleFixtures.result("job-2", joules: 12)]
        var elements: [String] = []
        let costs = [
            #""region_cost":{"status":"priced","regions":["eu"],"kwh":0.01,"usd":0.0036,"co2_g":2}"#,
            #""region_cost":{"status":"unavailable","regions":["ap"],"reason":"no price for region ap"}"#,
        ]
        for (result, cost) in zip(results, costs) {
            let json = String(decoding: try MessageCoding.encode(result), as: UTF8.self)
            elements.append(String(json.dropLast()) + "," + cost + "}")
        }
        let body = Array(("{\"results\":[" + elements.joined(separator: ",") + "]}").utf8)
        let list = try JSONDecoder().decode(MasterRows.ResultList.self, from: Data(body))
        XCTAssertEqual(list.results.map(\.jobID), ["job-1", "job-2"])
        XCTAssertEqual(list.regionCosts.map { $0?.status }, ["priced", "unavailable"])
        let table = ResultTable.table(list.results, regionCosts: list.regionCosts).text
        let lines = table.split(separator: "\n")
        XCTAssertTrue(lines[0].hasSuffix("COST"), table)
        XCTAssertTrue(lines[1].hasSuffix("2 g CO2"), table)
        XCTAssertTrue(lines[2].hasSuffix("unavailable"), table)
        XCTAssertFalse(ResultTable.table(list.results).text.contains("COST"), "submit --wait has no master prices")
    }
}
