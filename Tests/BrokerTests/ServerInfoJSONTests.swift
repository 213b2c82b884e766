import FoundationEssentials
import Support
import XCTest

@testable import Broker

/// The INFO text written by hand says what `JSONEncoder` would.
final class ServerInfoJSONTests: XCTestCase {
    private func encoded(_ info: ServerInfo, clientID: UInt64, clientIP: String) throws -> JSONValue? {
        var copy = info
        copy.client_id = clientID
        copy.client_ip = clientIP
        return JSONValue.parse(String(decoding: try JSONEncoder().encode(copy), as: UTF8.self))
    }

    func testTheINFOTextHasTheFieldsAndValuesJSONEncoderWritesForEveryFlagCombination() throws {
        var info = ServerInfo(
            server_id: ServerInfo.randomServerID(), server_name: "broker \"one\"\\\n\u{1}ü", host: "0.0.0.0",
            port: 4222, max_payload: 1 << 20)
        for flags in 0..<64 {
            let bit = { (index: Int) -> Bool? in flags & (1 << index) != 0 ? true : nil }
            info.jetstream = bit(0)
            info.ldm = bit(1)
            info.auth_required = bit(2)
            info.tls_required = bit(3)
            info.tls_verify = bit(4)
            info.tls_available = bit(5)
            let text = info.json(clientID: 4_294_967_297, clientIP: "::1")
            XCTAssertNotNil(JSONValue.parse(text), text)
            XCTAssertEqual(JSONValue.parse(text), try encoded(info, clientID: 4_294_967_297, clientIP: "::1"), text)
        }
    }
}
