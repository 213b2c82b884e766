import Client
import Support

/// The options every command that talks to a NATS server shares (`-s/--server`, `NATS_URL`, the
/// nats CLI's TLS flags, `--user/--pass` and `--inbox-prefix`), and connecting with them, so `pub`,
/// `sub`, `req`, `bench`, `setup` and later commands agree. A command lists `ClientCommandOptions.all`
/// among its options.
public enum ClientCommandOptions {
    public static let server = OptionSpec(
        ["-s", "--server"], value: "URL",
        help: "NATS server URL (nats:// or tls://); a comma-separated list is tried in turn",
        environment: "NATS_URL", default: "nats://127.0.0.1:4222")

    /// `--tlscert`: this client's certificate, for brokers that verify clients.
    public static let tlsCertificate = OptionSpec(
        ["--tlscert"], value: "FILE", help: "TLS client certificate (PEM), e.g. from `ffrtmp certs issue`",
        environment: "NATS_CERT")

    /// `--tlskey`: the private key of `--tlscert`.
    public static let tlsKey = OptionSpec(
        ["--tlskey"], value: "FILE", help: "Private key of the TLS client certificate (PEM)", environment: "NATS_KEY")

    /// `--tlsca`: the CA the broker's certificate must be signed by.
    public static let tlsAuthority = OptionSpec(
        ["--tlsca"], value: "FILE", help: "CA certificate (PEM) that signed the server's certificate",
        environment: "NATS_CA")

    /// `--tlsfirst`: the TLS handshake before the server's INFO.
    public static let tlsFirst = OptionSpec(
        ["--tlsfirst"], help: "Start TLS before the server's INFO (for servers set to handshake_first)")

    /// `--user`: the CONNECT user name, for brokers with users and passwords.
    public static let user = OptionSpec(
        ["--user"], value: "USER",
        help: "User name for brokers that require one (tokens go in the URL: nats://TOKEN@host)")

    /// `--pass`: the password of `--user`.
    public static let password = OptionSpec(
        ["--pass"], value: "PASSWORD", help: "Password for --user", environment: "FFRTMP_PASSWORD")

    /// `--inbox-prefix`: what reply subjects start with; the broker's roles allow each identity only
    /// `_INBOX.<name>.>`.
    public static let inboxPrefix = OptionSpec(
        ["--inbox-prefix"], value: "PREFIX",
        help: "Reply subjects start with this (default: _INBOX.<certificate CN> with --tlscert, else _INBOX)")

    /// Every shared option, for a command's option list.
    public static let all = [server, tlsCertificate, tlsKey, tlsAuthority, tlsFirst, user, password, inboxPrefix]

    /// The TLS settings from the TLS options (or their environment variables); nil when none is given,
    /// so the connection speaks TLS only for `tls://` URLs (and fails clearly if the server requires it).
    public static func tlsOptions(_ arguments: ParsedArguments) -> ClientTLSOptions? {
        let certificate = arguments.string("--tlscert")
        let key = arguments.string("--tlskey")
        let authority = arguments.string("--tlsca")
        let first = arguments.flag("--tlsfirst")
        guard certificate != nil || key != nil || authority != nil || first else { return nil }
        return ClientTLSOptions(
            trustedAuthoritiesPath: authority, certificateChainPath: certificate, privateKeyPath: key,
            handshakeFirst: first)
    }

    /// Connection options carrying the shared settings (TLS, user and password, inbox prefix); the rest
    /// are defaults.
    public static func connectionOptions(_ arguments: ParsedArguments) -> ConnectionOptions {
        var options = ConnectionOptions()
        options.tls = tlsOptions(arguments)
        options.user = arguments.string("--user")
        options.password = arguments.string("--pass")
        options.inboxPrefix = arguments.string("--inbox-prefix")
        return options
    }

    /// Connects to the servers given by `--server` (or `NATS_URL`), as `name`, with the TLS options.
    public static func connect(
        _ arguments: ParsedArguments, name: String,
        configure: (inout ConnectionOptions) -> Void = { _ in }
    )
        throws(ClientError) -> NATSConnection
    {
        var options = connectionOptions(arguments)
        options.name = name
        configure(&options)
        return try NATSConnection.connect(url: url(arguments), options: options)
    }

    /// The `--server` value (or `NATS_URL`, or the default).
    public static func url(_ arguments: ParsedArguments) -> String {
        arguments.string("--server") ?? "nats://127.0.0.1:4222"
    }
}
