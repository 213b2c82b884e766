import CSystem
import Support

/// Settings of a `ConsumerStateStore`.
public struct ConsumerStateStoreOptions: Sendable, Equatable {
    /// Records are collected in memory and written once this many bytes wait, or at `sync()`.
    public var writeBufferBytes: Int = 64 << 10
    /// The log is rewritten as one snapshot at `sync()` once it is larger than this …
    public var rewriteMinimumBytes: Int = 1 << 20
    /// … and larger than this many times the snapshot would be.
    public var rewriteFactor: Int = 4
    /// The largest config blob accepted. Default 1 MiB.
    public var maximumConfigBytes: Int = 1 << 20

    public init() {}

    func validate() throws(StoreError) {
        guard writeBufferBytes >= 0 else { throw .invalidOptions("writeBufferBytes must not be negative") }
        guard rewriteMinimumBytes >= 0 else { throw .invalidOptions("rewriteMinimumBytes must not be negative") }
        guard rewriteFactor >= 1 else { throw .invalidOptions("rewriteFactor \(rewriteFactor) must be at least 1") }
        guard maximumConfigBytes >= 0, maximumConfigBytes <= 16 << 20 else {
            throw .invalidOptions("maximumConfigBytes \(maximumConfigBytes) is outside 0…16 MiB")
        }
    }
}

/// The durable state of one consumer: an append-only log (`consumer.log`) of small checksummed records
/// (format in `RecordFormat`), replayed on open and rewritten as a single snapshot when it grows.
///
/// Same durability contract as `StreamStore`: `record…` calls buffer, `sync()` makes them durable
/// (group commit). A failed write or sync cuts the log back to the last durable point and reloads the
/// state from it, so the state then matches the last successful `sync()`.
///
/// Not thread-safe: the broker calls it from one dedicated thread only (the type is deliberately not
/// `Sendable`).
public final class ConsumerStateStore {
    public static let logFileName = "consumer.log"

    public let directory: String
    public let options: ConsumerStateStoreOptions
    /// What opening the log found and repaired.
    public internal(set) var recoveryReport: RecoveryReport
    /// The state after every record so far (including ones not yet synced).
    public internal(set) var state: ConsumerState

    let fileSystem: any FileSystem
    let logger: Logger
    var writer: RecordWriter
    var failure: StoreError?
    var isClosed = false

    var logPath: String { joinPath(directory, ConsumerStateStore.logFileName) }

    init(
        directory: String, options: ConsumerStateStoreOptions, logger: Logger, fileSystem: any FileSystem,
        writer: RecordWriter, state: ConsumerState, report: RecoveryReport
    ) {
        self.directory = directory
        self.options = options
        self.logger = logger
        self.fileSystem = fileSystem
        self.writer = writer
        self.state = state
        recoveryReport = report
    }

    deinit { if !isClosed { writer.file.close() } }

    /// The directory of consumer `name` of the stream stored in `streamDirectory`:
    /// `<streamDirectory>/consumers/<name>`. Throws `invalidName` for names that are not a plain file name.
    public static func directory(forConsumer name: String, inStream streamDirectory: String) throws(StoreError)
        -> String
    {
        guard !name.isEmpty, name != ".", name != "..", !name.contains("/"), !name.utf8.contains(0),
            name.utf8.count <= 255
        else { throw .invalidName(name) }
        return joinPath(joinPath(streamDirectory, "consumers"), name)
    }

    // MARK: - Recording

    /// Stores the broker's consumer configuration (opaque bytes).
    public func setConfig(_ config: [UInt8]) throws(StoreError) {
        guard config.count <= options.maximumConfigBytes else {
            throw .recordTooLarge(bytes: config.count, limit: options.maximumConfigBytes)
        }
        try record(.config(config))
    }

    /// Records that `streamSequence` was delivered as `consumerSequence`, for the `deliveryCount`-th time.
    public func recordDelivered(
        streamSequence: UInt64, consumerSequence: UInt64, deliveryCount: UInt64, timestamp: Int64
    ) throws(StoreError) {
        try record(
            .delivered(
                streamSequence: streamSequence, consumerSequence: consumerSequence, deliveryCount: deliveryCount,
                timestamp: timestamp))
    }

    /// Records an acknowledgement; false (and nothing written) when the sequence was not pending.
    @discardableResult
    public func recordAcked(streamSequence: UInt64) throws(StoreError) -> Bool {
        guard state.pending[streamSequence] != nil else { return false }
        try record(.acked(streamSequence: streamSequence))
        return true
    }

    /// Records a termination (+TERM or max deliveries reached): the message will not be redelivered.
    @discardableResult
    public func recordTerminated(streamSequence: UInt64) throws(StoreError) -> Bool {
        guard state.pending[streamSequence] != nil else { return false }
        try record(.terminated(streamSequence: streamSequence))
        return true
    }

