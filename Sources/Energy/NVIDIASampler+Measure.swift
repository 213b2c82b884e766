import Support
/// One GPU's energy over a short measuring run (`NVIDIASampler.measure`).
public struct GPUEnergyMeasurement: Sendable, Equatable {
    public var index: Int
    public var name: String?
    public var driverVersion: String?
    public var source: GPUSource
    public var samples: Int
    /// Seconds covered by intervals that were not gaps, and the energy over them.
    public var measuredSeconds: Double
    public var joules: Double
    public var gaps: Int
    /// Mean power over the measured seconds, and the highest power read (W).
    public var averageWatts: Double
    public var peakWatts: Double?
}

extension NVIDIASampler {
    /// Every field for every GPU right now: one nvidia-smi query merged with NVML's energy and
    /// power, for hardware probes and for checking the path on a real machine.
    public static func probe(configuration: Configuration = Configuration()) -> [GPUReading] {
        let sampler = NVIDIASampler(configuration: configuration)
        var readings = sampler.read()
        let rows = sampler.querySMI()
        for (offset, reading) in readings.enumerated() {
            guard let row = rows.first(where: { $0.index == reading.index }) else { continue }
            var merged = row
            merged.energyMillijoules = reading.energyMillijoules
            merged.powerWatts = reading.powerWatts ?? row.powerWatts
            merged.encoderSessions = reading.encoderSessions ?? row.encoderSessions
            readings[offset] = merged
        }
        return readings
    }

    /// Samples every GPU `samples` times, `intervalSeconds` apart (1 Hz by default), and
    /// integrates each with its own source; blocks for about (samples − 1) × interval.
    public static func measure(
        samples: Int, intervalSeconds: Double = 1, configuration: Configuration = Configuration()
    ) -> [GPUEnergyMeasurement] {
        let sampler = NVIDIASampler(configuration: configuration)
        var integrators = sampler.gpus.map { GPUEnergyIntegrator(source: $0.source) }
        var results = sampler.gpus.map {
            GPUEnergyMeasurement(
                index: $0.index, name: $0.name, driverVersion: $0.driverVersion, source: $0.source, samples: 0,
                measuredSeconds: 0, joules: 0, gaps: 0, averageWatts: 0, peakWatts: nil)
        }
        for step in 0..<max(samples, 0) {
            if step > 0 { Clock.sleep(seconds: intervalSeconds) }
            let time = Clock.monotonicNanoseconds()
            let readings = sampler.read()
            for offset in results.indices {
                let reading = readings.first { $0.index == results[offset].index }
                results[offset].samples += reading == nil ? 0 : 1
                if let watts = reading?.integrablePowerWatts {
                    results[offset].peakWatts = max(results[offset].peakWatts ?? watts, watts)
                }
                guard let interval = integrators[offset].advance(time: time, reading: reading) else { continue }
                if let joules = interval.joules {
                    results[offset].joules += joules
                    results[offset].measuredSeconds += interval.seconds
                } else if results[offset].source != .notMeasured {
                    results[offset].gaps += 1
                }
            }
        }
        for offset in results.indices where results[offset].measuredSeconds > 0 {
            results[offset].averageWatts = results[offset].joules / results[offset].measuredSeconds
        }
        return results
    }
}
