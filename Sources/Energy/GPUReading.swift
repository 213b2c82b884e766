/// One GPU's state at one moment, from NVML or `nvidia-smi --query-gpu`. A value the device does
/// not report (`[N/A]`, `[Not Supported]`, an NVML call that fails) is nil, never 0.
public struct GPUReading: Sendable, Equatable {
    public var index: Int
    public var name: String?
    public var driverVersion: String?
    /// `power.draw` / `nvmlDeviceGetPowerUsage`: a 1-second average on Ampere (but GA100) and newer,
    /// instantaneous before (W).
    public var powerWatts: Double?
    /// `power.draw.instant` (W).
    public var instantPowerWatts: Double?
    public var powerLimitWatts: Double?
    /// Percent busy: SMs, NVENC, NVDEC.
    public var utilizationPercent: Double?
    public var encoderUtilizationPercent: Double?
    public var decoderUtilizationPercent: Double?
    public var encoderSessions: Int?
    public var temperatureCelsius: Double?
    /// `memory.used` (MiB).
    public var memoryUsedMegabytes: Double?
    /// `nvmlDeviceGetTotalEnergyConsumption`: mJ since the driver loaded (Volta and newer).
    public var energyMillijoules: UInt64?

    public init(index: Int) { self.index = index }

    /// The power to integrate: the averaged draw, else the instantaneous one.
    public var integrablePowerWatts: Double? { powerWatts ?? instantPowerWatts }
}

/// The best source a GPU offers, in the order the meter prefers them (docs/energy.md, "NVIDIA").
public enum GPUSource: String, Sendable, Equatable {
    /// NVML's cumulative energy counter: exact; a drop means a driver reload (a gap).
    case nvmlEnergy = "nvml-energy"
    /// NVML power, integrated with the trapezoid rule.
    case nvmlPower = "nvml-power"
    /// `nvidia-smi` power, integrated with the trapezoid rule.
    case nvidiaSMI = "nvidia-smi"
    /// The GPU is there but reports no power: "not measured", never 0.
    case notMeasured = "not-measured"
}