    /// Makes every record so far durable. When the log has grown past its limits this is done by
    /// rewriting it as one snapshot instead (temporary file, `fdatasync`, rename, `fsync` directory).
    public func sync() throws(StoreError) {
        try checkUsable()
        let snapshotRecordBytes = ConsumerRecord.snapshotRecordBytes(of: state)
        let snapshotBytes = Int64(snapshotRecordBytes + FileHeader.size)
        if writer.end > Int64(options.rewriteMinimumBytes), writer.end > Int64(options.rewriteFactor) * snapshotBytes,
            snapshotRecordBytes - RecordFormat.frameBytes <= RecordFormat.maximumBodyBytes
        {
            try rewrite()
        } else {
            do { try writer.synchronize() } catch { throw discardUnsynced(after: error) }
        }
    }

    /// Rewrites the log as a single snapshot of the current state; durable when this returns. Throws
    /// `recordTooLarge` (changing nothing) when the snapshot would pass the 64 MiB record limit (about
    /// two million pending messages).
    public func rewrite() throws(StoreError) {
        try checkUsable()
        let snapshotBodyBytes = ConsumerRecord.snapshotRecordBytes(of: state) - RecordFormat.frameBytes
        guard snapshotBodyBytes <= RecordFormat.maximumBodyBytes else {
            throw .recordTooLarge(bytes: snapshotBodyBytes, limit: RecordFormat.maximumBodyBytes)
        }
        let temporaryPath = logPath + ".tmp"
        let file: any StorageFile
        do { file = try fileSystem.openFile(temporaryPath, creating: true) } catch {
            throw discardUnsynced(after: error)
        }
        let output = RecordWriter(file: file, end: 0, bufferCapacity: 0)
        do throws(StoreError) {
            try file.truncate(to: 0)
            output.buffer = FileHeader(kind: .consumerLog, baseSequence: 0, baseTimestamp: 0).encoded()
            ConsumerRecord.snapshot(
                config: state.config, delivered: state.delivered,
                pending: state.pendingInOrder.map { ($0.streamSequence, $0.delivery) }
            ).append(to: &output.buffer)
            try output.synchronize()
            try fileSystem.rename(temporaryPath, to: logPath)
        } catch {
            file.close()
            try? fileSystem.removeFile(temporaryPath)
            throw discardUnsynced(after: error)
        }
        let oldFile = writer.file
        writer = RecordWriter(file: file, end: output.end, bufferCapacity: options.writeBufferBytes)
        oldFile.close()
        do throws(StoreError) { try fileSystem.synchronizeDirectory(directory) } catch {
            // The new log is in place but its name may not be durable; nothing can be promised now.
            failure = .unusable(path: directory, reason: "fsync after replacing \(logPath) failed: \(error)")
            throw failure!
        }
    }

    /// Size of the log file including buffered records.
    public var logBytes: Int64 { writer.end }

    /// Syncs and releases the log file. The file is released even when the sync fails.
    public func close() throws(StoreError) {
        guard !isClosed else { return }
        defer {
            writer.file.close()
            isClosed = true
        }
        if failure == nil { do { try writer.synchronize() } catch { throw discardUnsynced(after: error) } }
    }

    /// Closes the store (without syncing) and deletes its directory.
    public func destroy() throws(StoreError) {
        if !isClosed { writer.file.close() }
        isClosed = true
        try fileSystem.removeRecursively(directory)
        try fileSystem.synchronizeDirectory(parentDirectory(of: directory))
    }

    // MARK: - Internals

    func checkUsable() throws(StoreError) {
        if isClosed { throw .closed(path: directory) }
        if let failure { throw failure }
    }

    /// Buffers `record`, applies it to the state, and writes the buffer once it is full.
    func record(_ record: ConsumerRecord) throws(StoreError) {
        try checkUsable()
        record.append(to: &writer.buffer)
        record.apply(to: &state)
        guard writer.buffer.count >= options.writeBufferBytes else { return }
        do { try writer.flush() } catch { throw discardUnsynced(after: error) }
    }

    /// After a failed write or sync: cuts the log back to its durable end and rebuilds the state from
    /// it. Returns the error to throw.
    func discardUnsynced(after error: StoreError) -> StoreError {
        do throws(StoreError) {
            try writer.discardUnsynced()
            var rebuilt = ConsumerState()
            let outcome = try ConsumerStateStore.replay(writer.file, upTo: writer.durableEnd, into: &rebuilt)
            guard outcome.damage == nil else {
                throw StoreError.corruptRecord(path: logPath, offset: outcome.validEnd)
            }
            state = rebuilt
        } catch {
            failure = .unusable(path: directory, reason: "could not return \(logPath) to its last sync: \(error)")
            logger.error("consumer store unusable", ["dir": directory, "error": failure!])
            return failure!
        }
        logger.warning("consumer state write failed, unsynced records discarded", ["dir": directory, "error": error])
        return error
    }

    /// Applies the records of a log file from after its header up to `end`.
    static func replay(_ file: any StorageFile, upTo end: Int64, into state: inout ConsumerState) throws(StoreError)
        -> ScanOutcome
    {
        try RecordScanner.scan(file, from: Int64(FileHeader.size), to: end) { _, _, body throws(StoreError) -> Bool in
            guard let record = ConsumerRecord.decode(body) else { return false }
            record.apply(to: &state)
            return true
        }
    }
}
