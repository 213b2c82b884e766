import HTTP
import Support
import TestSupport
import XCTest

@testable import Console

/// A master protected by a bearer token: the client with the token reads it; without, the 401 comes
/// back as a refusal with the master's words.
final class MasterClientTokenTests: XCTestCase {
    func testTheClientSendsItsTokenAndWithoutOneIsRefused() throws {
        let token = try HTTPBearerToken("console-token-0123456789")
        var configuration = HTTPServerConfiguration()
        configuration.port = 0
        let server = HTTPServer(
            configuration: configuration, handler: token.guarding { _ in .json(#"{"nodes":[]}"#) },
            logger: Logger(component: "http", sink: LogSink(minimumLevel: .error)))
        try server.start()
        defer { server.shutdown() }
        let base = "http://127.0.0.1:\(server.port)"
        let body = try MasterClient(baseURL: base, timeout: .seconds(5), token: token).fetch("/api/nodes")
        XCTAssertEqual(String(decoding: body, as: UTF8.self), #"{"nodes":[]}"#)
        XCTAssertThrowsError(try MasterClient(baseURL: base, timeout: .seconds(5)).fetch("/api/nodes")) { error in
            XCTAssertEqual(
                error as? MasterClientError,
                .refused(path: "/api/nodes", status: 401, reason: "Unauthorized", message: "a bearer token is required")
            )
        }
    }
}
