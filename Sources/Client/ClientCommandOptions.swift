import Support

/// The options every command that talks to a NATS server shares (`-s/--server`, `NATS_URL`), and
/// connecting with them, so `pub`, `sub`, `req`, `bench` and later commands agree.
public enum ClientCommandOptions {
    public static let server = OptionSpec(
        ["-s", "--server"], value: "URL",
        help: "NATS server URL; a comma-separated list is tried in turn",
        environment: "NATS_URL", default: "nats://127.0.0.1:4222")

    /// Connects to the servers given by `--server` (or `NATS_URL`), as `name`.
    public static func connect(
        _ arguments: ParsedArguments, name: String,
        configure: (inout ConnectionOptions) -> Void = { _ in }
    )
        throws(ClientError) -> NATSConnection
    {
        var options = ConnectionOptions()
        options.name = name
        configure(&options)
        let url = arguments.string("--server") ?? "nats://127.0.0.1:4222"
        return try NATSConnection.connect(url: url, options: options)
    }
}
