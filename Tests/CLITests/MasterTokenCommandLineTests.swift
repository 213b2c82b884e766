import Foundation
import HTTP
import Support
import TestSupport
import XCTest

/// `ffrtmp nodes` against a master view that wants a bearer token: it reads with
/// `--master-token-file`, and without it says the master refused.
final class MasterTokenCommandLineTests: XCTestCase {
    func testNodesReadsAProtectedMasterWithTheTokenFile() throws {
        guard FileManager.default.isExecutableFile(atPath: FFrtmpBinary.path) else {
            throw XCTSkip("no ffrtmp binary beside the tests at \(FFrtmpBinary.path) (swift build first)")
        }
        let secret = "cli-token-0123456789abcdef"
        let answer = #"{"nodes":[{"node_id":"n1","status":"available"}]}"#
        var configuration = HTTPServerConfiguration()
        configuration.port = 0
        let server = HTTPServer(
            configuration: configuration, handler: try HTTPBearerToken(secret).guarding { _ in .json(answer) },
            logger: Logger(component: "http", sink: LogSink(minimumLevel: .error)))
        try server.start()
        defer { server.shutdown() }
        let directory = try TemporaryDirectory()
        try directory.write("token", secret + "\n", mode: 0o600)
        let master = "127.0.0.1:\(server.port)"
        let allowed = try FFrtmpBinary.run(
            ["nodes", "--master", master, "--master-token-file", directory.path + "/token", "--json"])
        XCTAssertEqual(allowed.status, 0, allowed.error)
        XCTAssertEqual(allowed.output.trimmingWhitespace(), answer)
        let refused = try FFrtmpBinary.run(["nodes", "--master", master])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.error.contains("401 Unauthorized: a bearer token is required"), refused.error)
    }
}
