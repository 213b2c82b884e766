import XCTest
import Wire

/// Subject validation and the reference matcher, as tables. The expectations marked "nats-server"
/// were checked against nats-server 2.15.1 over raw TCP (see `Subject`'s documentation).
final class SubjectTests: XCTestCase {
    /// (subject, valid to publish, valid to subscribe)
    private let validationCases: [(String, Bool, Bool)] = [
        ("foo", true, true),
        ("foo.bar.baz", true, true),
        ("_INBOX.aB3x9.17", true, true),
        ("$JS.API.INFO", true, true),
        (">", false, true),
        ("*", false, true),
        ("a.>", false, true),
        ("a.*", false, true),
        ("*.*", false, true),
        ("a.*.b", false, true),
        ("*.b.>", false, true),
        (">.a", false, false),  // nats-server: SUB -> Invalid Subject
        ("a.>.b", false, false),
        (">.>", false, false),
        ("a.>.*", false, false),
        (".a", false, false),
        ("a.", false, false),
        ("a..b", false, false),
        (".", false, false),
        ("..", false, false),
        ("", false, false),
        ("a b", false, false),
        ("a\tb", false, false),
        ("a\rb", false, false),
        ("a\nb", false, false),
        (" ", false, false),
        ("a.\t", false, false),
        ("a*", true, true),  // nats-server: wildcard characters inside a token are literal
        ("*a", true, true),
        ("a>", true, true),
        (">a", true, true),
        ("**", true, true),
        (">>", true, true),
        ("a.*>", true, true),
        ("a.b*.c", true, true),
        ("a\u{0C}b", true, true),  // nats-server accepts form feed and other control bytes
        ("a\u{0B}b", true, true),
        ("a\u{0}b", true, true),
        ("été.ünïcødé.日本", true, true),
        ("日本.*", false, true),
        (Array(repeating: "token", count: 800).joined(separator: "."), true, true),
        (Array(repeating: "t", count: 2000).joined(separator: ".") + ".>", false, true),
        (String(repeating: "x", count: 4000), true, true),
    ]

    func testValidationTableAgreesWithNatsServer() {
        for (subject, publishable, subscribable) in validationCases {
            let shown = String(subject.debugDescription.prefix(40))
            XCTAssertEqual(Subject.isValidPublish(subject), publishable, "publish \(shown)")
            XCTAssertEqual(Subject.isValidSubscribe(subject), subscribable, "subscribe \(shown)")
        }
    }

    func testByteOverloadsAgreeWithStringOverloads() {
        for (subject, _, _) in validationCases {
            let bytes = Array(subject.utf8)
            bytes.withUnsafeBytes { raw in
                XCTAssertEqual(Subject.isValidPublish(raw), Subject.isValidPublish(subject))
                XCTAssertEqual(Subject.isValidSubscribe(raw), Subject.isValidSubscribe(subject))
            }
        }
    }

    func testInvalidUTF8BytesAreAccepted() {
        let bytes: [UInt8] = [0xFF, 0xFE, UInt8(ascii: "."), 0x80]
        bytes.withUnsafeBytes { raw in
            XCTAssertTrue(Subject.isValidPublish(raw))
            XCTAssertTrue(Subject.isValidSubscribe(raw))
        }
    }

    /// (pattern, subject, matches)
    private let matchCases: [(String, String, Bool)] = [
        ("foo", "foo", true),
        ("foo", "bar", false),
        ("foo", "Foo", false),
        ("foo", "foo.bar", false),
        ("foo.bar", "foo", false),
        ("foo.*", "foo.bar", true),
        ("foo.*", "foo", false),
        ("foo.*", "foo.bar.baz", false),
        ("*", "foo", true),
        ("*", "foo.bar", false),
        ("*.*", "a.b", true),
        ("*.bar", "foo.bar", true),
        ("*.bar", "foo.baz", false),
        ("a.*.c", "a.b.c", true),
        ("a.*.c", "a.b.d", false),
        ("a.*.c", "a.c", false),
        ("foo.>", "foo.bar", true),
        ("foo.>", "foo.bar.baz", true),
        ("foo.>", "foo", false),
        (">", "foo", true),
        (">", "foo.bar.baz", true),
        ("*.>", "foo", false),
        ("*.>", "foo.bar", true),
        ("a.*.>", "a.b.c.d", true),
        ("a.*.>", "a.b", false),
        ("foo.bar", "foo.bar", true),
        ("a*", "a*", true),  // literal wildcard characters compare as bytes
        ("a*", "ab", false),
        ("a>", "a.b", false),
        ("foo.*", "foo.*", true),  // nats-server: a published `*` token is an ordinary token
        ("foo.>", "foo.*", true),
        ("foo.bar", "foo.*", false),
        ("foo.*", "foo.>", true),
        (">", ">", true),
        ("foo.*.bar", "foo..bar", false),  // nats-server: empty tokens reach nobody
        (">", "foo..bar", false),
        (">", ".foo", false),
        ("*.foo", ".foo", false),
        ("foo.>", "foo.", false),
        (">", "foo.", false),
        (">", "", false),
        ("*", "", false),
        ("été.*", "été.日本", true),
        ("été.*", "ete.日本", false),
    ]

    func testMatchTable() {
        for (pattern, subject, expected) in matchCases {
            XCTAssertEqual(Subject.matches(pattern: pattern, subject: subject), expected, "\(pattern) ~ \(subject)")
        }
    }

    func testStarMatchesExactlyOneToken() {
        XCTAssertTrue(Subject.matches(pattern: "a.*", subject: "a.b"))
        XCTAssertFalse(Subject.matches(pattern: "a.*", subject: "a"))
        XCTAssertFalse(Subject.matches(pattern: "a.*", subject: "a.b.c"))
    }

    func testTailMatchesOneOrMoreTokens() {
        XCTAssertFalse(Subject.matches(pattern: "a.>", subject: "a"))
        XCTAssertTrue(Subject.matches(pattern: "a.>", subject: "a.b"))
        XCTAssertTrue(Subject.matches(pattern: "a.>", subject: "a.b.c.d.e"))
    }

    func testTokenizerReportsEmptyTokens() {
        func tokens(_ subject: String) -> [String] {
            Array(subject.utf8).withUnsafeBytes { raw in
                var tokenizer = SubjectTokenizer(raw)
                var result: [String] = []
                while let token = tokenizer.next() { result.append(String(decoding: token, as: UTF8.self)) }
                return result
            }
        }
        XCTAssertEqual(tokens(""), [""])
        XCTAssertEqual(tokens("a"), ["a"])
        XCTAssertEqual(tokens("a.b.c"), ["a", "b", "c"])
        XCTAssertEqual(tokens("a."), ["a", ""])
        XCTAssertEqual(tokens(".a"), ["", "a"])
        XCTAssertEqual(tokens("a..b"), ["a", "", "b"])
    }
}
