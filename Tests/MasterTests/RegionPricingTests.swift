import Model
import Support
import TestSupport
import XCTest

@testable import Master

/// The master prices energy per region from its pricing file, when results are read.
final class RegionPricingTests: XCTestCase {
    private let prices = #"{"regions": {"eu-west": {"usd_per_kwh": 0.36, "g_co2_per_kwh": 200}}}"#

    func testAPricingFileGivesEachRegionItsPriceAndCarbonIntensity() throws {
        let pricing = try RegionPricing.parse(Array(prices.utf8))
        XCTAssertEqual(pricing.prices, ["eu-west": EnergyPrice(usdPerKilowattHour: 0.36, gramsPerKilowattHour: 200)])
        guard
            case .priced(let regions, let kilowattHours, let usd, let co2Grams) =
                pricing.cost(of: [("eu-west", 3_600_000)])
        else { return XCTFail("eu-west has a price") }
        XCTAssertEqual(regions, ["eu-west"])
        XCTAssertEqual(kilowattHours, 1, accuracy: 1e-12)
        XCTAssertEqual(usd, 0.36, accuracy: 1e-12)
        XCTAssertEqual(co2Grams, 200, accuracy: 1e-9)
    }

    func testAPricingFileWithABadPriceRegionOrMemberIsRefusedNamingIt() {
        let cases = [
            (#"{"regions": {"eu": {"usd_per_kwh": -1, "g_co2_per_kwh": 1}}}"#, "usd_per_kwh"),
            (#"{"regions": {"eu": {"usd_per_kwh": 1}}}"#, "g_co2_per_kwh"),
            (#"{"regions": {"eu.west": {"usd_per_kwh": 1, "g_co2_per_kwh": 1}}}"#, "eu.west"),
            (#"{"regions": {"eu": {"usd_per_kwh": 1, "g_co2_per_kwh": 1, "eur": 2}}}"#, "eur"),
            (#"{"region": {}}"#, "region"),
            ("[1", "not a JSON object"),
        ]
        for (text, named) in cases {
            XCTAssertThrowsError(try RegionPricing.parse(Array(text.utf8)), text) { error in
                XCTAssertTrue("\(error)".contains(named), "\(error) should name \(named)")
            }
        }
    }

    func testCostIsUnavailableWithoutARegionAPriceOrEnergyNeverAMadeUpNumber() {
        let pricing = RegionPricing(prices: ["eu": EnergyPrice(usdPerKilowattHour: 0.2, gramsPerKilowattHour: 100)])
        XCTAssertEqual(pricing.cost(of: [(nil, 10)]), .unavailable(regions: [], reason: "no region"))
        XCTAssertEqual(
            pricing.cost(of: [("eu", 10), ("us", 10)]),
            .unavailable(regions: ["eu", "us"], reason: "no price for region us"))
        XCTAssertEqual(pricing.cost(of: [("eu", nil)]), .unavailable(regions: ["eu"], reason: "no energy measured"))
        XCTAssertEqual(pricing.cost(of: []), .unavailable(regions: [], reason: "no energy measured"))
    }

    private func store(regions: [String?]) throws -> MasterStore {
        let store = try MasterStore(path: ":memory:")
        for (index, region) in regions.enumerated() {
            var result = MasterFixtures.result("job-\(index)", finishedAt: 2_000_000_000 + Int64(index), joules: 36_000)
            result.region = region
            try store.record(result, json: String(decoding: try MessageCoding.encode(result), as: UTF8.self))
        }
        return store
    }

    private func results(_ api: MasterAPI) throws -> [String: JSONValue] {
        let response = try XCTUnwrap(api.respond(path: "/api/results", query: [:]))
        XCTAssertEqual(response.status, 200)
        let body = try XCTUnwrap(response.body.withUnsafeBytes { JSONValue.parse($0) })
        var costs: [String: JSONValue] = [:]
        for result in try XCTUnwrap(body["results"]?.array) {
            costs[result["job_id"]?.string ?? ""] = result["region_cost"]
        }
        return costs
    }

    func testEachResultShowsItsCostInItsRegionOrSaysItIsUnavailable() throws {
        let directory = try TemporaryDirectory()
        try directory.write("pricing.json", prices)
        let api = MasterAPI(
            store: try store(regions: ["eu-west", "ap-south", nil]), fleet: FleetView(offlineAfterSeconds: 15),
            pricing: try PricingFile(path: directory.path + "/pricing.json"))
        let costs = try results(api)
        XCTAssertEqual(costs["job-0"]?["status"]?.string, "priced")
        XCTAssertEqual(costs["job-0"]?["usd"], JSONValue.number(0.0036), "0.01 kWh at 0.36 USD")
        XCTAssertEqual(costs["job-0"]?["co2_g"], JSONValue.number(2))
        XCTAssertEqual(costs["job-1"]?["status"]?.string, "unavailable")
        XCTAssertEqual(costs["job-1"]?["reason"]?.string, "no price for region ap-south")
        XCTAssertNil(costs["job-1"]?["usd"])
        XCTAssertEqual(costs["job-2"]?["reason"]?.string, "no region")
    }

    func testAChangedPricingFileRepricesStoredResultsWithoutARestart() throws {
        let directory = try TemporaryDirectory()
        try directory.write("pricing.json", prices)
        let api = MasterAPI(
            store: try store(regions: ["eu-west", "ap-south"]), fleet: FleetView(offlineAfterSeconds: 15),
            pricing: try PricingFile(path: directory.path + "/pricing.json"))
        XCTAssertEqual(try results(api)["job-1"]?["status"]?.string, "unavailable")
        try directory.write(
            "pricing.json",
            #"{"regions": {"eu-west": {"usd_per_kwh": 0.72, "g_co2_per_kwh": 200},"#
                + #" "ap-south": {"usd_per_kwh": 0.1, "g_co2_per_kwh": 700}}}"#)
        let costs = try results(api)
        XCTAssertEqual(costs["job-0"]?["usd"], JSONValue.number(0.0072), "the new eu-west price")
        XCTAssertEqual(costs["job-1"]?["co2_g"], JSONValue.number(7), "ap-south now has a price")
    }

    func testABrokenPricingFileKeepsTheLastGoodPricesAndABadOneStopsTheStart() throws {
        let directory = try TemporaryDirectory()
        try directory.write("pricing.json", prices)
        let file = try PricingFile(path: directory.path + "/pricing.json")
        try directory.write("pricing.json", #"{"regions": {"eu-west": {"usd_per_kwh": "cheap"}}}"#)
        XCTAssertEqual(file.current().prices["eu-west"]?.usdPerKilowattHour, 0.36)
        XCTAssertThrowsError(try PricingFile(path: directory.path + "/pricing.json"))
        XCTAssertThrowsError(try PricingFile(path: directory.path + "/absent.json"))
    }

    func testAHostileRegionInAResultIsNotStoredSoItsCostIsUnavailable() throws {
        let pricing = RegionPricing(prices: ["eu": EnergyPrice()])
        let store = try store(regions: ["eu' OR 1=1 --"])
        let stored = try XCTUnwrap(store.storedResults(MasterStore.ResultFilter()).first)
        XCTAssertNil(stored.region)
        XCTAssertEqual(
            pricing.cost(of: [(stored.region, stored.joules)]), .unavailable(regions: [], reason: "no region"))
    }

    func testTheSummaryPricesEachGroupByTheEnergyOfEachRegion() throws {
        let directory = try TemporaryDirectory()
        try directory.write(
            "pricing.json",
            #"{"regions": {"eu-west": {"usd_per_kwh": 0.36, "g_co2_per_kwh": 200},"#
                + #" "us-east": {"usd_per_kwh": 0.1, "g_co2_per_kwh": 400}}}"#)
        let pricing = try PricingFile(path: directory.path + "/pricing.json")
        let twoRegions = MasterAPI(
            store: try store(regions: ["eu-west", "eu-west", "us-east"]), fleet: FleetView(offlineAfterSeconds: 15),
            pricing: pricing)
        let body = try XCTUnwrap(twoRegions.respond(path: "/api/summary", query: ["energy": "net"])?.body)
        let row = try XCTUnwrap(body.withUnsafeBytes { JSONValue.parse($0) }?["summary"]?.array?.first)
        XCTAssertEqual(row["region_cost"]?["status"]?.string, "priced")
        XCTAssertEqual(row["region_cost"]?["regions"], JSONValue.array([.string("eu-west"), .string("us-east")]))
        XCTAssertEqual(row["region_cost"]?["usd"], JSONValue.number(0.0082), "0.02 kWh × 0.36 + 0.01 kWh × 0.1, gross")
        XCTAssertEqual(row["region_cost"]?["co2_g"], JSONValue.number(8))
        let oneUnpriced = MasterAPI(
            store: try store(regions: ["eu-west", nil]), fleet: FleetView(offlineAfterSeconds: 15), pricing: pricing)
        let unpriced = try XCTUnwrap(oneUnpriced.respond(path: "/api/summary", query: [:])?.body)
        XCTAssertTrue(String(decoding: unpriced, as: UTF8.self).contains(#""status":"unavailable""#))
    }
}
