/// Resource limits a job asks for. The agent enforces them with cgroup v2 (`cpu.max`,
/// `memory.max`) where it can, else with nice and rlimits; a timeout always applies.
public struct JobLimits: Codable, Sendable, Equatable {
    /// CPU share in percent of one core (200 = two cores); nil: no CPU limit.
    public var cpuPercent: Int?
    /// Memory limit in MB; nil: no memory limit.
    public var memoryMegabytes: Int?
    /// Wall-clock limit in seconds; nil: the policy's default.
    public var timeoutSeconds: Int?

    public init(cpuPercent: Int? = nil, memoryMegabytes: Int? = nil, timeoutSeconds: Int? = nil) {
        self.cpuPercent = cpuPercent
        self.memoryMegabytes = memoryMegabytes
        self.timeoutSeconds = timeoutSeconds
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case cpuPercent = "cpu_percent"
        case memoryMegabytes = "memory_mb"
        case timeoutSeconds = "timeout_s"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        cpuPercent = try container.field(Int.self, .cpuPercent)
        memoryMegabytes = try container.field(Int.self, .memoryMegabytes)
        timeoutSeconds = try container.field(Int.self, .timeoutSeconds)
    }
}
