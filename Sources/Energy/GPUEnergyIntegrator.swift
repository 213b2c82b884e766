/// One GPU's energy over successive readings (docs/energy.md, "NVIDIA"): the NVML energy counter's
/// difference when the source is `nvml-energy` (a drop means the driver was reloaded: a gap, not
/// a wrap), else the trapezoid rule over power samples, Σ (P_i + P_i+1)/2 · (t_i+1 − t_i).
/// A missing value at either end makes the interval a gap.
public struct GPUEnergyIntegrator: Sendable {
    /// One interval's result.
    public struct Interval: Sendable, Equatable {
        public var seconds: Double
        /// Joules; nil for a gap.
        public var joules: Double?
        /// Power at the end of the interval (W), when read; used to learn the idle power.
        public var endWatts: Double?
        /// Encoder sessions at the end of the interval, when known.
        public var encoderSessions: Int?
    }

    public let source: GPUSource
    private var previousTime: UInt64?
    private var previousReading: GPUReading?

    public init(source: GPUSource) { self.source = source }

    /// The interval since the last reading; nil for the first reading or a time that did not move.
    public mutating func advance(time: UInt64, reading: GPUReading?) -> Interval? {
        defer {
            if previousTime.map({ time > $0 }) ?? true {
                previousTime = time
                previousReading = reading
            }
        }
        guard let previousTime, time > previousTime else { return nil }
        let seconds = Double(time - previousTime) / 1e9
        var interval = Interval(
            seconds: seconds, joules: nil, endWatts: reading?.integrablePowerWatts,
            encoderSessions: reading?.encoderSessions)
        switch source {
        case .nvmlEnergy:
            if let before = previousReading?.energyMillijoules, let after = reading?.energyMillijoules,
                after >= before
            {
                interval.joules = Double(after - before) / 1000
            }
        case .nvmlPower, .nvidiaSMI:
            if let before = previousReading?.integrablePowerWatts, let after = reading?.integrablePowerWatts {
                interval.joules = (before + after) / 2 * seconds
            }
        case .notMeasured:
            break
        }
        return interval
    }
}
