import Net
import Wire
import XCTest

/// ServerOpParser against every op, split at every byte, and against malformed input.
final class ServerOpParserTests: XCTestCase {
    /// Every op the server sends, in its usual and unusual spellings.
    static let stream: [UInt8] = Array(
        ("INFO {\"server_id\":\"x\",\"max_payload\":1048576}\r\n"
            + "PING\r\n"
            + "PONG\r\n"
            + "+OK\r\n"
            + "-ERR 'Unknown Protocol Operation'\r\n"
            + "MSG foo 1 5\r\nhello\r\n"
            + "MSG foo.bar 22 _INBOX.abc 3\r\nabc\r\n"
            + "MSG empty 3 0\r\n\r\n"
            + "HMSG foo 1 12 17\r\nNATS/1.0\r\n\r\nhello\r\n"
            + "HMSG foo 1 reply 18 20\r\nNATS/1.0\r\nA: b\r\n\r\nhi\r\n"
            + "HMSG nr 9 16 16\r\nNATS/1.0 503\r\n\r\n\r\n"
            + "msg lower 2 2\r\nhi\r\n"
            + "MSG  tabs\t 4\t 2 \r\nhi\r\n"
            + "MSG crlf 1 4\r\n\r\n\r\n\r\n"
            + "ping\n"
            + "PoNg\r\n").utf8)

    /// Where the first HMSG starts in `stream`.
    static let firstHeaderMessage: Int = {
        let marker = Array("HMSG".utf8)
        return (0...(stream.count - marker.count)).first { Array(stream[$0..<($0 + marker.count)]) == marker }!
    }()

    static let expected = [
        "INFO {\"server_id\":\"x\",\"max_payload\":1048576}",
        "PING",
        "PONG",
        "+OK",
        "-ERR Unknown Protocol Operation",
        "MSG subject=foo sid=1 reply= headers= payload=hello",
        "MSG subject=foo.bar sid=22 reply=_INBOX.abc headers= payload=abc",
        "MSG subject=empty sid=3 reply= headers= payload=",
        "HMSG subject=foo sid=1 reply= headers=NATS/1.0\r\n\r\n payload=hello",
        "HMSG subject=foo sid=1 reply=reply headers=NATS/1.0\r\nA: b\r\n\r\n payload=hi",
        "HMSG subject=nr sid=9 reply= headers=NATS/1.0 503\r\n\r\n payload=",
        "MSG subject=lower sid=2 reply= headers= payload=hi",
        "MSG subject=tabs sid=4 reply= headers= payload=hi",
        "MSG subject=crlf sid=1 reply= headers= payload=\r\n\r\n",
        "PING",
        "PONG",
    ]

    func testEveryOperationParsesWhenTheInputIsSplitAtAnyByte() throws {
        for split in 0...Self.stream.count {
            let chunks = [Array(Self.stream[..<split]), Array(Self.stream[split...])]
            XCTAssertEqual(try Self.parseAll(chunks), Self.expected, "split at \(split)")
        }
    }

    func testEveryOperationParsesWhenFedOneByteAtATime() throws {
        XCTAssertEqual(try Self.parseAll(Self.stream.map { [$0] }), Self.expected)
    }

    func testEveryOperationParsesWhenFedInThreePiecesAtEveryPairOfSplits() throws {
        // The ops up to the first HMSG (whole ops only), to keep the pairs of splits few.
        let stream = Array(Self.stream[..<Self.firstHeaderMessage])
        let expected = try Self.parseAll([stream])
        for first in stride(from: 0, through: stream.count, by: 3) {
            for second in first...stream.count {
                let chunks = [Array(stream[..<first]), Array(stream[first..<second]), Array(stream[second...])]
                XCTAssertEqual(try Self.parseAll(chunks), expected, "splits at \(first), \(second)")
            }
        }
    }

    func testAPartialPayloadReportsTheTotalSizeNeeded() {
        let bytes = Array("MSG foo 1 10\r\nhel".utf8)
        bytes.withUnsafeBytes { raw in
            guard case .needMore(let minimum) = ServerOpParser().parse(raw) else { return XCTFail("expected needMore") }
            XCTAssertEqual(minimum, 14 + 10 + 2)
        }
    }

