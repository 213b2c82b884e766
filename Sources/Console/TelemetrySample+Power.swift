import Model

extension TelemetrySample {
    /// The node's power now: the sum of its measured domains (package, DRAM, GPUs). `psys` (the whole
    /// platform, which contains the others) counts only when it is the sole reading; domains that could
    /// not be read count as nothing. Nil when nothing was measured.
    public var totalWatts: Double? {
        let measured = power.filter { $0.source != .notMeasured && $0.watts.isFinite }
        let parts = measured.filter { $0.domain != "psys" }
        let counted = parts.isEmpty ? measured : parts
        return counted.isEmpty ? nil : counted.reduce(0) { $0 + $1.watts }
    }
}
