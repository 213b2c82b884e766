/// What a job's energy cost in money and CO2 at the configured prices.
/// kWh = J ÷ 3 600 000; usd = kWh × usd_per_kwh; co2_g = kWh × g_per_kwh.
public struct Cost: Codable, Sendable, Equatable {
    public var kilowattHours: Double
    public var usd: Double
    public var co2Grams: Double
    /// The prices used, so a stored result explains itself.
    public var usdPerKilowattHour: Double
    public var gramsPerKilowattHour: Double

    public init(
        kilowattHours: Double, usd: Double, co2Grams: Double, usdPerKilowattHour: Double, gramsPerKilowattHour: Double
    ) {
        self.kilowattHours = kilowattHours
        self.usd = usd
        self.co2Grams = co2Grams
        self.usdPerKilowattHour = usdPerKilowattHour
        self.gramsPerKilowattHour = gramsPerKilowattHour
    }

    /// The cost of `joules` at `price`; nil when the energy or a price is negative or not finite.
    public static func compute(joules: Double, price: EnergyPrice = EnergyPrice()) -> Cost? {
        let inputs = [joules, price.usdPerKilowattHour, price.gramsPerKilowattHour]
        guard inputs.allSatisfy({ $0.isFinite && $0 >= 0 }) else { return nil }
        let kilowattHours = joules / EnergyPrice.joulesPerKilowattHour
        return Cost(
            kilowattHours: kilowattHours, usd: kilowattHours * price.usdPerKilowattHour,
            co2Grams: kilowattHours * price.gramsPerKilowattHour, usdPerKilowattHour: price.usdPerKilowattHour,
            gramsPerKilowattHour: price.gramsPerKilowattHour)
    }

    enum CodingKeys: String, CodingKey {
        case usd
        case kilowattHours = "kwh"
        case co2Grams = "co2_g"
        case usdPerKilowattHour = "usd_per_kwh"
        case gramsPerKilowattHour = "g_per_kwh"
    }
}

/// Electricity price and carbon intensity (configurable per agent).
public struct EnergyPrice: Sendable, Equatable {
    /// USD per kWh; default 0.12.
    public var usdPerKilowattHour: Double
    /// Grams of CO2 per kWh; default 400.
    public var gramsPerKilowattHour: Double

    public static let joulesPerKilowattHour = 3_600_000.0

    public init(usdPerKilowattHour: Double = 0.12, gramsPerKilowattHour: Double = 400) {
        self.usdPerKilowattHour = usdPerKilowattHour
        self.gramsPerKilowattHour = gramsPerKilowattHour
    }
}
