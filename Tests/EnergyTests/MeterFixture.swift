import Energy
import Support
import XCTest

/// Shared pieces of the meter tests: a quiet logger, a configuration over fakes, time steps.
enum MeterFixture {
    static let second: UInt64 = 1_000_000_000
    static let start: UInt64 = 10 * second
    static let quietLogger = Logger(component: "energy", sink: LogSink(minimumLevel: .error))
    /// NVIDIA tools that do not exist: a machine without a GPU.
    static let noNvidia = NVIDIASampler.Configuration(
        nvidiaSMIPath: "/nonexistent/nvidia-smi", nvmlLibraryPath: "/nonexistent/libnvidia-ml.so.1")

    static func configuration(
        powercap: String, proc: String, nvidia: NVIDIASampler.Configuration? = noNvidia, threads: Int = 2
    ) -> EnergyMeterConfiguration {
        var configuration = EnergyMeterConfiguration()
        configuration.powercapRoot = powercap
        configuration.procRoot = proc
        configuration.cgroupRoot = proc + "/cgroup"
        configuration.clockTicksPerSecond = FakeProc.ticksPerSecond
        configuration.nvidia = nvidia
        configuration.hardwareThreads = threads
        configuration.logger = quietLogger
        return configuration
    }

    /// Σ jobs + unattributed = ΔE for every domain of the last interval, to 1 µJ (docs/energy.md).
    static func assertInvariant(_ meter: EnergyMeter, file: StaticString = #filePath, line: UInt = #line) {
        for interval in meter.lastIntervals {
            let attributed = interval.jobs.values.reduce(0) { $0 + $1.total }
            XCTAssertEqual(
                attributed + interval.unattributed, interval.joules, accuracy: 1e-6, "\(interval.domain)", file: file,
                line: line)
            XCTAssertGreaterThanOrEqual(interval.unattributed, -1e-6, "\(interval.domain)", file: file, line: line)
            XCTAssertEqual(interval.dynamic + interval.idle, interval.joules, accuracy: 1e-6, file: file, line: line)
        }
    }
}
