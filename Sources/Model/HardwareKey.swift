/// What a result ran on, for comparing like with like: today the node id plus the CPU and GPU
/// models its heartbeat reported. Built in this one place so a later hardware id can replace it.
public struct HardwareKey: Sendable, Hashable {
    public var nodeID: String
    public var cpuModel: String?
    /// The first GPU's model, if the node has one.
    public var gpuModel: String?

    public init(nodeID: String, hardware: Hardware?) {
        self.nodeID = nodeID
        cpuModel = hardware?.cpuModel
        gpuModel = hardware?.gpus.first?.name
    }

    /// `node=node-1 cpu=AMD EPYC 7B13 gpu=-`.
    public var key: String { "node=\(nodeID) cpu=\(cpuModel ?? "-") gpu=\(gpuModel ?? "-")" }
}
