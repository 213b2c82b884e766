import TestSupport
import XCTest

@testable import Support

/// The parser never crashes: random bytes, random token soup and every prefix of a real file
/// either parse or throw.
final class ConfigFileFuzzTests: XCTestCase {
    /// Parses with an include loader that serves random text too, so includes are fuzzed as well.
    private func parseOrThrow(_ text: String) -> Bool {
        let loader: ConfigFile.IncludeLoader = { path throws(SupportError) in
            if path.count % 3 == 0 { throw SupportError("missing") }
            return "a: 1\n" + path + " { b: [1, 2] }\ninclude " + path
        }
        do {
            _ = try ConfigFile.parse(
                text, fileName: "fuzz.conf", environment: ["E": "[1, {a: $E}"], includeLoader: loader)
            return true
        } catch {
            XCTAssertTrue(error.message.contains(": "), "an error should say where and what: \(error.message)")
            return false
        }
    }

    func testRandomBytesEitherParseOrThrow() {
        var generator = SeededGenerator(seed: 1)
        for _ in 0..<10_000 {
            let count = Int.random(in: 0..<200, using: &generator)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = parseOrThrow(String(decoding: bytes, as: UTF8.self))
        }
    }

    func testRandomTokenSoupEitherParsesOrThrows() {
        let tokens = [
            "{", "}", "[", "]", ":", "=", ",", ";", "\n", " ", "\t", "\r\n", "#c\n", "// c\n", "key", "a", "include",
            "include ", "\"s\"", "\"", "'", "'r'", "\"\\", "\"\\u", "\"\\ud83d", "\"\\x", "$a", "$E", "$", "$NOPE",
            "1MB", "2m", "-", "-1", "1.5", "1e", "1e999", "99999999999999999999", "true", "off", "0.0.0.0:1",
            "é", "\u{FEFF}", "\0", "nats://x", "x.conf",
        ]
        var generator = SeededGenerator(seed: 2)
        var parsed = 0
        for _ in 0..<20_000 {
            let count = Int.random(in: 1..<40, using: &generator)
            let text = (0..<count).map { _ in tokens.randomElement(using: &generator)! }.joined()
            if parseOrThrow(text) { parsed += 1 }
        }
        XCTAssertGreaterThan(parsed, 0, "the soup should sometimes be valid")
    }

    func testEveryPrefixOfARealFileEitherParsesOrThrows() {
        let text = """
            # ffrtmp broker
            port: 4222
            server_name: "edge \\"1\\"\\u00e9"
            max_payload = 1MB
            PASS: 's3cr3t'
            cluster {
              routes: [
                nats://a:6222, nats://b:6222
              ]
              authorization { user: r, password: $PASS, timeout: 0.5 }
            }
            {"json": [1, -2.5e3, true, {"k": null}]}
            """
        let characters = Array(text)
        for end in 0...characters.count {
            _ = parseOrThrow(String(characters[0..<end]))
        }
    }
}
