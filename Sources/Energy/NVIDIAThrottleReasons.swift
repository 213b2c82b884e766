import Support

/// The GPUs' active clock-throttle reasons: `nvidia-smi --query-gpu=index,clocks_throttle_reasons.active`
/// prints one bitmask per GPU (NVML's `nvmlClocksThrottleReason*` bits), named here. Newer drivers
/// call the field `clocks_event_reasons.active`; it is asked for when the old name is refused.
public enum NVIDIAThrottleReasons {
    /// The arguments after `nvidia-smi`, under the field's old name.
    public static let arguments = arguments(field: "clocks_throttle_reasons.active")
    /// The same under the field's newer name.
    public static let newerArguments = arguments(field: "clocks_event_reasons.active")

    static func arguments(field: String) -> [String] {
        ["--query-gpu=index," + field, "--format=csv,noheader,nounits"]
    }

    /// NVML's bits, by name (`gpu_idle` is the one reason that is not a slowdown under load).
    public static let names: [(bit: UInt64, name: String)] = [
        (0x1, "gpu_idle"), (0x2, "applications_clocks_setting"), (0x4, "sw_power_cap"), (0x8, "hw_slowdown"),
        (0x10, "sync_boost"), (0x20, "sw_thermal_slowdown"), (0x40, "hw_thermal_slowdown"),
        (0x80, "hw_power_brake_slowdown"), (0x100, "display_clock_setting"),
    ]

    /// Reason names per GPU index in `output` (`0, 0x0000000000000004` lines); rows that do not
    /// parse are skipped, unknown bits named `bit_0x…`.
    public static func parse(_ output: String) -> [Int: [String]] {
        var reasons: [Int: [String]] = [:]
        for line in output.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let fields = line.split(separator: ",").map { $0.trimmingWhitespace() }
            guard fields.count == 2, let index = Int(fields[0]), fields[1].hasPrefix("0x"),
                let mask = UInt64(fields[1].dropFirst(2), radix: 16)
            else { continue }
            var named: [String] = []
            var rest = mask
            for (bit, name) in names where mask & bit != 0 {
                named.append(name)
                rest &= ~bit
            }
            var bit: UInt64 = 1
            while rest != 0 {
                if rest & bit != 0 {
                    named.append("bit_0x" + String(bit, radix: 16))
                    rest &= ~bit
                }
                bit <<= 1
            }
            reasons[index] = named
        }
        return reasons
    }

    /// Runs nvidia-smi; nil when it fails or is missing.
    public static func query(nvidiaSMIPath: String, timeoutSeconds: Double = 5) -> [Int: [String]]? {
        for fieldArguments in [arguments, newerArguments] {
            guard let outcome = try? CommandRunner.run(nvidiaSMIPath, fieldArguments, timeoutSeconds: timeoutSeconds)
            else { return nil }
            if outcome.succeeded { return parse(outcome.standardOutput) }
            if outcome.timedOut { return nil }
        }
        return nil
    }
}