    func testAnIncompleteControlLineNeedsMoreWithoutAKnownSize() {
        for text in ["M", "MS", "MSG", "MSG foo 1", "HMSG foo 1 2 3\r", "P", "INFO {", "-ER", "+O"] {
            Array(text.utf8).withUnsafeBytes { raw in
                guard case .needMore(0) = ServerOpParser().parse(raw) else {
                    return XCTFail("\(text): expected needMore")
                }
            }
        }
    }

    func testMalformedLinesAreRejectedWithTheMatchingError() {
        let cases: [(String, WireError)] = [
            ("FOO bar\r\n", .unknownOperation),
            ("MSGX foo 1 2\r\n", .unknownOperation),
            ("PUNG\r\n", .unknownOperation),
            ("\r\n", .unknownOperation),
            ("MSG foo 1 3\r\nabcXY", .unknownOperation),
            ("MSG foo 1\r\n", .malformedArguments("MSG needs a subject, a sid and a size")),
            ("MSG foo 1 x\r\n", .malformedArguments("MSG size is not a number")),
            ("MSG foo 1 -3\r\n", .malformedArguments("MSG size is not a number")),
            ("MSG foo 1 a b 5\r\n", .malformedArguments("MSG has too many arguments")),
            ("HMSG foo 1 a b 5 6\r\n", .malformedArguments("HMSG has too many arguments")),
            ("HMSG foo 1 5\r\n", .malformedArguments("HMSG needs a header size and a total size")),
            ("HMSG foo 1 10 5\r\n", .malformedArguments("HMSG header size is not a number up to the total size")),
        ]
        for (text, error) in cases {
            XCTAssertEqual(Self.failure(of: Array(text.utf8)), error, text.debugDescription)
        }
    }

    func testAControlLineLongerThanTheLimitIsAnError() {
        let long = Array(("MSG " + String(repeating: "a", count: 5000)).utf8)
        XCTAssertEqual(Self.failure(of: long), .maximumControlLineExceeded)
        XCTAssertEqual(Self.failure(of: long + Array(" 1 2\r\n".utf8)), .maximumControlLineExceeded)
        let info = Array(("INFO {\"connect_urls\":\"" + String(repeating: "a", count: 5000) + "\"}\r\n").utf8)
        XCTAssertNil(Self.failure(of: info), "INFO may be longer than a control line")
    }

    func testAPayloadAboveTheLimitIsAnError() {
        let parser = ServerOpParser(maxPayload: 100)
        Array("MSG foo 1 101\r\n".utf8).withUnsafeBytes { raw in
            guard case .failure(.maximumPayloadViolation) = parser.parse(raw) else { return XCTFail() }
        }
    }

    // MARK: helpers

    /// Feeds `chunks` through a ByteBuffer as a reader would and describes every op parsed.
    static func parseAll(_ chunks: [[UInt8]]) throws -> [String] {
        let parser = ServerOpParser()
        let buffer = ByteBuffer(capacity: 16)
        var descriptions: [String] = []
        for chunk in chunks {
            buffer.append(chunk)
            parsing: while true {
                switch parser.parse(buffer.readableBytes) {
                case .operation(let operation, let consumed):
                    descriptions.append(describe(operation))
                    buffer.consume(consumed)
                case .needMore:
                    break parsing
                case .failure(let error):
                    throw error
                }
            }
        }
        XCTAssertTrue(buffer.isEmpty, "bytes left over")
        return descriptions
    }

    static func failure(of bytes: [UInt8]) -> WireError? {
        bytes.withUnsafeBytes { raw in
            if case .failure(let error) = ServerOpParser().parse(raw) { return error }
            return nil
        }
    }

    static func describe(_ operation: ServerOp) -> String {
        func text(_ bytes: UnsafeRawBufferPointer) -> String { String(decoding: bytes, as: UTF8.self) }
        switch operation {
        case .info(let json): return "INFO " + text(json)
        case .ping: return "PING"
        case .pong: return "PONG"
        case .ok: return "+OK"
        case .error(let message): return "-ERR " + text(message)
        case .message(let frame):
            return (frame.hasHeaders ? "HMSG" : "MSG") + " subject=\(text(frame.subject)) sid=\(text(frame.sid))"
                + " reply=\(text(frame.reply)) headers=\(text(frame.headers)) payload=\(text(frame.payload))"
        }
    }
}
