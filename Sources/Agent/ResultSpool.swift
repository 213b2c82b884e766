import Model
import Net
import Support

/// Results waiting for the broker's acknowledgement, kept on disk so a broker outage or an agent
/// restart loses none. One file per result (`<job>-<attempt>.json`), written atomically before the
/// first publish and removed once the stream acknowledged it.
final class ResultSpool: @unchecked Sendable {
    let folder: String
    private let lock = Lock()

    init(folder: String) throws(SupportError) {
        self.folder = folder
        try DurableFiles.makeDirectories(folder)
    }

    /// Keeps `result` until `remove` is called for it.
    func keep(_ result: JobResult) throws {
        let bytes = try MessageCoding.encode(result)
        try lock.withLock { try DurableFiles.replace(path(for: result), with: bytes) }
    }

    func remove(_ result: JobResult) {
        lock.withLock { _ = try? DurableFiles.removeTree(path(for: result)) }
    }

    /// Every result still waiting, oldest job id first. Unreadable files are skipped and reported.
    func pending() -> (results: [JobResult], unreadable: [String]) {
        lock.withLock {
            var results: [JobResult] = []
            var unreadable: [String] = []
            for name in ((try? DurableFiles.list(folder)) ?? []).sorted() where name.hasSuffix(".json") {
                guard let bytes = try? DurableFiles.read(folder + "/" + name),
                    let result = try? MessageCoding.decode(JobResult.self, from: bytes)
                else {
                    unreadable.append(name)
                    continue
                }
                results.append(result)
            }
            return (results, unreadable)
        }
    }

    private func path(for result: JobResult) -> String {
        "\(folder)/\(result.jobID)-\(result.attempt).json"
    }
}
