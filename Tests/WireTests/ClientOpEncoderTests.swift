import Net
import Wire
import XCTest

/// The exact bytes of every client operation.
final class ClientOpEncoderTests: XCTestCase {
    func testEveryClientOperationEncodesToTheExactProtocolBytes() throws {
        let buffer = ByteBuffer(capacity: 16)
        ClientOpEncoder.appendConnect(json: "{\"verbose\":false}", to: buffer)
        ClientOpEncoder.appendPing(to: buffer)
        ClientOpEncoder.appendPong(to: buffer)
        Self.bytes("foo", "", "hello") {
            ClientOpEncoder.appendPublish(subject: $0, reply: $1, payload: $2, to: buffer)
        }
        Self.bytes("foo", "_INBOX.1", "") {
            ClientOpEncoder.appendPublish(subject: $0, reply: $1, payload: $2, to: buffer)
        }
        var headers = HeaderBlock()
        try headers.append(name: "A", value: "b")
        Self.bytes("foo", "r", "hi") {
            ClientOpEncoder.appendHeaderPublish(subject: $0, reply: $1, headers: headers, payload: $2, to: buffer)
        }
        let raw = headers.encoded()
        raw.withUnsafeBytes { headerBytes in
            Self.bytes("bar", "", "x") {
                ClientOpEncoder.appendHeaderPublish(
                    subject: $0, reply: $1, headerBytes: headerBytes, payload: $2,
                    to: buffer)
            }
        }
        ClientOpEncoder.appendSubscribe(subject: "foo.*", queue: nil, sid: 1, to: buffer)
        ClientOpEncoder.appendSubscribe(subject: "jobs", queue: "workers", sid: 22, to: buffer)
        ClientOpEncoder.appendUnsubscribe(sid: 1, max: nil, to: buffer)
        ClientOpEncoder.appendUnsubscribe(sid: 22, max: 5, to: buffer)
        let expected =
            "CONNECT {\"verbose\":false}\r\n"
            + "PING\r\n"
            + "PONG\r\n"
            + "PUB foo 5\r\nhello\r\n"
            + "PUB foo _INBOX.1 0\r\n\r\n"
            + "HPUB foo r 18 20\r\nNATS/1.0\r\nA: b\r\n\r\nhi\r\n"
            + "HPUB bar 18 19\r\nNATS/1.0\r\nA: b\r\n\r\nx\r\n"
            + "SUB foo.* 1\r\n"
            + "SUB jobs workers 22\r\n"
            + "UNSUB 1\r\n"
            + "UNSUB 22 5\r\n"
        XCTAssertEqual(String(decoding: buffer.readableArray(), as: UTF8.self), expected)
    }

    func testALargePayloadGrowsTheBufferAndKeepsEarlierFrames() {
        let buffer = ByteBuffer(capacity: 16)
        ClientOpEncoder.appendPing(to: buffer)
        let payload = String(repeating: "z", count: 100_000)
        Self.bytes("big", "", payload) {
            ClientOpEncoder.appendPublish(subject: $0, reply: $1, payload: $2, to: buffer)
        }
        let text = String(decoding: buffer.readableArray(), as: UTF8.self)
        XCTAssertEqual(text, "PING\r\nPUB big 100000\r\n" + payload + "\r\n")
    }

    /// Runs `body` with the UTF-8 bytes of three strings.
    static func bytes(
        _ first: String, _ second: String, _ third: String,
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Void
    ) {
        Array(first.utf8).withUnsafeBytes { a in
            Array(second.utf8).withUnsafeBytes { b in
                Array(third.utf8).withUnsafeBytes { c in body(a, b, c) }
            }
        }
    }
}
