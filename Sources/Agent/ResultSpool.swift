import Model
import Support

/// Results waiting for the broker's acknowledgement, kept on disk so a broker outage or an agent
/// restart loses none. One file per result (`<job>-<attempt>.json`), written atomically before the
/// first publish and removed once the stream acknowledged it. A result kept for its first publish
/// is left out of `pending` until `release`, so the reporter's retry does not publish it a second
/// time alongside the job thread.
final class ResultSpool: @unchecked Sendable {
    let folder: String
    private let lock = Lock()
    /// File names of results whose first publish is under way.
    private var publishing: Set<String> = []

    /// A kept result is one message's JSON (at most the broker's 64 MiB max_payload); past that it is not ours.
    static let fileLimit = 64 << 20

    init(folder: String) throws(SupportError) {
        self.folder = folder
        try DurableFiles.makeDirectories(folder)
    }

    /// Keeps `result` until `remove` is called for it.
    func keep(_ result: JobResult) throws {
        let bytes = try MessageCoding.encode(result)
        try lock.withLock {
            try DurableFiles.replace(path(for: result), with: bytes)
            publishing.insert(name(of: result))
        }
    }

    /// The first publish of `result` is over: a retry may take it from now on.
    func release(_ result: JobResult) {
        lock.withLock { _ = publishing.remove(name(of: result)) }
    }

    func remove(_ result: JobResult) {
        lock.withLock { _ = try? DurableFiles.removeTree(path(for: result)) }
    }

    /// Every result still waiting, oldest job id first. Unreadable files are skipped and reported.
    func pending() -> (results: [JobResult], unreadable: [String]) {
        lock.withLock {
            var results: [JobResult] = []
            var unreadable: [String] = []
            for name in ((try? DurableFiles.list(folder)) ?? []).sorted()
            where name.hasSuffix(".json") && !publishing.contains(name) {
                guard let bytes = try? DurableFiles.read(folder + "/" + name, limit: Self.fileLimit),
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

    private func path(for result: JobResult) -> String { folder + "/" + name(of: result) }

    private func name(of result: JobResult) -> String { "\(result.jobID)-\(result.attempt).json" }
}
