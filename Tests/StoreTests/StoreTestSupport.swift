import Glibc
import Support
import TestSupport
import XCTest

@testable import Store

/// A fresh directory under /tmp, removed in `tearDown`.
class StoreTestCase: XCTestCase {
    var directory = ""
    let fileSystem = PosixFileSystem()
    private var temporary: TemporaryDirectory?

    override func setUpWithError() throws {
        let temporary = try TemporaryDirectory(prefix: "ffrtmp-store")
        self.temporary = temporary
        directory = temporary.path
    }

    override func tearDownWithError() throws {
        temporary = nil
    }

    /// A logger that drops everything below errors.
    var quietLogger: Logger { Logger(component: "store", sink: LogSink(minimumLevel: .error)) }

    var streamDirectory: String { directory + "/stream" }

    func openStream(
        options: StreamStoreOptions = StreamStoreOptions(), fileSystem: (any FileSystem)? = nil
    ) throws -> StreamStore {
        try StreamStore.open(
            directory: streamDirectory, options: options, logger: quietLogger, fileSystem: fileSystem ?? self.fileSystem
        )
    }

    /// Names of the segment files, sorted.
    func segmentFiles() throws -> [String] {
        try fileSystem.contentsOfDirectory(streamDirectory).filter { $0.hasSuffix(".seg") }.sorted()
    }

    func fileSize(_ path: String) -> Int {
        var information = stat()
        return stat(path, &information) == 0 ? Int(information.st_size) : -1
    }

    func truncateFile(_ path: String, to size: Int) {
        XCTAssertEqual(truncate(path, off_t(size)), 0)
    }

    func readFile(_ path: String) throws -> [UInt8] {
        let file = try fileSystem.openFile(path, creating: false)
        defer { file.close() }
        return try RecordScanner.readChunk(file, at: 0, count: Int(file.size()))
    }

    func writeFile(_ path: String, _ bytes: [UInt8]) throws {
        let file = try fileSystem.openFile(path, creating: true)
        defer { file.close() }
        try file.truncate(to: 0)
        try bytes.withStoreBytes { bytes throws(StoreError) in try file.write(bytes, at: 0) }
    }
}

/// Deterministic payload for sequence `sequence`, so any message can be checked without a copy.
func payload(for sequence: UInt64, size: Int = 40) -> [UInt8] {
    var generator = SeededGenerator(seed: sequence)
    return (0..<size).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
}

/// A file system that passes everything to the real one until told to fail: the Nth write from now
/// (optionally after writing half of it), or the next `fdatasync`.
final class FaultInjectingFileSystem: FileSystem {
    enum WriteFault {
        case nothingWritten
        case halfWritten
    }

    let real = PosixFileSystem()
    var writesUntilFailure: Int?
    var writeFault = WriteFault.nothingWritten
    var writeErrorCode = ENOSPC
    var failNextSync = false
    var writes = 0
    /// Reads through any of its files.
    var reads = 0
    var failures = 0

    /// Fails the `count`-th write from now (1 = the next one).
    func failWrite(after count: Int, _ fault: WriteFault = .nothingWritten, code: Int32 = ENOSPC) {
        writesUntilFailure = count
        writeFault = fault
        writeErrorCode = code
    }

    func openFile(_ path: String, creating: Bool) throws(StoreError) -> any StorageFile {
        FaultyFile(real: try real.openFile(path, creating: creating), owner: self)
    }
    func createDirectory(_ path: String) throws(StoreError) { try real.createDirectory(path) }
    func contentsOfDirectory(_ path: String) throws(StoreError) -> [String] { try real.contentsOfDirectory(path) }
    func isDirectory(_ path: String) -> Bool { real.isDirectory(path) }
    func removeFile(_ path: String) throws(StoreError) { try real.removeFile(path) }
    func removeDirectory(_ path: String) throws(StoreError) { try real.removeDirectory(path) }
    func rename(_ source: String, to destination: String) throws(StoreError) {
        try real.rename(source, to: destination)
    }
    func synchronizeDirectory(_ path: String) throws(StoreError) { try real.synchronizeDirectory(path) }

    /// Decides the fate of one write: nil to let it through, or how to fail it.
    func nextWriteFault() -> WriteFault? {
        writes += 1
        guard let remaining = writesUntilFailure else { return nil }
        if remaining > 1 {
            writesUntilFailure = remaining - 1
            return nil
        }
        writesUntilFailure = nil
        failures += 1
        return writeFault
    }
}

/// A file of `FaultInjectingFileSystem`.
final class FaultyFile: StorageFile {
    let real: any StorageFile
    unowned let owner: FaultInjectingFileSystem

    init(real: any StorageFile, owner: FaultInjectingFileSystem) {
        self.real = real
        self.owner = owner
    }

    var path: String { real.path }

    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(StoreError) {
        switch owner.nextWriteFault() {
        case nil:
            try real.write(bytes, at: offset)
        case .nothingWritten?:
            throw StoreError.failure("pwrite", path: path, code: owner.writeErrorCode)
        case .halfWritten?:
            try real.write(UnsafeRawBufferPointer(rebasing: bytes[0..<bytes.count / 2]), at: offset)
            throw StoreError.failure("pwrite", path: path, code: owner.writeErrorCode)
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(StoreError) -> Int {
        owner.reads += 1
        return try real.read(into: buffer, at: offset)
    }
    func size() throws(StoreError) -> Int64 { try real.size() }
    func synchronize() throws(StoreError) {
        if owner.failNextSync {
            owner.failNextSync = false
            owner.failures += 1
            throw StoreError.failure("fdatasync", path: path, code: EIO)
        }
        try real.synchronize()
    }
    func truncate(to size: Int64) throws(StoreError) { try real.truncate(to: size) }
    func tryLock() throws(StoreError) -> Bool { try real.tryLock() }
    func close() { real.close() }
}
