/// Which GPU a job ran on: nvidia-smi's index and UUID (the UUID stays the same across reboots and
/// driver reloads, the index may not).
public struct GPUAssignment: Codable, Sendable, Equatable {
    public var index: Int
    public var uuid: String?

    public init(index: Int, uuid: String? = nil) {
        self.index = index
        self.uuid = uuid
    }
}
