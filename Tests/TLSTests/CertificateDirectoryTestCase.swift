import Support
import XCTest

@testable import TLS
#if canImport(Glibc)
    import Glibc
#endif

/// A temporary certificate directory for one test, and file modes.
class CertificateDirectoryTestCase: XCTestCase {
    var directory = ""
    var certificates: CertificateDirectory { CertificateDirectory(path: directory + "/certs") }

    override func setUpWithError() throws {
        var template = Array("/tmp/ffrtmp-client-certs-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else { throw SupportError("mkdtemp failed") }
        directory = String(cString: created)
    }

    override func tearDown() {
        try? DurableFiles.removeTree(directory)
    }

    func mode(_ path: String) -> mode_t {
        var status = stat()
        XCTAssertEqual(stat(path, &status), 0, "\(path) exists")
        return status.st_mode & 0o777
    }
}
