import Energy
import Model
import Support

/// Builds telemetry samples from /proc: host CPU % and memory, each running job's CPU % and
/// resident memory (its ffmpeg process tree), its latest progress, the meter's power readings and
/// the GPUs' latest state.
/// Used by the reporter thread only.
final class TelemetryCollector {
    private let reader: ProcessCPUReader
    private let procRoot: String
    private var lastHost: HostCPUTimes?
    private var lastJobTicks: [String: (ticks: UInt64, at: UInt64)] = [:]

    init(procRoot: String) {
        self.procRoot = procRoot
        reader = ProcessCPUReader(procRoot: procRoot)
    }

    func sample(jobs: [RunningJob], meter: EnergyMeter, at now: UInt64) -> TelemetrySample {
        let host = reader.hostTimes()
        var cpuPercent = 0.0
        if let host, let last = lastHost, host.total > last.total {
            cpuPercent = 100 * Double(host.busy - min(host.busy, last.busy)) / Double(host.total - last.total)
        }
        lastHost = host
        let (used, total) = memory()
        let table = jobs.contains { $0.processID != nil } ? reader.table() : ProcessTable(processes: [:])
        var progress: [TelemetrySample.JobProgress] = []
        var seen: Set<String> = []
        for job in jobs {
            seen.insert(job.id)
            var jobCPU = 0.0
            var resident = 0.0
            if let pid = job.processID, let ticks = table.treeCPUTicks(root: pid, startTicks: nil) {
                if let last = lastJobTicks[job.id], now > last.at, ticks >= last.ticks {
                    let seconds = Double(ticks - last.ticks) / reader.clockTicksPerSecond
                    jobCPU = 100 * seconds / (Double(now - last.at) / 1e9)
                }
                lastJobTicks[job.id] = (ticks, now)
                resident = table.tree(root: pid, startTicks: nil).reduce(0) { $0 + residentMegabytes(of: $1) }
            }
            let snapshot = job.progress
            progress.append(
                TelemetrySample.JobProgress(
                    id: job.id, frame: snapshot?.frame ?? 0, fps: snapshot?.fps ?? 0, speed: snapshot?.speed,
                    bitrateKilobits: snapshot?.bitrateKilobits, cpuPercent: jobCPU, residentMegabytes: resident,
                    outputSeconds: snapshot?.outputSeconds ?? 0,
                    progress: job.spec.durationSeconds.flatMap { duration in
                        snapshot.map { min(1, max(0, $0.outputSeconds / duration)) }
                    }))
        }
        lastJobTicks = lastJobTicks.filter { seen.contains($0.key) }
        let power = meter.lastReadings.sorted { $0.domain < $1.domain }.map {
            TelemetrySample.PowerReading(domain: $0.domain, watts: $0.watts, source: $0.source)
        }
        var sample = TelemetrySample(
            nodeID: "", monotonicNanoseconds: Int64(now), sentAt: Timestamp.nowNanoseconds(), cpuPercent: cpuPercent,
            memoryUsedMegabytes: used, memoryTotalMegabytes: total, power: power, jobs: progress)
        if meter.hasGPUs { sample.gpus = Self.gpuStates(meter.latestGPUReadings) }
        return sample
    }

    /// Telemetry's view of the GPUs' latest readings.
    static func gpuStates(_ readings: [GPUReading]) -> [TelemetrySample.GPUState] {
        readings.map {
            TelemetrySample.GPUState(
                index: $0.index, temperatureCelsius: $0.temperatureCelsius, memoryUsedMegabytes: $0.memoryUsedMegabytes,
                encoderPercent: $0.encoderUtilizationPercent, decoderPercent: $0.decoderUtilizationPercent)
        }
    }

    /// /proc/meminfo and /proc/<pid>/status are a few KB; 1 MiB is far more than either holds.
    static let procFileLimit = 1 << 20

    /// Used and total memory in MB from /proc/meminfo (used = total − available).
    private func memory() -> (used: Int, total: Int) {
        guard let bytes = try? DurableFiles.read(procRoot + "/meminfo", limit: Self.procFileLimit) else {
            return (0, 0)
        }
        var total = 0
        var available = 0
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            let words = line.split(separator: " ")
            guard words.count >= 2, let kilobytes = Int(words[1]) else { continue }
            if words[0] == "MemTotal:" { total = kilobytes }
            if words[0] == "MemAvailable:" { available = kilobytes }
        }
        return ((total - available) / 1024, total / 1024)
    }

    private func residentMegabytes(of pid: Int32) -> Double {
        guard let bytes = try? DurableFiles.read("\(procRoot)/\(pid)/status", limit: Self.procFileLimit) else {
            return 0
        }
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let words = line.split(separator: " ")
            if words.count >= 2, let kilobytes = Double(words[1]) { return kilobytes / 1024 }
        }
        return 0
    }
}
