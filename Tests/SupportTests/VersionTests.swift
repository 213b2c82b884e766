import Support
import XCTest

/// `ffrtmp --version` names the commit only when the packager gave a believable one.
final class VersionTests: XCTestCase {
    func testOnlyACommitLikeValueIsBelieved() {
        XCTAssertEqual(Version.commit(fromEnvironment: "1a2b3c4d5e"), "1a2b3c4d5e")
        XCTAssertEqual(Version.commit(fromEnvironment: "v0.1.0-3-g1a2b3c4"), "v0.1.0-3-g1a2b3c4")
        for refused in [nil, "", "abc", "1a2b3c4 extra", "1a2b3c4\n", String(repeating: "a", count: 65)] {
            XCTAssertNil(Version.commit(fromEnvironment: refused), String(describing: refused))
        }
    }

    func testTheDescriptionSaysWhenTheCommitIsUnknown() {
        let expected = "\(Version.current) (commit \(Version.commit ?? "unknown"))"
        XCTAssertEqual(Version.described, expected)
    }
}
