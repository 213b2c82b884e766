import Support

/// Which GPU each running GPU job encodes on (issue 12 item 13). A job is given the GPU with the
/// fewest jobs on it, the lowest index among equals, so with as many slots as GPUs each job has a
/// GPU to itself; with more slots than GPUs, jobs share the least loaded ones. The choice goes to
/// ffmpeg (`-gpu N`), to the energy meter (that GPU's energy is charged to the job) and into the
/// result.
final class GPUSlots: @unchecked Sendable {
    private let lock = Lock()
    // Guarded by `lock`: job id to the GPU index it was given.
    private var claims: [String: Int] = [:]

    /// Gives `jobID` one of `gpus` (nvidia-smi indices); nil when there is none.
    func claim(_ jobID: String, among gpus: [Int]) -> Int? {
        lock.withLock {
            if let held = claims[jobID] { return held }
            var load = Dictionary(uniqueKeysWithValues: gpus.map { ($0, 0) })
            for gpu in claims.values where load[gpu] != nil { load[gpu, default: 0] += 1 }
            guard let chosen = load.min(by: { ($0.value, $0.key) < ($1.value, $1.key) })?.key else { return nil }
            claims[jobID] = chosen
            return chosen
        }
    }

    /// The job ended: its GPU is free for the next.
    func release(_ jobID: String) {
        lock.withLock { _ = claims.removeValue(forKey: jobID) }
    }

    /// The GPU a running job holds, if any.
    func gpu(of jobID: String) -> Int? { lock.withLock { claims[jobID] } }
}
