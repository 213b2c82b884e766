import Support

/// What energy cost in money and CO2 at its regions' prices, or why that is unavailable.
public enum RegionCost: Sendable, Equatable {
    /// Every part's region has a price.
    case priced(regions: [String], kilowattHours: Double, usd: Double, co2Grams: Double)
    /// A part has no region, its region no price, or it has no energy: no number is made up.
    case unavailable(regions: [String], reason: String)

    /// `{"status": "priced", "regions": […], "kwh", "usd", "co2_g"}` or
    /// `{"status": "unavailable", "regions": […], "reason": "…"}`, as the API serves it.
    var json: String {
        var object = JSONWriter()
        switch self {
        case .priced(let regions, let kilowattHours, let usd, let co2Grams):
            object.add("status", "priced")
            object.add("regions", raw: JSONWriter.array(regions.map(JSONStringLiteral.quoted)))
            object.add("kwh", kilowattHours, digits: 12)
            object.add("usd", usd, digits: 12)
            object.add("co2_g", co2Grams, digits: 9)
        case .unavailable(let regions, let reason):
            object.add("status", "unavailable")
            object.add("regions", raw: JSONWriter.array(regions.map(JSONStringLiteral.quoted)))
            object.add("reason", reason)
        }
        return object.text
    }
}
