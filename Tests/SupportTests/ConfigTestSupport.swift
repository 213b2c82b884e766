import XCTest

@testable import Support

/// Helpers shared by the configuration tests: parsing with in-memory includes and checking errors.
enum ConfigTestSupport {
    /// An include loader serving `files` by path, failing like a missing file otherwise.
    static func loader(_ files: [String: String]) -> ConfigFile.IncludeLoader {
        return { path throws(SupportError) in
            guard let text = files[path] else { throw SupportError("cannot open \(path): No such file or directory") }
            return text
        }
    }

    static func parse(
        _ text: String, fileName: String = "test.conf", environment: [String: String] = [:],
        files: [String: String] = [:]
    ) throws(SupportError) -> ConfigObject {
        try ConfigFile.parse(text, fileName: fileName, environment: environment, includeLoader: loader(files))
    }

    /// The message parsing `text` fails with, or nil when it parses.
    static func errorMessage(
        _ text: String, fileName: String = "test.conf", environment: [String: String] = [:],
        files: [String: String] = [:]
    ) -> String? {
        do {
            _ = try parse(text, fileName: fileName, environment: environment, files: files)
            return nil
        } catch {
            return error.message
        }
    }
}

/// Asserts that parsing `text` fails with exactly `expected`.
func assertConfigError(
    _ text: String, _ expected: String, environment: [String: String] = [:], files: [String: String] = [:],
    file: StaticString = #filePath, line: UInt = #line
) {
    let message = ConfigTestSupport.errorMessage(text, environment: environment, files: files)
    XCTAssertEqual(message, expected, file: file, line: line)
}

/// Asserts that `body` throws a `SupportError` whose message is `expected`.
func assertThrows<T>(
    _ expected: String, file: StaticString = #filePath, line: UInt = #line, _ body: () throws(SupportError) -> T
) {
    do {
        let value = try body()
        XCTFail("expected the error \"\(expected)\", got the value \(value)", file: file, line: line)
    } catch {
        XCTAssertEqual(error.message, expected, file: file, line: line)
    }
}
