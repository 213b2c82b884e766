import CSystem
import Support

extension ConsumerStateStore {
    /// Opens the consumer state in `directory` (created when missing) and rebuilds it from its log. A
    /// torn or corrupt tail is cut off; a log whose header is damaged is started over (its state is
    /// lost, which the report and the log line say). A leftover `consumer.log.tmp` is removed.
    public static func open(
        directory: String, options: ConsumerStateStoreOptions = ConsumerStateStoreOptions(), logger: Logger,
        fileSystem: any FileSystem = PosixFileSystem()
    ) throws(StoreError) -> ConsumerStateStore {
        try options.validate()
        try fileSystem.createDirectory(directory)
        var report = RecoveryReport()
        let logPath = joinPath(directory, logFileName)
        if try fileSystem.contentsOfDirectory(directory).contains(logFileName + ".tmp") {
            try fileSystem.removeFile(logPath + ".tmp")
            try fileSystem.synchronizeDirectory(directory)
            report.removedTemporaryFiles = 1
        }
        let file = try fileSystem.openFile(logPath, creating: true)
        var state = ConsumerState()
        let end: Int64
        do throws(StoreError) {
            let size = try file.size()
            report.filesScanned = 1
            if size > 0, let header = try FileHeader.read(from: file), header.kind == .consumerLog {
                let outcome = try replay(file, upTo: size, into: &state)
                report.recordsScanned = outcome.records
                if let reason = outcome.damage {
                    report.truncatedRecords = try RecordScanner.countFrames(file, from: outcome.validEnd, to: size)
                    report.truncatedBytes = size - outcome.validEnd
                    report.damagedFiles.append(
                        DamagedFile(
                            path: logPath, offset: outcome.validEnd, bytes: size - outcome.validEnd, reason: reason,
                            truncated: true))
                    try file.truncate(to: outcome.validEnd)
                    try file.synchronize()
                }
                end = outcome.validEnd
            } else {
                if size > 0 {
                    report.truncatedBytes = size
                    report.damagedFiles.append(
                        DamagedFile(
                            path: logPath, offset: 0, bytes: size, reason: .invalidHeader, truncated: true))
                }
                try file.truncate(to: 0)
                let header = FileHeader(kind: .consumerLog, baseSequence: 0, baseTimestamp: 0).encoded()
                try header.withStoreBytes { bytes throws(StoreError) in try file.write(bytes, at: 0) }
                try file.synchronize()
                try fileSystem.synchronizeDirectory(directory)
                end = Int64(FileHeader.size)
            }
        } catch {
            file.close()
            throw error
        }
        let store = ConsumerStateStore(
            directory: directory, options: options, logger: logger, fileSystem: fileSystem,
            writer: RecordWriter(file: file, end: end, bufferCapacity: options.writeBufferBytes), state: state,
            report: report)
        logger.log(
            report.isClean ? .info : .warning,
            report.isClean ? "consumer state opened" : "consumer state recovered damage",
            [
                "dir": directory, "records_scanned": report.recordsScanned, "pending": state.pending.count,
                "delivered_stream_seq": state.delivered.stream, "ack_floor_stream_seq": state.ackFloor.stream,
                "truncated_bytes": report.truncatedBytes, "truncated_records": report.truncatedRecords,
            ])
        return store
    }
}
