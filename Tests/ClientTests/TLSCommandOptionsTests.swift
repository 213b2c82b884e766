@testable import Client
import CommandKit
import Support
import XCTest

/// The nats CLI's TLS flags and environment variables, shared by every client command.
final class TLSCommandOptionsTests: XCTestCase {
    let spec = CommandSpec(
        name: "ffrtmp test", summary: "test", usage: "ffrtmp test", options: ClientCommandOptions.all)

    func testTLSFlagsBecomeTheConnectionsTLSSettings() throws {
        let arguments = try spec.parse([
            "--tlscert", "node.pem", "--tlskey=node-key.pem", "--tlsca", "ca.pem", "--tlsfirst",
            "-s", "tls://broker:4222",
        ])
        let options = ClientCommandOptions.connectionOptions(arguments)
        XCTAssertEqual(
            options.tls,
            ClientTLSOptions(
                trustedAuthoritiesPath: "ca.pem", certificateChainPath: "node.pem", privateKeyPath: "node-key.pem",
                handshakeFirst: true))
        XCTAssertEqual(ClientCommandOptions.url(arguments), "tls://broker:4222")
    }

    func testTheNATSCLIEnvironmentVariablesFillInAndFlagsWin() throws {
        let environment = ["NATS_CERT": "env.pem", "NATS_KEY": "env-key.pem", "NATS_CA": "env-ca.pem"]
        let fromEnvironment = try spec.parse([], environment: environment)
        XCTAssertEqual(
            ClientCommandOptions.tlsOptions(fromEnvironment),
            ClientTLSOptions(
                trustedAuthoritiesPath: "env-ca.pem", certificateChainPath: "env.pem", privateKeyPath: "env-key.pem"))
        let overridden = try spec.parse(["--tlsca", "flag-ca.pem"], environment: environment)
        XCTAssertEqual(ClientCommandOptions.tlsOptions(overridden)?.trustedAuthoritiesPath, "flag-ca.pem")
    }

    func testWithoutTLSFlagsTheConnectionHasNoTLSSettings() throws {
        XCTAssertNil(ClientCommandOptions.connectionOptions(try spec.parse([])).tls)
    }

    func testTLSURLsParseAndPrintAsTLS() throws {
        let address = try ServerAddress(parsing: "tls://alice:secret@broker.example:4443")
        XCTAssertTrue(address.usesTLS)
        XCTAssertEqual(address.host, "broker.example")
        XCTAssertEqual(address.description, "tls://broker.example:4443")
        XCTAssertFalse(try ServerAddress(parsing: "nats://broker.example").usesTLS)
        XCTAssertThrowsError(try ServerAddress(parsing: "https://broker.example"))
    }
}
