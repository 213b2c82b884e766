import FoundationEssentials
import XCTest

@testable import Broker

/// The quick CONNECT reader agrees with `JSONDecoder` on every document it reads, and reads the ones
/// real clients send.
final class ConnectOptionsQuickDecodingTests: XCTestCase {
    private static let documents = [
        #"{"verbose":false,"pedantic":false,"tls_required":true,"name":"","lang":"python3","version":"2.9.0","protocol":1,"echo":true,"headers":true,"no_responders":true}"#,
        #"{"verbose":false,"pedantic":false,"user":"agent","pass":"s3cret","tls_required":false,"name":"nats.go","lang":"go","version":"1.37.0","protocol":1,"echo":true,"headers":true,"no_responders":true}"#,
        #"{ "auth_token" : "t" , "protocol" : 0 , "ratio" : -1.5e3 , "sig" : null }"#,
        #"{}"#, " {} ", #"{"name":null}"#, #"{"protocol":1.0}"#, #"{"protocol":"1"}"#, #"{"verbose":1}"#,
        #"{"name":true}"#, #"{"name":"a\"b"}"#, #"{"name":"ü"}"#, #"{"jwt":{"a":1}}"#, #"{"list":[1]}"#,
        #"{"name":"a","name":"b"}"#, #"{"x":1,"x":2}"#, #"{"protocol":99999999999999999999}"#, #"{"a":1,}"#,
        #"{"a" 1}"#, #"[]"#, #"{"a":tru}"#, #"{"a":1}x"#, "",
    ]

    private func full(_ text: String) -> ConnectOptions.Document? {
        try? JSONDecoder().decode(ConnectOptions.Document.self, from: Data(text.utf8))
    }

    private func quick(_ text: String) -> ConnectOptions.Document? {
        Array(text.utf8).withUnsafeBytes { ConnectOptions.quickDocument($0) }
    }

    func testWhatTheQuickReaderReadsTheFullDecoderReadsTheSameWayAtEveryCut() {
        for document in Self.documents {
            let bytes = Array(document.utf8)
            for end in 0...bytes.count {
                let text = String(decoding: bytes[0..<end], as: UTF8.self)
                if let read = quick(text) { XCTAssertEqual(read, full(text), text) }
            }
        }
    }

    func testTheDocumentsClientsSendAreReadQuickly() throws {
        let python = try XCTUnwrap(quick(Self.documents[0]))
        XCTAssertEqual(python.verbose, false)
        XCTAssertEqual(python.lang, "python3")
        XCTAssertEqual(python.protocol, 1)
        XCTAssertEqual(python.no_responders, true)
        let go = try XCTUnwrap(quick(Self.documents[1]))
        XCTAssertEqual(go.user, "agent")
        XCTAssertEqual(go.pass, "s3cret")
        XCTAssertEqual(quick(Self.documents[2])?.auth_token, "t")
        XCTAssertEqual(quick(Self.documents[3]), ConnectOptions.Document())
    }

    func testAnythingOutsideThePlainShapeIsLeftToTheFullDecoder() {
        for document in Self.documents[6...] {
            XCTAssertNil(quick(document), document)
        }
    }
}
