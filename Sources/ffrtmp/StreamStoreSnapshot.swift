#if canImport(Glibc)
    import Glibc
#endif
import Support

/// A copy of the broker's JetStream store directory taken while the broker runs, with no help
/// from the broker: files are read as they are and the copy relies on the store's recovery.
///
/// What is consistent, and why (layout in `JetStreamDirectory`, formats in `RecordFormat`):
/// - Per stream, `stream.json`, then the consumers (`consumer.json`, `state/consumer.log`), then
///   the segments in id order. Consumer state is therefore never newer than the messages: a
///   consumer in the copy may redeliver what it had acknowledged after its state was copied; it
///   never skips a message the copy holds unacknowledged.
/// - Segments are append-only; the active one may be copied mid-record: opening the copy cuts the
///   torn tail (its checksum fails), losing only messages written during the copy. A message
///   acknowledged to a publisher before the copy started is in it.
/// - Compaction may delete a segment (it held no live message: skipped when gone) or replace one by
///   rename (either version is whole). Tombstones sit in later segments, copied later, so a removal
///   is never lost while its message is kept the other way round.
/// - `LOCK` and `*.tmp` are skipped (recovery deletes `*.tmp`, and a new `LOCK` is made on open).
/// - Streams are copied one after another, not at one instant: across streams (JOBS vs RESULTS)
///   the copy is not a single point in time.
enum StreamStoreSnapshot {
    /// Files and bytes copied, and files that vanished while copying (compaction).
    struct Summary: Equatable {
        var files = 0
        var bytes = 0
        var vanished = 0
    }

    /// Copies `storeDirectory` into `destination` (created; it must not exist).
    static func copy(from storeDirectory: String, to destination: String) throws -> Summary {
        guard isDirectory(storeDirectory + "/streams") else {
            throw SupportError("\(storeDirectory) holds no streams/ folder: not a broker store directory")
        }
        guard access(destination, F_OK) != 0 else { throw SupportError("\(destination) exists; not overwriting it") }
        var summary = Summary()
        try DurableFiles.makeDirectories(destination + "/streams")
        for stream in try DurableFiles.list(storeDirectory + "/streams").sorted() {
            let source = storeDirectory + "/streams/" + stream
            guard isDirectory(source) else { continue }
            try copyStream(from: source, to: destination + "/streams/" + stream, summary: &summary)
        }
        return summary
    }

    /// One stream folder: configuration, consumers, anything else, then messages last.
    private static func copyStream(from source: String, to target: String, summary: inout Summary) throws {
        let names = try DurableFiles.list(source)
        let rank: (String) -> Int = { name in
            switch name {
            case "stream.json": 0
            case "consumers": 1
            case "messages": 3
            default: 2
            }
        }
        try DurableFiles.makeDirectories(target)
        for name in names.sorted(by: { (rank($0), $0) < (rank($1), $1) }) {
            try copyTree(from: source + "/" + name, to: target + "/" + name, summary: &summary)
        }
        try DurableFiles.syncDirectory(target)
    }

    /// A segment is at most 1 GiB plus one record (max_payload: 64 MiB); consumer logs stay far smaller.
    static let fileLimit = 2 << 30

    /// A file or folder; folders' files in name order (segment names are zero-padded ids, so that
    /// is id order).
    private static func copyTree(from source: String, to target: String, summary: inout Summary) throws {
        let name = source.split(separator: "/").last.map(String.init) ?? source
        if name == "LOCK" || name.hasSuffix(".tmp") { return }
        if isDirectory(source) {
            try DurableFiles.makeDirectories(target)
            for child in try DurableFiles.list(source).sorted() {
                try copyTree(from: source + "/" + child, to: target + "/" + child, summary: &summary)
            }
            try DurableFiles.syncDirectory(target)
            return
        }
        guard let bytes = try DurableFiles.read(source, limit: fileLimit) else {
            summary.vanished += 1
            return
        }
        try DurableFiles.replace(target, with: bytes)
        summary.files += 1
        summary.bytes += bytes.count
    }

    static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }
}
