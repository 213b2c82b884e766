import Support
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

final class DurableFilesTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        var template = Array("/tmp/ffrtmp-durable-XXXXXX".utf8CString)
        folder = String(cString: try XCTUnwrap(mkdtemp(&template)))
    }

    override func tearDownWithError() throws {
        try DurableFiles.removeTree(folder)
    }

    func testReplaceSwapsInTheNewContentAndLeavesNoTemporaryFile() throws {
        let path = folder + "/state.json"
        try DurableFiles.replace(path, with: Array("old".utf8))
        try DurableFiles.replace(path, with: Array("new".utf8))
        XCTAssertEqual(try DurableFiles.read(path, limit: 100), Array("new".utf8))
        XCTAssertEqual(try DurableFiles.list(folder), ["state.json"])
    }

    // The tests run as root, where a read-only folder stops no write; a temporary path that is a
    // link to /dev/full makes the write itself fail (ENOSPC) instead.
    func testAReplaceWhoseWriteFailsLeavesTheOldContentAndRemovesTheTemporaryFile() throws {
        let path = folder + "/state.json"
        try DurableFiles.replace(path, with: Array("old".utf8))
        XCTAssertEqual(symlink("/dev/full", path + ".tmp"), 0)
        XCTAssertThrowsError(try DurableFiles.replace(path, with: Array("new".utf8))) { error in
            XCTAssertEqual("\(error)", "cannot write \(path).tmp: No space left on device")
        }
        XCTAssertEqual(try DurableFiles.read(path, limit: 100), Array("old".utf8))
        XCTAssertEqual(try DurableFiles.list(folder), ["state.json"])
    }

    func testAReplaceThatCannotCreateItsTemporaryFileLeavesTheOldContent() throws {
        let path = folder + "/state.json"
        try DurableFiles.replace(path, with: Array("old".utf8))
        XCTAssertEqual(mkdir(path + ".tmp", 0o700), 0)
        XCTAssertThrowsError(try DurableFiles.replace(path, with: Array("new".utf8))) { error in
            XCTAssertEqual("\(error)", "cannot create \(path).tmp: Is a directory")
        }
        XCTAssertEqual(try DurableFiles.read(path, limit: 100), Array("old".utf8))
    }
}
