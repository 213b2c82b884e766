@testable import Store
import Support

/// Store recovery (`RecordScanner.scan` and the record decoders behind it) over arbitrary file
/// bytes, in memory: a stream whose segments are the input, or a consumer's log. Recovery must
/// never trap; a second open must find the state the first left, with no damage beyond what the
/// first found and stepped over (recovery keeps the records around a damaged one, so that damage
/// stays); the recovered store must then take writes and reads.
///
/// Input: a mode byte, a split byte, then the file's bytes (header included, as on disk). Mode bit
/// 0 repairs every checksum first (the header's and each frame's, following the length fields) so
/// that the body decoders see more than checksum failures; bit 1 makes the bytes a consumer log
/// instead of a stream segment; bit 2 splits them into two segments at the split byte's fraction.
enum SegmentFuzz {
    static let logger = Logger(component: "fuzz", sink: LogSink(minimumLevel: .error))
    static let streamDirectory = "/fuzz/stream"

    static func run(_ input: UnsafeRawBufferPointer) {
        guard input.count >= 2 else { return }
        let mode = input[0]
        let repairs = mode & 1 != 0
        var bytes = Array(input[2...])
        if mode & 2 != 0 {
            if repairs { repairChecksums(&bytes) }
            consumerLog(bytes)
            return
        }
        var files: [[UInt8]] = [bytes]
        if mode & 4 != 0 {
            let split = bytes.count * Int(input[1]) / 256
            files = [Array(bytes[..<split]), Array(bytes[split...])]
        }
        if repairs {
            for index in files.indices { repairChecksums(&files[index]) }
        }
        stream(files)
    }

    /// Opens a stream made of `files` (segments 1, 2, …), reopens it, then writes and reads.
    static func stream(_ files: [[UInt8]]) {
        let fileSystem = MemoryFileSystem()
        for (index, file) in files.enumerated() {
            fileSystem.place(streamDirectory + "/" + Segment.fileName(id: UInt32(index + 1)), bytes: file)
        }
        var options = StreamStoreOptions()
        options.maximumSegmentBytes = 4096
        options.rewriteMinimumBytes = 1024
        options.writeBufferBytes = 4096
        guard
            let first = try? StreamStore.open(
                directory: streamDirectory, options: options, logger: logger, fileSystem: fileSystem)
        else { return }
        let state = first.state
        let firstMessages = messages(in: first)
        let keptDamage = first.recoveryReport.damagedFiles.filter { !$0.truncated }
        try? first.close()
        guard
            let store = try? StreamStore.open(
                directory: streamDirectory, options: options, logger: logger, fileSystem: fileSystem)
        else {
            fuzzCheck(false, "a recovered stream did not open again")
            return
        }
        fuzzCheck(store.state == state, "reopened as \(store.state), was \(state)")
        fuzzCheck(messages(in: store) == firstMessages, "reopened with other messages")
        if files.count == 1 {
            let newDamage = store.recoveryReport.damagedFiles.filter { damage in
                !keptDamage.contains { kept in
                    kept.path == damage.path && kept.offset == damage.offset && kept.bytes == damage.bytes
                }
            }
            fuzzCheck(newDamage.isEmpty, "new damage after recovery: \(newDamage), was \(keptDamage)")
        }
        _ = try? store.append(subject: "fuzz.after", payload: [1, 2, 3])
        if state.firstSequence > 0 { _ = try? store.remove(state.firstSequence) }
        try? store.sync()
        try? store.compact()
        _ = messages(in: store)
        try? store.close()
    }

    /// The first messages, as sequence and subject.
    static func messages(in store: StreamStore) -> [String] {
        store.sequences(after: 0, limit: 32) { _ in true }.map { sequence in
            let message = try? store.message(at: sequence)
            return "\(sequence) \(message.map { "\($0.subject) \($0.payload.count)" } ?? "unreadable")"
        }
    }

    /// Opens a consumer whose log is `bytes`, reopens it, then records a delivery and an ack.
    static func consumerLog(_ bytes: [UInt8]) {
        let fileSystem = MemoryFileSystem()
        let directory = streamDirectory + "/consumers/fuzz"
        fileSystem.place(directory + "/" + ConsumerStateStore.logFileName, bytes: bytes)
        guard let first = try? ConsumerStateStore.open(directory: directory, logger: logger, fileSystem: fileSystem)
        else { return }
        let state = describe(first.state)
        try? first.close()
        guard let store = try? ConsumerStateStore.open(directory: directory, logger: logger, fileSystem: fileSystem)
        else {
            fuzzCheck(false, "a recovered consumer log did not open again")
            return
        }
        fuzzCheck(describe(store.state) == state, "reopened as \(describe(store.state)), was \(state)")
        fuzzCheck(store.recoveryReport.isClean, "damage after recovery: \(store.recoveryReport)")
        try? store.close()
    }

    static func describe(_ state: ConsumerState) -> String {
        let pending = state.pending.keys.sorted().map { "\($0):\(String(describing: state.pending[$0]!))" }
        return "config \(state.config) delivered \(state.delivered) floor \(state.ackFloor) pending \(pending)"
    }

    /// Rewrites the header's checksum and each frame's, following the length fields while they fit.
    static func repairChecksums(_ bytes: inout [UInt8]) {
        guard bytes.count >= FileHeader.size else { return }
        storeLittleEndian(CRC32C.checksum(Array(bytes[0..<24])), in: &bytes, at: 24)
        var position = FileHeader.size
        while position + RecordFormat.frameBytes <= bytes.count {
            let length =
                Int(bytes[position]) | Int(bytes[position + 1]) << 8 | Int(bytes[position + 2]) << 16
                | Int(bytes[position + 3]) << 24
            let bodyStart = position + RecordFormat.frameBytes
            guard RecordFormat.isPlausible(bodyLength: length), bodyStart + length <= bytes.count else { return }
            storeLittleEndian(
                CRC32C.checksum(Array(bytes[bodyStart..<bodyStart + length])), in: &bytes, at: position + 4)
            position = bodyStart + length
        }
    }

    static func storeLittleEndian(_ value: UInt32, in bytes: inout [UInt8], at offset: Int) {
        for index in 0..<4 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
    }
}
