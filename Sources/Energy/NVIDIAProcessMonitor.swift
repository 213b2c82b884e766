/// One process's share of one GPU, from `nvidia-smi pmon -c 1 -s u`
/// (`# gpu pid type sm mem enc dec jpg ofa command`); `-` means no sample and is nil, not 0.
public struct GPUProcessUtilization: Sendable, Equatable {
    public var gpu: Int
    public var processID: Int32
    public var smPercent: Double?
    public var encoderPercent: Double?
    public var decoderPercent: Double?

    public init(gpu: Int, processID: Int32, smPercent: Double?, encoderPercent: Double?, decoderPercent: Double?) {
        self.gpu = gpu
        self.processID = processID
        self.smPercent = smPercent
        self.encoderPercent = encoderPercent
        self.decoderPercent = decoderPercent
    }

    /// The weight the meter splits a GPU's active energy by: `enc + dec + sm` (docs/energy.md; SM alone
    /// would give NVENC jobs, whose SM use is ~0, nothing).
    public var weight: Double { (encoderPercent ?? 0) + (decoderPercent ?? 0) + (smPercent ?? 0) }
}

/// `nvidia-smi pmon` output: the arguments and a parser that finds columns by the header line, so
/// older layouts (without `jpg`/`ofa`) parse too.
public enum NVIDIAProcessMonitor {
    /// One sample of utilisation per process (`-s u`), then exit (`-c 1`). nvidia-smi spends about
    /// a second collecting it.
    public static let arguments = ["pmon", "-c", "1", "-s", "u"]

    public static func parse(_ output: String) -> [GPUProcessUtilization] {
        var columns: [String: Int] = [:]
        var rows: [GPUProcessUtilization] = []
        for line in output.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let first = words.first else { continue }
            if first == "#" || first.hasPrefix("#") {
                let names = first == "#" ? Array(words.dropFirst()) : [String(first.dropFirst())] + words.dropFirst()
                if names.contains("pid") && columns.isEmpty {
                    for (offset, name) in names.enumerated() { columns[name] = offset }
                }
                continue
            }
            guard let gpuColumn = columns["gpu"], let pidColumn = columns["pid"],
                gpuColumn < words.count, pidColumn < words.count,
                let gpu = Int(words[gpuColumn]), let processID = Int32(words[pidColumn])
            else { continue }
            func percent(_ name: String) -> Double? {
                guard let column = columns[name], column < words.count else { return nil }
                return Double(words[column])
            }
            rows.append(
                GPUProcessUtilization(
                    gpu: gpu, processID: processID, smPercent: percent("sm"), encoderPercent: percent("enc"),
                    decoderPercent: percent("dec")))
        }
        return rows
    }
}
