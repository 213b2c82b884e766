import Support
import TestSupport
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

final class FileContentsTests: XCTestCase {
    func testAFileOfExactlyTheLimitIsReadWhole() throws {
        let folder = try TemporaryDirectory()
        let bytes = (0..<100_000).map { UInt8($0 % 256) }
        try folder.write("exact", bytes)
        XCTAssertEqual(try FileContents.read(folder.path + "/exact", limit: bytes.count), bytes)
    }

    func testAFileLargerThanTheLimitIsRefusedNamingThePathAndTheLimit() throws {
        let folder = try TemporaryDirectory()
        try folder.write("big", [UInt8](repeating: 7, count: 101))
        let path = folder.path + "/big"
        XCTAssertThrowsError(try FileContents.read(path, limit: 100)) { error in
            XCTAssertEqual(error as? FileReadError, .tooLarge(path: path, limit: 100))
            XCTAssertEqual("\(error)", "\(path) is larger than 100 bytes")
        }
    }

    func testAnEmptyFileWithALimitOfZeroIsEmpty() throws {
        let folder = try TemporaryDirectory()
        try folder.write("empty", [])
        XCTAssertEqual(try FileContents.read(folder.path + "/empty", limit: 0), [])
    }

    func testAMissingFileIsAnOpenFailureWithENOENT() throws {
        let folder = try TemporaryDirectory()
        XCTAssertThrowsError(try FileContents.read(folder.path + "/absent", limit: 10)) { error in
            XCTAssertEqual(error as? FileReadError, .system(SystemError("open", code: ENOENT)))
            XCTAssertEqual((error as? FileReadError)?.code, ENOENT)
        }
    }

    func testAFolderIsAReadFailureWithEISDIR() throws {
        let folder = try TemporaryDirectory()
        XCTAssertThrowsError(try FileContents.read(folder.path, limit: 10)) { error in
            XCTAssertEqual(error as? FileReadError, .system(SystemError("read", code: EISDIR)))
        }
    }

    func testAPipeIsReadToItsEndUnderTheLimit() throws {
        var ends: [Int32] = [-1, -1]
        XCTAssertEqual(pipe(&ends), 0)
        defer { close(ends[0]) }
        try Syscall.writeAll(ends[1], Array("hello".utf8))
        close(ends[1])
        XCTAssertEqual(try FileContents.read(descriptor: ends[0], path: "pipe", limit: 64), Array("hello".utf8))
    }

    func testDurableReadGivesNilForAMissingFileAndAMessagePastTheLimit() throws {
        let folder = try TemporaryDirectory()
        try folder.write("record", [UInt8](repeating: 1, count: 11))
        XCTAssertNil(try DurableFiles.read(folder.path + "/absent", limit: 10))
        XCTAssertEqual(try DurableFiles.read(folder.path + "/record", limit: 11)?.count, 11)
        XCTAssertThrowsError(try DurableFiles.read(folder.path + "/record", limit: 10)) { error in
            XCTAssertEqual("\(error)", "\(folder.path)/record is larger than 10 bytes")
        }
    }

    func testAConfigurationFileOverTheLimitIsRefusedAsNotAConfiguration() throws {
        let folder = try TemporaryDirectory()
        try folder.write("huge.conf", [UInt8](repeating: UInt8(ascii: " "), count: (16 << 20) + 1))
        XCTAssertThrowsError(try ConfigFile.readText(folder.path + "/huge.conf")) { error in
            XCTAssertEqual("\(error)", "\(folder.path)/huge.conf is larger than 16 MiB; is it a configuration file?")
        }
    }

    func testAMissingConfigurationFileNamesOpenAndTheReason() throws {
        let folder = try TemporaryDirectory()
        XCTAssertThrowsError(try ConfigFile.readText(folder.path + "/none.conf")) { error in
            XCTAssertEqual("\(error)", "cannot open \(folder.path)/none.conf: No such file or directory")
        }
    }
}
