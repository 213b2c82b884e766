@testable import Client
import Net
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// A failure of the blocking socket under a connection reaches the caller as the same `ClientError`,
/// with the same text.
final class ClientSocketErrorTests: XCTestCase {
    func testEverySocketFailureBecomesTheMatchingClientErrorWithTheSameText() {
        let pairs: [(BlockingSocketError, ClientError)] = [
            (.cannotResolve(host: "nowhere", reason: "unknown"), .cannotResolve(host: "nowhere", reason: "unknown")),
            (.connectionRefused(host: "::1", port: 4222), .connectionRefused(host: "::1", port: 4222)),
            (.connectTimeout(host: "10.0.0.1", port: 4222), .connectTimeout(host: "10.0.0.1", port: 4222)),
            (.timeout, .timeout),
            (.socket(operation: "send", code: EPIPE), .socket(operation: "send", code: EPIPE)),
        ]
        for (socketError, clientError) in pairs {
            XCTAssertEqual(ClientError(socketError), clientError)
            XCTAssertEqual(clientError.description, socketError.description)
        }
        XCTAssertEqual(
            ClientError.connectionRefused(host: "::1", port: 4222).description, "connection refused by [::1]:4222")
        XCTAssertEqual(ClientError.socket(operation: "send", code: EPIPE).description, "send failed: Broken pipe")
    }
}
