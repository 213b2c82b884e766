import Energy
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

final class LiveSystemFilesTests: XCTestCase {
    func testASmallFileIsReadWhole() {
        let directory = TestDirectory()
        directory.write("energy_uj", "123456\n")
        XCTAssertEqual(LiveSystemFiles().read(directory.path + "/energy_uj"), .contents("123456\n"))
    }

    func testAMissingFileIsAbsent() {
        let directory = TestDirectory()
        XCTAssertEqual(LiveSystemFiles().read(directory.path + "/none"), .absent)
    }

    func testAFileLargerThanTheReadLimitFailsWithEFBIGInsteadOfBeingCut() {
        let directory = TestDirectory()
        directory.write("huge", String(repeating: "1", count: (4 << 20) + 1))
        XCTAssertEqual(LiveSystemFiles().read(directory.path + "/huge"), .failed(errno: EFBIG))
    }
}
