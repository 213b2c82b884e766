/// The CPU as `/proc/cpuinfo` describes it: the model name, hardware threads (one `processor`
/// entry each) and physical cores (distinct `physical id` + `core id` pairs; where those are
/// missing, as on many ARM and some virtual machines, `cpu cores` × sockets, else the threads).
public struct CPUInfo: Sendable, Equatable {
    public var model: String
    public var cores: Int
    public var threads: Int

    public init(model: String, cores: Int, threads: Int) {
        self.model = model
        self.cores = cores
        self.threads = threads
    }

    public static func parse(_ text: String) -> CPUInfo {
        var model: String?
        var threads = 0
        var coresPerSocket: Int?
        var sockets: Set<String> = []
        var coreKeys: Set<String> = []
        var socket = ""
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].withoutSurroundingSpaces()
            let value = line[line.index(after: colon)...].withoutSurroundingSpaces()
            switch key {
            case "processor":
                threads += 1
                socket = ""
            // x86 names the model "model name"; some ARM kernels only "Hardware" or "Processor".
            case "model name", "Hardware", "Processor", "cpu model":
                if model == nil, !value.isEmpty { model = value }
            case "physical id":
                socket = value
                sockets.insert(value)
            case "core id": coreKeys.insert(socket + "/" + value)
            case "cpu cores": coresPerSocket = Int(value)
            default: break
            }
        }
        var cores = coreKeys.count
        if cores == 0, let coresPerSocket { cores = coresPerSocket * max(1, sockets.count) }
        if cores == 0 || cores > threads { cores = threads }
        return CPUInfo(model: model ?? "unknown", cores: max(cores, 1), threads: max(threads, 1))
    }
}

/// `/proc/meminfo`'s MemTotal.
public enum MemoryInfo {
    /// MemTotal in MiB (the file says kB, meaning KiB); nil when absent.
    public static func totalMegabytes(_ text: String) -> Int? {
        for line in text.split(separator: "\n") where line.hasPrefix("MemTotal:") {
            let fields = line.split(separator: " ")
            guard fields.count >= 2, let kibibytes = Int(fields[1]) else { return nil }
            return kibibytes / 1024
        }
        return nil
    }
}
