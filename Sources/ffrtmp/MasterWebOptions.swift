import CommandKit
import HTTP
import Master
import Support
import TLS

/// The options that protect the master's web view, shared by `ffrtmp master` and `ffrtmp up`.
enum MasterWebOptions {
    static let all = [
        OptionSpec(
            ["--http-token-file"], value: "PATH",
            help: "Require this file's bearer token on every path but /health", environment: "FFRTMP_HTTP_TOKEN_FILE"),
        OptionSpec(["--http-tls-cert"], value: "PATH", help: "Serve HTTPS with this certificate chain (PEM)"),
        OptionSpec(["--http-tls-key"], value: "PATH", help: "The private key of --http-tls-cert (PEM)"),
        OptionSpec(
            ["--http-client-ca"], value: "PATH", help: "Require client certificates signed by this CA (needs HTTPS)"),
    ]

    /// Who may read the view, from the options; a bad token file is a usage error naming it.
    static func access(_ arguments: ParsedArguments) throws -> MasterWebAccess {
        var access = MasterWebAccess()
        if let path = arguments.string("--http-token-file") {
            do {
                access.token = try HTTPBearerToken.read(file: path)
            } catch {
                throw UsageError("--http-token-file: \(error.message)")
            }
        }
        let certificate = arguments.string("--http-tls-cert")
        let key = arguments.string("--http-tls-key")
        let authority = arguments.string("--http-client-ca")
        guard (certificate == nil) == (key == nil) else {
            throw UsageError("--http-tls-cert and --http-tls-key go together")
        }
        if let certificate, let key {
            access.tls = .server(
                certificateChainPath: certificate, privateKeyPath: key, trustedAuthoritiesPath: authority,
                verifyPeer: authority != nil)
        } else if authority != nil {
            throw UsageError("--http-client-ca needs HTTPS: give --http-tls-cert and --http-tls-key too")
        }
        return access
    }
}
