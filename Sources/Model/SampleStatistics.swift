/// What a set of repeated measurements says: how many, their mean, sample standard deviation,
/// coefficient of variation and the 95 % confidence interval of the mean (Student's t, so a
/// handful of runs gets the wide interval it deserves). Non-finite values are left out.
public struct SampleStatistics: Sendable, Equatable {
    public let count: Int
    public let mean: Double
    /// Sample standard deviation (n − 1); nil below two values.
    public let standardDeviation: Double?
    /// Half the width of the 95 % confidence interval of the mean; nil below two values.
    public let halfWidth: Double?

    /// Nil when no value is finite.
    public init?(_ values: [Double]) {
        let finite = values.filter(\.isFinite)
        guard !finite.isEmpty else { return nil }
        let mean = finite.reduce(0, +) / Double(finite.count)
        let squares = finite.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        self.init(count: finite.count, mean: mean, squaredDeviations: squares)
    }

    /// From running sums, as a database aggregates them (`count(x)`, `sum(x)`, `sum(x * x)`); nil
    /// for no values or sums that are not finite.
    public init?(count: Int, sum: Double, sumOfSquares: Double) {
        guard count > 0, sum.isFinite, sumOfSquares.isFinite else { return nil }
        let mean = sum / Double(count)
        // Rounding can leave a tiny negative remainder for identical values.
        self.init(count: count, mean: mean, squaredDeviations: max(0, sumOfSquares - sum * mean))
    }

    private init(count: Int, mean: Double, squaredDeviations: Double) {
        self.count = count
        self.mean = mean
        guard count > 1 else {
            standardDeviation = nil
            halfWidth = nil
            return
        }
        let deviation = (squaredDeviations / Double(count - 1)).squareRoot()
        standardDeviation = deviation
        halfWidth = Self.studentT95(degreesOfFreedom: count - 1) * deviation / Double(count).squareRoot()
    }

    /// Standard deviation over the mean; nil below two values or for a zero mean.
    public var coefficientOfVariation: Double? {
        guard let standardDeviation, mean != 0 else { return nil }
        return standardDeviation / abs(mean)
    }

    /// The interval's ends; nil below two values.
    public var interval: (low: Double, high: Double)? { halfWidth.map { (mean - $0, mean + $0) } }

    /// The two-sided 95 % critical value of Student's t for `degreesOfFreedom` ≥ 1: exact table
    /// values to 30, then the next lower tabulated row (a slightly wider, conservative interval).
    public static func studentT95(degreesOfFreedom: Int) -> Double {
        let table: [Double] = [
            12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
            2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
        ]
        let degrees = max(1, degreesOfFreedom)
        if degrees <= table.count { return table[degrees - 1] }
        if degrees < 40 { return 2.042 }
        if degrees < 60 { return 2.021 }
        if degrees < 120 { return 2.000 }
        return 1.980
    }
}
