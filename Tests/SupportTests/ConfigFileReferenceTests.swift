import XCTest

@testable import Support

/// `$variables` and `include` directives.
final class ConfigFileReferenceTests: XCTestCase {
    func testAVariableTakesTheValueOfAnEarlierTopLevelKey() throws {
        let config = try ConfigTestSupport.parse(
            "PORT: 4222\nSIZE: 1MB\nport: $PORT\nlist: [$PORT, $SIZE]\nsize: $SIZE")
        XCTAssertEqual(config["port"], 4222)
        XCTAssertEqual(config["list"], [4222, 1_048_576])
        XCTAssertEqual(try config.byteSize("size"), 1_048_576)
    }

    func testAVariableLooksInEnclosingBlocksInnermostFirst() throws {
        let text = """
            name: outer
            cluster {
              name: inner
              a: $name
              deeper { b: $name }
            }
            c: $name
            """
        let config = try ConfigTestSupport.parse(text)
        let cluster = try XCTUnwrap(config.object("cluster"))
        XCTAssertEqual(cluster["a"], "inner")
        XCTAssertEqual(try cluster.object("deeper")?["b"], "inner")
        XCTAssertEqual(config["c"], "outer")
    }

    func testABlockCanBeUsedAsAVariable() throws {
        let config = try ConfigTestSupport.parse("defaults { timeout: 2 }\na { settings: $defaults }")
        XCTAssertEqual(try config.object("a")?["settings"], ["timeout": 2])
    }

    func testAVariableFallsBackToTheEnvironmentReadAsAValue() throws {
        let environment = ["PORT": "4333", "NAME": "edge one", "TAGS": "[a, b]", "LOOP": "$LOOP", "EMPTY": ""]
        let config = try ConfigTestSupport.parse(
            "port: $PORT\nname: $NAME\ntags: $TAGS\nloop: $LOOP\nempty: $EMPTY", environment: environment)
        XCTAssertEqual(config, ["port": 4333, "name": "edge one", "tags": ["a", "b"], "loop": "$LOOP", "empty": ""])
    }

    func testAKeyWinsOverAnEnvironmentVariableOfTheSameName() throws {
        let config = try ConfigTestSupport.parse("HOST: here\nhost: $HOST", environment: ["HOST": "there"])
        XCTAssertEqual(config["host"], "here")
    }

    func testAnUndefinedVariableIsAnErrorAtItsPosition() {
        assertConfigError(
            "a: 1\nport: $NOPE", "test.conf:2:7: $NOPE is neither a key set before it nor an environment variable")
        assertConfigError("a: 1\nport: $", "test.conf:2:7: expected a variable name after $")
    }

    func testAVariableCannotReferToAKeySetAfterIt() {
        assertConfigError(
            "port: $PORT\nPORT: 1", "test.conf:1:7: $PORT is neither a key set before it nor an environment variable")
    }

    func testKeysUsedAsVariablesAreNotUnknownSettings() throws {
        let config = try ConfigTestSupport.parse("SECRET: x\nTYPO: y\npassword: $SECRET")
        XCTAssertEqual(config.unknownKeys(allowed: ["password"]), ["TYPO"])
        XCTAssertTrue(config.entry("SECRET")?.isReferenced ?? false)
    }

    func testIncludeMergesAFileRelativeToTheIncludingFile() throws {
        let files = [
            "/etc/ffrtmp/auth.conf": "user: alice\ninclude 'more/pass.conf'",
            "/etc/ffrtmp/more/pass.conf": "password: secret",
            "/shared/limits.conf": "max_payload: 2MB",
        ]
        let text = """
            port: 1
            authorization {
              include "auth.conf"
              timeout: 2
            }
            include /shared/limits.conf
            """
        let config = try ConfigTestSupport.parse(text, fileName: "/etc/ffrtmp/broker.conf", files: files)
        XCTAssertEqual(
            config,
            [
                "port": 1, "authorization": ["user": "alice", "password": "secret", "timeout": 2],
                "max_payload": 2_097_152,
            ])
        let authorization = try XCTUnwrap(config.object("authorization"))
        XCTAssertEqual(
            authorization.entry("password")?.location,
            ConfigLocation(fileName: "/etc/ffrtmp/more/pass.conf", line: 1, column: 1))
        XCTAssertEqual(authorization.path, "authorization")
    }

    func testIncludedKeysCanBeUsedAsVariablesAndCanBeOverridden() throws {
        let files = ["vars.conf": "PORT: 4222\nport: 1"]
        let config = try ConfigTestSupport.parse("include vars.conf\nport: $PORT", files: files)
        XCTAssertEqual(config, ["PORT": 4222, "port": 4222])
    }

    func testAnIncludedFileMayBeWrittenAsJson() throws {
        let config = try ConfigTestSupport.parse("include \"x.json\"", files: ["x.json": #"{"a": [1, 2]}"#])
        XCTAssertEqual(config, ["a": [1, 2]])
    }

    func testAMissingIncludeIsReportedWhereItWasIncluded() {
        assertConfigError(
            "a: 1\ninclude \"missing.conf\"",
            "test.conf:2:9: include missing.conf: cannot open missing.conf: No such file or directory")
    }

    func testAnErrorInsideAnIncludedFileNamesThatFile() {
        assertConfigError(
            "include bad.conf", "bad.conf:2:4: expected a value for b, got end of line",
            files: ["bad.conf": "a: 1\nb: \n"])
    }

    func testAFileThatIncludesItselfIsStopped() {
        assertConfigError(
            "include self.conf",
            "self.conf:1:9: includes nest deeper than 10 files (does a file include itself?)",
            files: ["self.conf": "include self.conf"])
    }

    func testIncludeNeedsAFileName() {
        assertConfigError("include \n", "test.conf:1:9: expected a file name after include, got end of line")
    }
}
