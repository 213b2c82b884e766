import HTTP
import XCTest

@testable import Master

/// With a token, every path of the master's view but `/health` answers 401 without it and as
/// before with it; without a token nothing changes.
final class MasterWebAccessTests: XCTestCase {
    private let secret = "master-token-0123456789"

    private func status(_ handler: HTTPHandler, _ target: String, headers: HTTPHeaders = [:]) throws -> Int {
        handler(try HTTPRequest(method: .get, target: target, headers: headers)).status.code
    }

    func testEveryPathButHealthNeedsTheToken() throws {
        let api = MasterAPI(store: try MasterStore(path: ":memory:"), fleet: FleetView(offlineAfterSeconds: 15))
        let open = MasterWeb.handler(api: api, live: LiveUpdates())
        let access = MasterWebAccess(token: try HTTPBearerToken(secret))
        let guarded = access.guarding(open, secureCookie: false)
        let bearer: HTTPHeaders = ["Authorization": "Bearer \(secret)"]
        for target in ["/", "/api/nodes", "/api/jobs", "/metrics", "/events", "/api/nope"] {
            XCTAssertEqual(try status(guarded, target), 401, target)
            XCTAssertEqual(try status(guarded, target, headers: bearer), try status(open, target), target)
        }
        XCTAssertEqual(try status(guarded, "/health"), 200)
        XCTAssertEqual(try status(MasterWebAccess().guarding(open, secureCookie: false), "/api/nodes"), 200)
    }
}
