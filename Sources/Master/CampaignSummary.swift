import Model

/// Succeeded results grouped by configuration × hardware, with the statistics of each figure.
/// Results with different configuration keys or hardware keys are never averaged together.
public struct CampaignSummary: Sendable {
    /// One stored result's figures, as the summary query reads them.
    public struct Measurement: Sendable, Equatable {
        public var configurationKey: String
        /// The configuration's JSON (`ConfigurationJSON`).
        public var configuration: String
        public var nodeID: String
        public var scenario: String?
        public var encoder: String?
        public var fps: Double?
        public var joulesPerFrame: Double?
        public var energyJoules: Double?
        public var wallSeconds: Double?
        public var psnr: Double?
        public var ssim: Double?
        public var usd: Double?
        public var co2Grams: Double?
        public var energySource: String?

        public init(configurationKey: String, configuration: String = "{}", nodeID: String) {
            self.configurationKey = configurationKey
            self.configuration = configuration
            self.nodeID = nodeID
        }

        /// Mean power over the encode: joules over wall seconds.
        var watts: Double? {
            guard let energyJoules, let wallSeconds, wallSeconds > 0 else { return nil }
            return energyJoules / wallSeconds
        }
    }

    /// One configuration on one piece of hardware.
    public struct Row: Sendable {
        public var configurationKey: String
        public var configuration: String
        public var hardware: HardwareKey
        public var measurements: [Measurement]

        public var fps: SampleStatistics? { statistics(\.fps) }
        public var joulesPerFrame: SampleStatistics? { statistics(\.joulesPerFrame) }
        public var watts: SampleStatistics? { statistics(\.watts) }
        public var psnr: SampleStatistics? { statistics(\.psnr) }
        public var ssim: SampleStatistics? { statistics(\.ssim) }

        func statistics(_ figure: KeyPath<Measurement, Double?>) -> SampleStatistics? {
            SampleStatistics(measurements.compactMap { $0[keyPath: figure] })
        }

        func sum(_ figure: KeyPath<Measurement, Double?>) -> Double? {
            let values = measurements.compactMap { $0[keyPath: figure] }
            return values.isEmpty ? nil : values.reduce(0, +)
        }
    }

    public let rows: [Row]

    /// Groups `measurements`; `hardware` gives each node's last known hardware.
    public init(_ measurements: [Measurement], hardware: (String) -> Hardware?) {
        var groups: [String: Row] = [:]
        var order: [String] = []
        var known: [String: HardwareKey] = [:]
        for measurement in measurements {
            let key =
                known[measurement.nodeID]
                ?? HardwareKey(nodeID: measurement.nodeID, hardware: hardware(measurement.nodeID))
            known[measurement.nodeID] = key
            let group = measurement.configurationKey + "\n" + key.key
            if groups[group] == nil {
                order.append(group)
                groups[group] = Row(
                    configurationKey: measurement.configurationKey, configuration: measurement.configuration,
                    hardware: key, measurements: [])
            }
            groups[group]?.measurements.append(measurement)
        }
        rows = order.compactMap { groups[$0] }.sorted {
            ($0.configurationKey, $0.hardware.key) < ($1.configurationKey, $1.hardware.key)
        }
    }
}
