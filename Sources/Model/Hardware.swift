/// What a node has, as its agent probed it (/proc/cpuinfo, /proc/meminfo, nvidia-smi or NVML).
public struct Hardware: Codable, Sendable, Equatable {
    public var cpuModel: String
    /// Physical cores and hardware threads.
    public var cores: Int
    public var threads: Int
    public var ramMegabytes: Int
    public var gpus: [GPU]

    public init(cpuModel: String, cores: Int, threads: Int, ramMegabytes: Int, gpus: [GPU] = []) {
        self.cpuModel = cpuModel
        self.cores = cores
        self.threads = threads
        self.ramMegabytes = ramMegabytes
        self.gpus = gpus
    }

    enum CodingKeys: String, CodingKey {
        case cores, threads, gpus
        case cpuModel = "cpu_model"
        case ramMegabytes = "ram_mb"
    }

    /// One GPU.
    public struct GPU: Codable, Sendable, Equatable {
        /// The driver's index (`nvidia-smi -i`).
        public var index: Int
        public var name: String
        public var memoryMegabytes: Int
        /// Driver version.
        public var driver: String
        /// nvidia-smi's `GPU-…` UUID, stable where the index may not be; nil when not read.
        public var uuid: String?

        public init(index: Int, name: String, memoryMegabytes: Int, driver: String, uuid: String? = nil) {
            self.index = index
            self.name = name
            self.memoryMegabytes = memoryMegabytes
            self.driver = driver
            self.uuid = uuid
        }

        enum CodingKeys: String, CodingKey {
            case index, name, driver, uuid
            case memoryMegabytes = "memory_mb"
        }
    }
}
