import HTTP
import Net
import XCTest

@testable import Console

/// Addresses, query strings and the sentences for a master that cannot be read.
final class MasterClientTests: XCTestCase {
    func testQueriesArePercentEncodedAndAbsentFiltersLeftOut() {
        let client = MasterClient(baseURL: "master.lab:8080/")
        XCTAssertEqual(client.baseURL, "http://master.lab:8080")
        XCTAssertEqual(
            client.url("/api/results", query: [("scenario", "1080p60-h265"), ("node", nil), ("encoder", "a&b c/é")]),
            "http://master.lab:8080/api/results?scenario=1080p60-h265&encoder=a%26b%20c%2F%C3%A9")
        XCTAssertEqual(client.url("/api/nodes"), "http://master.lab:8080/api/nodes")
    }

    func testNoMasterSaysWhereItWasLookedForAndWhatToRun() throws {
        let (listener, port) = try Socket.listen(host: "127.0.0.1", port: 0)
        Socket.close(listener)  // A port nothing listens on.
        let client = MasterClient(baseURL: "http://127.0.0.1:\(port)", timeout: .seconds(2))
        XCTAssertThrowsError(try client.fetch("/api/jobs")) { error in
            XCTAssertEqual(
                "\(error)",
                "cannot reach the master at http://127.0.0.1:\(port): connection refused (is `ffrtmp master` running? "
                    + "--master or FFRTMP_MASTER sets its address)")
        }
        XCTAssertThrowsError(try MasterClient(baseURL: "ftp://x").fetch("/api/jobs")) { error in
            XCTAssertEqual(error as? MasterClientError, .invalidURL("ftp://x"))
        }
    }

    func testARefusalShowsTheMastersErrorText() {
        let refusal = HTTPReceivedResponse(
            status: 400, reason: "Bad Request", body: Array(#"{"error":"limit must be 1 to 1000"}"#.utf8))
        XCTAssertEqual(MasterClient.error(in: refusal), "limit must be 1 to 1000")
        XCTAssertEqual(
            MasterClient.error(in: HTTPReceivedResponse(status: 502, body: Array("  bad gateway\n".utf8))),
            "bad gateway")
        XCTAssertEqual(
            MasterClientError.refused(
                path: "/api/jobs", status: 400, reason: "Bad Request", message: "limit must be 1 to 1000"
            )
            .description,
            "the master answered /api/jobs with 400 Bad Request: limit must be 1 to 1000")
    }
}
