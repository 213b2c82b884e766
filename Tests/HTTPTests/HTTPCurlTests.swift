#if canImport(Glibc)
    import Glibc
#endif
import XCTest

/// One check with a real client, when curl is installed: it parses our answers and reuses the
/// kept-alive connection.
final class HTTPCurlTests: XCTestCase {
    func testCurlReadsAnswersAndReusesTheConnection() throws {
        let curl = "/usr/bin/curl"
        guard access(curl, X_OK) == 0 else { throw XCTSkip("curl is not installed") }
        let fixture = try TestServer()
        defer { fixture.server.shutdown() }
        let base = "http://127.0.0.1:\(fixture.port)"
        let output = run(
            "\(curl) -sS --max-time 5 -w ' [%{http_code} %{num_connects}]\\n' \(base)/json \(base)/api/jobs/a%20b \(base)/nope"
        )
        XCTAssertEqual(
            output,
            #"{"ok":true} [200 1]"# + "\n" + #"{"id":"a b"} [200 0]"# + "\n" + #"{"error":"not found"} [404 0]"# + "\n")
        let head = run("\(curl) -sS --max-time 5 -I \(base)/hello")
        XCTAssertTrue(head.hasPrefix("HTTP/1.1 200 OK\r\n"), head)
        XCTAssertTrue(head.contains("Content-Length: 5\r\n"), head)
        let post = run("\(curl) -sS --max-time 5 -o /dev/null -w '%{http_code}' -d x=1 \(base)/hello")
        XCTAssertEqual(post, "405")
    }

    private func run(_ command: String) -> String {
        guard let pipe = popen(command, "r") else { return "" }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, pipe) }
            if count == 0 { break }
            output += chunk[..<count]
        }
        pclose(pipe)
        return String(decoding: output, as: UTF8.self)
    }
}
