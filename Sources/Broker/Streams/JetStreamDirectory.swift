import FoundationEssentials
import Store
import Support
#if canImport(Glibc)
    import Glibc
#endif

/// The JetStream store directory: one folder per stream holding its configuration, its messages
/// and its consumers.
///
/// ```
/// <store_dir>/streams/<STREAM>/stream.json            config + creation time
/// <store_dir>/streams/<STREAM>/messages/              the stream's segment files
/// <store_dir>/streams/<STREAM>/consumers/<NAME>/consumer.json
/// <store_dir>/streams/<STREAM>/consumers/<NAME>/state/ the consumer's progress log
/// ```
/// Configuration files are replaced atomically (temporary file, fsync, rename, fsync folder).
final class JetStreamDirectory {
    let root: String

    struct StreamRecord: Codable {
        var config: StreamConfig
        var created: Int64
    }

    struct ConsumerRecord: Codable {
        var name: String
        var config: ConsumerConfig
        var created: Int64
    }

    init(root: String) throws(SupportError) {
        self.root = root
        try DurableFiles.makeDirectories(streamsFolder)
    }

    /// stream.json and consumer.json hold one configuration (under a KB); 16 MiB is far past any.
    static let recordLimit = 16 << 20

    var streamsFolder: String { root + "/streams" }
    func streamFolder(_ name: String) -> String { streamsFolder + "/" + name }
    func consumerFolder(stream: String, consumer: String) -> String { streamFolder(stream) + "/consumers/" + consumer }

    func loadStreams() throws -> [StreamRecord] {
        try DurableFiles.list(streamsFolder).sorted().compactMap { name in
            let path = streamFolder(name) + "/stream.json"
            guard let bytes = try DurableFiles.read(path, limit: Self.recordLimit) else { return nil }
            do {
                return try JSONDecoder().decode(StreamRecord.self, from: Data(bytes))
            } catch {
                throw SupportError("\(path): unreadable stream configuration: \(error)")
            }
        }
    }

    func loadConsumers(of stream: String) throws -> [ConsumerRecord] {
        let folder = streamFolder(stream) + "/consumers"
        return try DurableFiles.list(folder).sorted().compactMap { name in
            let path = folder + "/" + name + "/consumer.json"
            guard let bytes = try DurableFiles.read(path, limit: Self.recordLimit) else { return nil }
            do {
                return try JSONDecoder().decode(ConsumerRecord.self, from: Data(bytes))
            } catch {
                throw SupportError("\(path): unreadable consumer configuration: \(error)")
            }
        }
    }

    func saveStream(_ record: StreamRecord) throws {
        let folder = streamFolder(record.config.name)
        try DurableFiles.makeDirectories(folder + "/consumers")
        try DurableFiles.replace(folder + "/stream.json", with: Array(JSONEncoder().encode(record)))
    }

    func saveConsumer(stream: String, _ record: ConsumerRecord) throws {
        let folder = consumerFolder(stream: stream, consumer: record.name)
        try DurableFiles.makeDirectories(folder)
        try DurableFiles.replace(folder + "/consumer.json", with: Array(JSONEncoder().encode(record)))
    }

    func removeStream(_ name: String) throws {
        try DurableFiles.removeTree(streamFolder(name))
        try DurableFiles.syncDirectory(streamsFolder)
    }

    func removeConsumer(stream: String, consumer: String) throws {
        try DurableFiles.removeTree(consumerFolder(stream: stream, consumer: consumer))
        try DurableFiles.syncDirectory(streamFolder(stream) + "/consumers")
    }

    /// The durable storage of a file stream (recovering what is on disk).
    func openStorage(for stream: String, logger: Logger) throws -> StreamStorage {
        try StreamStore.open(directory: streamFolder(stream) + "/messages", options: Self.storeOptions, logger: logger)
    }

    /// How the broker's file stores write: zeros ahead of the records, so the sync before each
    /// publish ack overwrites space the segment has instead of growing it (one block write, not two).
    static var storeOptions: StreamStoreOptions {
        var options = StreamStoreOptions()
        options.preallocationBytes = 1 << 20
        return options
    }

    /// The durable progress log of a durable consumer.
    func openConsumerState(stream: String, consumer: String, logger: Logger) throws -> ConsumerPersistence {
        FileConsumerPersistence(
            store: try ConsumerStateStore.open(
                directory: consumerFolder(stream: stream, consumer: consumer) + "/state", logger: logger))
    }
}
