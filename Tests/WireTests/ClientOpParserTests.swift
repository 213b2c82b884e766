import Wire
import XCTest

/// A parsed op copied out of the buffer, so tests can compare values.
enum ParsedOp: Equatable {
    case connect(String)
    case publish(subject: String, reply: String, headerLength: Int, message: String, hasHeaders: Bool)
    case subscribe(subject: String, queue: String?, sid: String)
    case unsubscribe(sid: String, max: Int?)
    case ping, pong, ignored
    case error(String)

    init(_ op: ClientOp) {
        func text(_ bytes: UnsafeRawBufferPointer) -> String { String(decoding: bytes, as: UTF8.self) }
        switch op {
        case .connect(let json): self = .connect(text(json))
        case .publish(let frame):
            self = .publish(
                subject: text(frame.subject), reply: text(frame.reply), headerLength: frame.headerLength,
                message: text(frame.message), hasHeaders: frame.hasHeaders)
        case .subscribe(let subject, let queue, let sid):
            self = .subscribe(subject: text(subject), queue: queue.map(text), sid: text(sid))
        case .unsubscribe(let sid, let max): self = .unsubscribe(sid: text(sid), max: max)
        case .ping: self = .ping
        case .pong: self = .pong
        case .ignored: self = .ignored
        case .error(let message): self = .error(text(message))
        }
    }
}

/// What a stream of input produced: ops, then possibly one error.
struct ParseOutcome: Equatable {
    var ops: [ParsedOp] = []
    var error: WireError?
    var leftover = 0
}

