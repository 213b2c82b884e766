/// What a result ran on, for comparing like with like: the node id, the CPU and GPU models its
/// heartbeat reported, and the result's `hardware_id` (`Provenance.hardwareID`) when its agent
/// sent one, so a node whose hardware changed is not averaged with its former self.
public struct HardwareKey: Sendable, Hashable {
    public var nodeID: String
    public var cpuModel: String?
    /// The first GPU's model, if the node has one.
    public var gpuModel: String?
    /// Nil for results from agents that predate provenance.
    public var hardwareID: String?

    public init(nodeID: String, hardware: Hardware?, hardwareID: String? = nil) {
        self.nodeID = nodeID
        cpuModel = hardware?.cpuModel
        gpuModel = hardware?.gpus.first?.name
        self.hardwareID = hardwareID
    }

    /// `node=node-1 cpu=AMD EPYC 7B13 gpu=-`, then ` hw=hw-…` when the id is known.
    public var key: String {
        "node=\(nodeID) cpu=\(cpuModel ?? "-") gpu=\(gpuModel ?? "-")" + (hardwareID.map { " hw=\($0)" } ?? "")
    }
}
