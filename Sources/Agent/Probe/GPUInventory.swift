import Energy
import Model

/// The node's NVIDIA GPUs for the heartbeat: index, name and driver from
/// `NVIDIASampler.probe` (NVML, else nvidia-smi), memory from one more
/// `nvidia-smi --query-gpu=index,memory.total` (MiB). No NVML and no nvidia-smi: no GPUs.
public enum GPUInventory {
    public static func probe(nvidiaSMIPath: String, nvmlLibraryPath: String?, timeoutSeconds: Double) -> [Hardware.GPU]
    {
        let configuration = NVIDIASampler.Configuration(
            nvidiaSMIPath: nvidiaSMIPath, nvmlLibraryPath: nvmlLibraryPath, commandTimeoutSeconds: timeoutSeconds)
        let readings = NVIDIASampler.probe(configuration: configuration)
        guard !readings.isEmpty else { return [] }
        let memory = memoryMegabytes(nvidiaSMIPath: nvidiaSMIPath, timeoutSeconds: timeoutSeconds)
        return readings.map {
            Hardware.GPU(
                index: $0.index, name: $0.name ?? "unknown", memoryMegabytes: memory[$0.index] ?? 0,
                driver: $0.driverVersion ?? "unknown")
        }
    }

    /// Memory per GPU index; empty when nvidia-smi cannot say.
    static func memoryMegabytes(nvidiaSMIPath: String, timeoutSeconds: Double) -> [Int: Int] {
        let launch = ProcessLaunch(
            executable: nvidiaSMIPath, arguments: ["--query-gpu=index,memory.total", "--format=csv,noheader,nounits"])
        guard let capture = try? ProcessCapture.run(launch, timeoutSeconds: timeoutSeconds), capture.outcome.succeeded
        else { return [:] }
        return parseMemory(capture.standardOutput)
    }

    /// `0, 81559` lines → [0: 81559]; `[N/A]` and malformed rows are skipped.
    static func parseMemory(_ output: String) -> [Int: Int] {
        var memory: [Int: Int] = [:]
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: ",").map { $0.withoutSurroundingSpaces() }
            guard fields.count == 2, let index = Int(fields[0]), let megabytes = Int(fields[1]) else { continue }
            memory[index] = megabytes
        }
        return memory
    }
}
