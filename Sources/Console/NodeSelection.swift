import Model

/// Which nodes jobs go to, `ffrtmp submit --node`, `--each-node` and `--hardware`: a job sent to a
/// node waits on `job.node.<node>.<capability>` for that node alone. Pure (the master's node list is
/// passed in), so it is tested without a master.
public struct NodeSelection: Sendable, Equatable {
    /// `--node`: every job to this node, known to the master or not (its queue keeps the jobs).
    public var node: String?
    /// `--each-node`: one copy of every job per live node proven for its capability.
    public var eachNode = false
    /// `--hardware`: only nodes whose heartbeat has this `hardware_id`.
    public var hardwareID: String?

    public init(node: String? = nil, eachNode: Bool = false, hardwareID: String? = nil) {
        self.node = node
        self.eachNode = eachNode
        self.hardwareID = hardwareID
    }

    /// Whether routing needs the master's node list.
    public var needsNodeList: Bool { eachNode || hardwareID != nil }

    /// Refuses flags that contradict each other or a node that is not a valid id.
    public func validate() throws(NodeSelectionError) {
        if let node {
            if let violation = Identifier.violation(node) { throw NodeSelectionError("--node \(violation.reason)") }
            if eachNode || hardwareID != nil {
                throw NodeSelectionError("--node names the node: no --each-node or --hardware with it")
            }
        }
        if let hardwareID, hardwareID.isEmpty { throw NodeSelectionError("--hardware needs a hardware id") }
    }

    /// The live nodes proven for `capability` (and of the hardware asked for), by node id.
    public func candidates(for capability: Capability, among nodes: [MasterRows.Node]) -> [MasterRows.Node] {
        nodes.filter { node in
            node.isLive && node.hasProven(capability) && (hardwareID == nil || node.hardwareID == hardwareID)
        }.sorted { $0.nodeID < $1.nodeID }
    }

    /// `jobs` sent where the selection says: to `node`; with `eachNode` one copy per candidate (id
    /// suffixed `-<node>`); with `hardwareID` alone to the least busy candidate. A job no live node
    /// can take is an error naming its capability, and nothing is sent.
    public func route(_ jobs: [Job], nodes: [MasterRows.Node]) throws(NodeSelectionError) -> [Job] {
        try validate()
        if let node { return jobs.map { job in Self.sent(job, to: node) } }
        guard needsNodeList else { return jobs }
        var routed: [Job] = []
        for job in jobs {
            guard let capability = job.capability else { continue }
            let chosen = candidates(for: capability, among: nodes)
            guard let leastBusy = chosen.min(by: { Self.busySlots($0) < Self.busySlots($1) }) else {
                let hardware = hardwareID.map { " with hardware \($0)" } ?? ""
                throw NodeSelectionError(
                    "no live node\(hardware) has proven \(capability.rawValue) (job \(job.id)); see ffrtmp nodes")
            }
            guard eachNode else {
                routed.append(Self.sent(job, to: leastBusy.nodeID))
                continue
            }
            for node in chosen {
                var copy = Self.sent(job, to: node.nodeID)
                copy.id = job.id + "-" + node.nodeID
                guard Identifier.isValid(copy.id) else {
                    throw NodeSelectionError("the job id \(copy.id) is too long for --each-node (a shorter --id helps)")
                }
                routed.append(copy)
            }
        }
        return routed
    }

    static func sent(_ job: Job, to node: String) -> Job {
        var sent = job
        sent.node = node
        return sent
    }

    static func busySlots(_ node: MasterRows.Node) -> Int { node.heartbeat?.slotsBusy ?? 0 }
}

/// A node selection that cannot be honoured, said for the user.
public struct NodeSelectionError: Error, CustomStringConvertible, Sendable, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
