@testable import Client
import XCTest

/// Parts of the client that need no server: URLs, INFO.
final class ClientUnitTests: XCTestCase {
    func testServerURLsParseWithDefaultsCredentialsAndIPv6() throws {
        let plain = try ServerAddress(parsing: "nats://127.0.0.1:4333")
        XCTAssertEqual(plain.host, "127.0.0.1")
        XCTAssertEqual(plain.port, 4333)
        XCTAssertEqual(try ServerAddress(parsing: "localhost").port, 4222)
        XCTAssertEqual(try ServerAddress(parsing: "example.org:5000").host, "example.org")
        let credentials = try ServerAddress(parsing: "nats://alice:secret@host:1")
        XCTAssertEqual(credentials.user, "alice")
        XCTAssertEqual(credentials.password, "secret")
        XCTAssertEqual(try ServerAddress(parsing: "nats://s3cr3t@host").token, "s3cr3t")
        let six = try ServerAddress(parsing: "nats://[::1]:4223")
        XCTAssertEqual(six.host, "::1")
        XCTAssertEqual(six.description, "nats://[::1]:4223")
        XCTAssertThrowsError(try ServerAddress(parsing: "http://host:1"))
        XCTAssertThrowsError(try ServerAddress(parsing: "nats://host:99999"))
        XCTAssertTrue(try ServerAddress(parsing: "tls://host:1").usesTLS)
    }

    func testURLListsSplitOnCommasLikeNATSURL() throws {
        let list = try ServerAddress.parseList(["nats://a:1, nats://b:2", "c"])
        XCTAssertEqual(list.map(\.host), ["a", "b", "c"])
        XCTAssertThrowsError(try ServerAddress.parseList([" , "]))
    }

    func testServerInfoReadsTheFieldsTheClientUses() {
        let json =
            #"{"server_id":"NABC","version":"2.15.1","proto":1,"headers":true,"max_payload":1048576,"#
            + #""client_id":7,"connect_urls":["10.0.0.1:4222"],"name\u00e9":"x\ny","nested":{"a":[1,2.5e3,null]}}"#
        let info = Array(json.utf8).withUnsafeBytes { NATSServerInfo(json: $0) }
        XCTAssertEqual(info?.serverID, "NABC")
        XCTAssertEqual(info?.protocolLevel, 1)
        XCTAssertEqual(info?.headers, true)
        XCTAssertEqual(info?.maxPayload, 1_048_576)
        XCTAssertEqual(info?.clientID, 7)
        XCTAssertEqual(info?.connectURLs, ["10.0.0.1:4222"])
        XCTAssertNil(Array("{not json".utf8).withUnsafeBytes { NATSServerInfo(json: $0) })
    }
}