/// Feeds `chunks` one after another the way a connection does: unconsumed bytes stay at the front.
func parseStream(_ chunks: [[UInt8]], parser: ClientOpParser = ClientOpParser()) -> ParseOutcome {
    var outcome = ParseOutcome()
    var pending: [UInt8] = []
    for chunk in chunks {
        pending.append(contentsOf: chunk)
        var stop = false
        while !pending.isEmpty && !stop {
            let result = pending.withUnsafeBytes { bytes -> (ParsedOp?, Int, WireError?) in
                switch parser.parse(bytes) {
                case .operation(let op, let consumed): return (ParsedOp(op), consumed, nil)
                case .needMore: return (nil, 0, nil)
                case .failure(let error): return (nil, 0, error)
                }
            }
            if let error = result.2 {
                outcome.error = error
                return outcome
            }
            if let op = result.0 {
                outcome.ops.append(op)
                pending.removeFirst(result.1)
            } else {
                stop = true
            }
        }
    }
    outcome.leftover = pending.count
    return outcome
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

final class ClientOpParserTests: XCTestCase {
    /// One example of every op, with the parse each must give.
    let everyOp: [(String, ParsedOp)] = [
        ("CONNECT {\"verbose\":false}\r\n", .connect("{\"verbose\":false}")),
        (
            "PUB foo 5\r\nhello\r\n",
            .publish(subject: "foo", reply: "", headerLength: 0, message: "hello", hasHeaders: false)
        ),
        (
            "PUB foo.bar _INBOX.1 0\r\n\r\n",
            .publish(subject: "foo.bar", reply: "_INBOX.1", headerLength: 0, message: "", hasHeaders: false)
        ),
        (
            "HPUB foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\n",
            .publish(subject: "foo", reply: "", headerLength: 12, message: "NATS/1.0\r\n\r\nhi", hasHeaders: true)
        ),
        (
            "HPUB foo r 12 12\r\nNATS/1.0\r\n\r\n\r\n",
            .publish(subject: "foo", reply: "r", headerLength: 12, message: "NATS/1.0\r\n\r\n", hasHeaders: true)
        ),
        ("SUB foo 1\r\n", .subscribe(subject: "foo", queue: nil, sid: "1")),
        ("SUB foo.* workers 22\r\n", .subscribe(subject: "foo.*", queue: "workers", sid: "22")),
        ("UNSUB 1\r\n", .unsubscribe(sid: "1", max: nil)),
        ("UNSUB 1 10\r\n", .unsubscribe(sid: "1", max: 10)),
        ("PING\r\n", .ping),
        ("PONG\r\n", .pong),
        ("+OK\r\n", .ignored),
        ("INFO {}\r\n", .ignored),
        ("-ERR 'boom'\r\n", .error("'boom'")),
    ]

    func testEveryOpParsesWhole() {
        for (input, expected) in everyOp {
            let outcome = parseStream([bytes(input)])
            XCTAssertNil(outcome.error, input)
            XCTAssertEqual(outcome.ops, [expected], input)
            XCTAssertEqual(outcome.leftover, 0, input)
        }
    }

    func testEveryOpSplitAtEveryByteGivesTheSameResult() {
        for (input, expected) in everyOp {
            let all = bytes(input)
            for split in 1..<all.count {
                let outcome = parseStream([Array(all[..<split]), Array(all[split...])])
                XCTAssertEqual(outcome.ops, [expected], "\(input.debugDescription) split at \(split)")
                XCTAssertNil(outcome.error)
            }
        }
    }

    func testAStreamFedOneByteAtATimeGivesEveryOpInOrder() {
        let stream = everyOp.filter { if case .error = $0.1 { return false } else { return true } }
        let all = stream.flatMap { bytes($0.0) }
        let outcome = parseStream(all.map { [$0] })
        XCTAssertEqual(outcome.ops, stream.map(\.1))
        XCTAssertNil(outcome.error)
    }

    func testOperationNamesAreCaseInsensitive() {
        let outcome = parseStream([bytes("pub foo 1\r\nx\r\nsUb foo 1\r\nping\r\nPoNg\r\nunsub 1\r\nconnect {}\r\n")])
        XCTAssertEqual(outcome.ops.count, 6)
        XCTAssertNil(outcome.error)
    }

    func testArgumentsMaySeparateWithRunsOfSpacesAndTabs() {
        let outcome = parseStream([bytes("PUB \t foo\t\t bar  3\r\nabc\r\nSUB  foo \t q  7 \r\n")])
        XCTAssertEqual(
            outcome.ops,
            [
                .publish(subject: "foo", reply: "bar", headerLength: 0, message: "abc", hasHeaders: false),
                .subscribe(subject: "foo", queue: "q", sid: "7"),
            ])
    }

    func testPingIgnoresAnythingBeforeTheLineFeed() {
        XCTAssertEqual(parseStream([bytes("PINGxyz\r\nPONG\n")]).ops, [.ping, .pong])
    }

    func testALineEndingInABareLineFeedIsAccepted() {
        XCTAssertEqual(parseStream([bytes("SUB foo 1\nPUB foo 1\nx\r\n")]).ops.count, 2)
    }

    func testUnknownOperationsAreRefusedAtTheFirstWrongByte() {
        for input in [
            "FOO\r\n", "PUX\r\n", "X", "MSG foo 1 1\r\n", "PUBX foo 1\r\n", "SUBfoo 1\r\n", "\r\n", " PING\r\n",
        ] {
            XCTAssertEqual(parseStream([bytes(input)]).error, .unknownOperation, input.debugDescription)
        }
    }

    func testAPartialOperationNameWaitsForMoreBytes() {
        for input in ["P", "PU", "PUB", "CONNEC", "UNSU", "HPU"] {
            let outcome = parseStream([bytes(input)])
            XCTAssertNil(outcome.error, input)
            XCTAssertEqual(outcome.leftover, input.utf8.count)
        }
    }

    func testAPayloadNotFollowedByCRLFIsAnUnknownOperation() {
        XCTAssertEqual(parseStream([bytes("PUB foo 5\r\nhelloXX")]).error, .unknownOperation)
        XCTAssertEqual(parseStream([bytes("PUB foo 5\r\nhello\rX")]).error, .unknownOperation)
        XCTAssertEqual(parseStream([bytes("PUB foo 3\r\nab\r\n\r\n")]).error, .unknownOperation)
    }

    func testMalformedArgumentsAreRefused() {
        let cases = [
            "PUB foo\r\n", "PUB foo bar\r\n", "PUB foo -1\r\n", "PUB a b c d\r\n", "PUB a b c d e\r\n",
            "PUB foo 1x\r\n", "SUB foo\r\n", "SUB a b c d\r\n", "UNSUB\r\n", "UNSUB 1 x\r\n", "UNSUB 1 2 3\r\n",
            "HPUB foo 3\r\n", "HPUB foo 5 3\r\n", "HPUB foo bar 1 x\r\n",
        ]
        for input in cases {
            let error = parseStream([bytes(input)]).error
            switch error {
            case .malformedArguments?, .unknownOperation?: break
            default: XCTFail("\(input.debugDescription) gave \(String(describing: error))")
            }
        }
    }

    func testAPayloadAboveMaxPayloadIsRefusedFromItsControlLine() {
        let parser = ClientOpParser(maxControlLine: 4096, maxPayload: 1024)
        XCTAssertEqual(parseStream([bytes("PUB foo 1025\r\n")], parser: parser).error, .maximumPayloadViolation)
        XCTAssertEqual(parseStream([bytes("HPUB foo 10 1025\r\n")], parser: parser).error, .maximumPayloadViolation)
        let exactly = "PUB foo 1024\r\n" + String(repeating: "x", count: 1024) + "\r\n"
        XCTAssertEqual(parseStream([bytes(exactly)], parser: parser).ops.count, 1)
    }

    func testAControlLineAboveTheLimitIsRefusedWithOrWithoutItsLineEnd() {
        let parser = ClientOpParser(maxControlLine: 100, maxPayload: 1024)
        let long = String(repeating: "a", count: 101)
        XCTAssertEqual(parseStream([bytes("SUB \(long) 1\r\n")], parser: parser).error, .maximumControlLineExceeded)
        XCTAssertEqual(parseStream([bytes("SUB \(long)")], parser: parser).error, .maximumControlLineExceeded)
        XCTAssertEqual(parseStream([bytes("PING" + long)], parser: parser).error, .maximumControlLineExceeded)
        let fits = String(repeating: "a", count: 97)
        XCTAssertEqual(parseStream([bytes("SUB \(fits) 1\r\n")], parser: parser).ops.count, 1)
    }

    func testWhitespaceAfterTheOperationNameCountsAgainstTheControlLineAtEveryCut() {
        let parser = ClientOpParser(maxControlLine: 100, maxPayload: 1024)
        let padded = bytes("PUB " + String(repeating: " ", count: 96) + "foo 2\r\nhi\r\n")
        let spacesOnly = bytes("PUB " + String(repeating: " \t", count: 60))
        for input in [padded, spacesOnly] {
            for cut in 0...input.count {
                let outcome = parseStream([Array(input[..<cut]), Array(input[cut...])], parser: parser)
                XCTAssertEqual(outcome.error, .maximumControlLineExceeded, "cut at \(cut)")
                XCTAssertEqual(outcome.ops, [], "cut at \(cut)")
            }
        }
        let fits = bytes("PUB " + String(repeating: " ", count: 95) + "foo 2\r\nhi\r\n")
        for cut in 0...fits.count {
            let outcome = parseStream([Array(fits[..<cut]), Array(fits[cut...])], parser: parser)
            XCTAssertNil(outcome.error, "cut at \(cut)")
            XCTAssertEqual(outcome.ops.count, 1, "cut at \(cut)")
        }
        XCTAssertEqual(
            parseStream([bytes("PING" + String(repeating: " ", count: 101))], parser: parser).error,
            .maximumControlLineExceeded)
    }

    func testAControlLineOfExactlyTheLimitMayArriveWithItsCarriageReturnFirst() {
        let parser = ClientOpParser(maxControlLine: 100, maxPayload: 1024)
        let arguments = "s" + String(repeating: "a", count: 97) + " 1"
        XCTAssertEqual(arguments.utf8.count, 100)
        let outcome = parseStream([bytes("SUB " + arguments + "\r"), bytes("\n")], parser: parser)
        XCTAssertNil(outcome.error)
        XCTAssertEqual(outcome.ops.count, 1)
    }

    func testALargePayloadSplitIntoManyReadsArrivesWhole() {
        let payload = String(repeating: "z", count: 1 << 20)
        let all = bytes("PUB big 1048576\r\n" + payload + "\r\n")
        var chunks: [[UInt8]] = []
        var start = 0
        while start < all.count {
            let end = min(all.count, start + 65_536)
            chunks.append(Array(all[start..<end]))
            start = end
        }
        let outcome = parseStream(chunks)
        XCTAssertEqual(outcome.ops.count, 1)
        if case .publish(_, _, _, let message, _) = outcome.ops.first { XCTAssertEqual(message.utf8.count, 1 << 20) }
    }

    func testNeedMoreReportsTheWholeFrameSizeOnceTheControlLineIsKnown() {
        let input = bytes("PUB foo 10\r\nabc")
        let result = input.withUnsafeBytes { ClientOpParser().parse($0) }
        guard case .needMore(let total) = result else { return XCTFail("expected needMore, got \(result)") }
        XCTAssertEqual(total, "PUB foo 10\r\n".utf8.count + 10 + 2)
    }

    func testRandomGarbageNeverCrashesAndEndsInAnErrorOrWaitsForMore() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = bytes("PUBSHCONEIGUX+-OKR \t\r\n0123456789.*>abc{}")
        for _ in 0..<2000 {
            let length = Int(generator.next() % 64)
            let input = (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            let outcome = parseStream([input])
            XCTAssertTrue(outcome.error != nil || outcome.leftover <= input.count)
        }
    }
}
