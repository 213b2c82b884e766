import Agent
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

final class ControlGroupFilesTests: XCTestCase {
    func testACgroupFileIsWrittenAndReadBackWhole() throws {
        let root = ScratchDirectory()
        root.write("memory.max", "")
        try LiveControlGroupFiles().write("1073741824\n", to: root.path + "/memory.max")
        XCTAssertEqual(try LiveControlGroupFiles().read(root.path + "/memory.max"), "1073741824\n")
    }

    func testACgroupFilePastOneMebibyteFailsWithEFBIGInsteadOfBeingCut() {
        let root = ScratchDirectory()
        root.write("cgroup.procs", String(repeating: "1\n", count: (1 << 19) + 1))
        XCTAssertThrowsError(try LiveControlGroupFiles().read(root.path + "/cgroup.procs")) { error in
            XCTAssertEqual(error as? ProcessError, ProcessError("read", root.path + "/cgroup.procs", code: EFBIG))
        }
    }

    func testAMissingCgroupFileIsAnOpenFailureNamingThePath() {
        let root = ScratchDirectory()
        XCTAssertThrowsError(try LiveControlGroupFiles().read(root.path + "/memory.peak")) { error in
            XCTAssertEqual(error as? ProcessError, ProcessError("open", root.path + "/memory.peak", code: ENOENT))
        }
        XCTAssertThrowsError(try LiveControlGroupFiles().write("1", to: root.path + "/memory.peak")) { error in
            XCTAssertEqual(error as? ProcessError, ProcessError("open", root.path + "/memory.peak", code: ENOENT))
        }
    }
}
