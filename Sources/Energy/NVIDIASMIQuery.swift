import Support
/// The `nvidia-smi --query-gpu=… --format=csv,noheader,nounits` command and its parser. One row
/// per GPU, values separated by `", "`; `[N/A]`, `[Not Supported]` and other bracketed answers are
/// missing values, never 0 (docs/energy.md, "NVIDIA").
public struct NVIDIASMIQuery: Sendable, Equatable {
    /// A queried field, named as nvidia-smi names it.
    public enum Field: String, Sendable, CaseIterable {
        case index
        case name
        case driverVersion = "driver_version"
        case powerDraw = "power.draw"
        case powerDrawInstant = "power.draw.instant"
        case powerLimit = "power.limit"
        case utilizationGPU = "utilization.gpu"
        case utilizationEncoder = "utilization.encoder"
        case utilizationDecoder = "utilization.decoder"
        case encoderSessions = "encoder.stats.sessionCount"
        case temperature = "temperature.gpu"
        case memoryUsed = "memory.used"
    }

    /// The fields asked for, in column order.
    public var fields: [Field]

    /// Every field above (`power.draw.instant` needs a recent driver).
    public static let full = NVIDIASMIQuery(fields: Field.allCases)
    /// The same without `power.draw.instant`, for drivers that refuse it as "not a valid field".
    public static let compatible = NVIDIASMIQuery(fields: Field.allCases.filter { $0 != .powerDrawInstant })

    public init(fields: [Field]) { self.fields = fields }

    /// The arguments after `nvidia-smi`.
    public var arguments: [String] {
        ["--query-gpu=" + fields.map(\.rawValue).joined(separator: ","), "--format=csv,noheader,nounits"]
    }

    /// The readings in `output`; a row with the wrong number of columns or no index is skipped.
    public func parse(_ output: String) -> [GPUReading] {
        var readings: [GPUReading] = []
        for line in output.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let values = line.split(separator: ", ", omittingEmptySubsequences: false).map { $0.trimmingWhitespace() }
            guard values.count == fields.count else { continue }
            var reading = GPUReading(index: -1)
            for (field, text) in zip(fields, values) {
                guard let value = Self.present(text) else { continue }
                Self.assign(value, to: field, in: &reading)
            }
            if reading.index >= 0 { readings.append(reading) }
        }
        return readings
    }

    /// The text, or nil for nvidia-smi's ways of saying "no value".
    static func present(_ text: String) -> String? {
        if text.isEmpty || text.hasPrefix("[") || text == "N/A" { return nil }
        return text
    }

    private static func assign(_ value: String, to field: Field, in reading: inout GPUReading) {
        switch field {
        case .index: reading.index = Int(value) ?? -1
        case .name: reading.name = value
        case .driverVersion: reading.driverVersion = value
        case .powerDraw: reading.powerWatts = Double(value)
        case .powerDrawInstant: reading.instantPowerWatts = Double(value)
        case .powerLimit: reading.powerLimitWatts = Double(value)
        case .utilizationGPU: reading.utilizationPercent = Double(value)
        case .utilizationEncoder: reading.encoderUtilizationPercent = Double(value)
        case .utilizationDecoder: reading.decoderUtilizationPercent = Double(value)
        case .encoderSessions: reading.encoderSessions = Int(value)
        case .temperature: reading.temperatureCelsius = Double(value)
        case .memoryUsed: reading.memoryUsedMegabytes = Double(value)
        }
    }
}
