import Energy
import Model

/// The node's NVIDIA GPUs for the heartbeat: index, name and driver from
/// `NVIDIASampler.probe` (NVML, else nvidia-smi), memory from one more
/// `nvidia-smi --query-gpu=index,memory.total,uuid` (MiB, and the `GPU-…` UUID that results name).
/// No NVML and no nvidia-smi: no GPUs.
public enum GPUInventory {
    public static func probe(nvidiaSMIPath: String, nvmlLibraryPath: String?, timeoutSeconds: Double) -> [Hardware.GPU]
    {
        let configuration = NVIDIASampler.Configuration(
            nvidiaSMIPath: nvidiaSMIPath, nvmlLibraryPath: nvmlLibraryPath, commandTimeoutSeconds: timeoutSeconds)
        let readings = NVIDIASampler.probe(configuration: configuration)
        guard !readings.isEmpty else { return [] }
        let details = details(nvidiaSMIPath: nvidiaSMIPath, timeoutSeconds: timeoutSeconds)
        return readings.map {
            Hardware.GPU(
                index: $0.index, name: $0.name ?? "unknown", memoryMegabytes: details[$0.index]?.memory ?? 0,
                driver: $0.driverVersion ?? "unknown", uuid: details[$0.index]?.uuid)
        }
    }

    /// Memory and UUID per GPU index; empty when nvidia-smi cannot say.
    static func details(nvidiaSMIPath: String, timeoutSeconds: Double) -> [Int: (memory: Int?, uuid: String?)] {
        let launch = ProcessLaunch(
            executable: nvidiaSMIPath,
            arguments: ["--query-gpu=index,memory.total,uuid", "--format=csv,noheader,nounits"])
        guard let capture = try? ProcessCapture.run(launch, timeoutSeconds: timeoutSeconds), capture.outcome.succeeded
        else { return [:] }
        return parseDetails(capture.standardOutput)
    }

    /// `0, 81559, GPU-5c1e…` lines → [0: (81559, "GPU-5c1e…")]; `[N/A]` is nil; a UUID that is not
    /// `GPU-` and at most 80 letters, digits and `-` is nil; rows without an index are skipped.
    static func parseDetails(_ output: String) -> [Int: (memory: Int?, uuid: String?)] {
        var details: [Int: (memory: Int?, uuid: String?)] = [:]
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: ",").map { $0.withoutSurroundingSpaces() }
            guard (2...3).contains(fields.count), let index = Int(fields[0]) else { continue }
            let uuid = fields.count == 3 ? String(fields[2]) : ""
            let valid =
                uuid.hasPrefix("GPU-") && uuid.utf8.count <= 80
                && uuid.unicodeScalars.allSatisfy {
                    $0 == "-" || ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0)
                }
            details[index] = (Int(fields[1]), valid ? uuid : nil)
        }
        return details
    }
}
