import Model
import Support

/// Price per kWh and carbon intensity of each region, from the master's pricing file (`--pricing`):
///
///     {"regions": {"eu-west-1": {"usd_per_kwh": 0.21, "g_co2_per_kwh": 250}}}
///
/// Costs are computed from stored energy when they are read, so a changed file reprices every result.
/// A region the file does not name has no price: its cost is unavailable, never a default.
public struct RegionPricing: Sendable, Equatable {
    /// Region name to its price.
    public var prices: [String: EnergyPrice]

    public init(prices: [String: EnergyPrice] = [:]) { self.prices = prices }

    /// The most a pricing file may hold.
    static let largestFile = 1 << 20

    /// Reads a pricing file's JSON; an error names the bad member.
    public static func parse(_ bytes: [UInt8]) throws(RegionPricingError) -> RegionPricing {
        guard let document = bytes.withUnsafeBytes({ JSONValue.parse($0) }), case .object(let top) = document else {
            throw RegionPricingError("the pricing file is not a JSON object")
        }
        if let unknown = top.keys.filter({ $0 != "regions" }).min() {
            throw RegionPricingError("unknown member \"\(unknown)\" (only \"regions\")")
        }
        guard case .object(let regions) = top["regions"] ?? .null else {
            throw RegionPricingError("\"regions\" must be an object of region name to prices")
        }
        var prices: [String: EnergyPrice] = [:]
        for (name, entry) in regions {
            guard RegionName.isValid(name) else {
                throw RegionPricingError(
                    "region \"\(name.prefix(64))\" must be 1–64 letters, digits, - and _ starting with a letter or digit"
                )
            }
            guard case .object(let members) = entry else {
                throw RegionPricingError("region \(name) must be an object with usd_per_kwh and g_co2_per_kwh")
            }
            if let unknown = members.keys.filter({ $0 != "usd_per_kwh" && $0 != "g_co2_per_kwh" }).min() {
                throw RegionPricingError("region \(name): unknown member \"\(unknown)\"")
            }
            prices[name] = EnergyPrice(
                usdPerKilowattHour: try amount(members["usd_per_kwh"], "usd_per_kwh", region: name),
                gramsPerKilowattHour: try amount(members["g_co2_per_kwh"], "g_co2_per_kwh", region: name))
        }
        return RegionPricing(prices: prices)
    }

    private static func amount(_ value: JSONValue?, _ name: String, region: String) throws(RegionPricingError)
        -> Double
    {
        guard case .number(let number) = value ?? .null, number.isFinite, number >= 0 else {
            throw RegionPricingError("region \(region): \(name) must be a number of 0 or more")
        }
        return number
    }

    /// What `parts` (energy in joules, each where it was used) cost. Unavailable when any part has
    /// no region, no price or no measured energy.
    public func cost(of parts: [(region: String?, joules: Double?)]) -> RegionCost {
        let regions = Set(parts.compactMap(\.region)).sorted()
        var total = (kilowattHours: 0.0, usd: 0.0, co2Grams: 0.0)
        for part in parts {
            guard let region = part.region else { return .unavailable(regions: regions, reason: "no region") }
            guard let price = prices[region] else {
                return .unavailable(regions: regions, reason: "no price for region \(region)")
            }
            guard let joules = part.joules, let cost = Cost.compute(joules: joules, price: price) else {
                return .unavailable(regions: regions, reason: "no energy measured")
            }
            total.kilowattHours += cost.kilowattHours
            total.usd += cost.usd
            total.co2Grams += cost.co2Grams
        }
        guard !parts.isEmpty else { return .unavailable(regions: [], reason: "no energy measured") }
        return .priced(
            regions: regions, kilowattHours: total.kilowattHours, usd: total.usd, co2Grams: total.co2Grams)
    }
}

/// A pricing file that cannot be used, and why.
public struct RegionPricingError: Error, CustomStringConvertible, Sendable, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
