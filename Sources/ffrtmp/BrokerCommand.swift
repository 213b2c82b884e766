import CommandKit
import Broker
import Net
import Support

/// `ffrtmp broker`: runs the NATS-compatible broker until SIGINT/SIGTERM, then shuts down in
/// lame-duck fashion (stop accepting, flush, close).
enum BrokerCommand: CLICommand {
    static let spec = CommandSpec(
        name: "ffrtmp broker",
        summary: "Run the NATS-compatible message broker",
        usage: "ffrtmp broker [options]",
        options: [
            OptionSpec(["-a", "--addr", "--net"], value: "HOST", help: "Interface to listen on", default: "0.0.0.0"),
            OptionSpec(["-p", "--port"], value: "PORT", help: "Client port (0 picks a free one)", default: "4222"),
            OptionSpec(["-n", "--name", "--server_name"], value: "NAME", help: "Server name announced to clients"),
            OptionSpec(["-c", "--config"], value: "FILE", help: "Configuration file (nats-server format)"),
            OptionSpec(["--max_payload"], value: "SIZE", help: "Largest message a client may publish (e.g. 1MB)"),
            OptionSpec(
                ["--max_pending"], value: "SIZE",
                help: "Pending output per client before it is cut off as a slow consumer"),
            OptionSpec(["--max_connections"], value: "N", help: "Most client connections at once"),
            OptionSpec(["--max_subscriptions"], value: "N", help: "Most subscriptions per connection (0: no limit)"),
            OptionSpec(["--max_control_line"], value: "N", help: "Longest protocol control line in bytes"),
            OptionSpec(
                ["--ping_interval"], value: "DURATION", help: "Interval between server PINGs to idle clients (e.g. 2m)"),
            OptionSpec(["--ping_max"], value: "N", help: "Unanswered PINGs before a client is closed as stale"),
            OptionSpec(
                ["--write_deadline"], value: "DURATION",
                help: "How long output may stay unwritable before the client is cut off"),
            OptionSpec(["--tls"], help: "Require TLS (needs --tlscert and --tlskey)"),
            OptionSpec(["--tlscert"], value: "FILE", help: "Server certificate chain (PEM)"),
            OptionSpec(["--tlskey"], value: "FILE", help: "Server private key (PEM)"),
            OptionSpec(["--tlscacert"], value: "FILE", help: "Authority that signs client certificates (PEM)"),
            OptionSpec(["--tlsverify"], help: "Require a client certificate signed by --tlscacert (mTLS)"),
            OptionSpec(["--user"], value: "USER", help: "Require this user name in CONNECT (with --pass)"),
            OptionSpec(["--pass"], value: "PASSWORD", help: "Password for --user"),
            OptionSpec(["--auth"], value: "TOKEN", help: "Require this token in CONNECT (auth_token)"),
            OptionSpec(["-js", "--jetstream"], help: "Enable streams and pull consumers (the JetStream subset)"),
            OptionSpec(
                ["-sd", "--store_dir"], value: "DIR",
                help: "Where streams are stored (implies --jetstream); default $TMPDIR/ffrtmp/jetstream"),
            OptionSpec(["--threads"], value: "N", help: "Event loops (threads); default: one per usable core"),
            OptionSpec(
                ["-m", "--http_port"], value: "PORT",
                help: "Monitoring port: /healthz /varz /connz /subsz /jsz /metrics (0 picks a free one)"),
            OptionSpec(
                ["--http_host"], value: "HOST", help: "Interface of the monitoring port", default: "127.0.0.1"),
        ] + LogSettings.options,
        discussion: """
            Clients connect with any NATS client: nats://HOST:PORT. Flags override the config file;
            sizes accept 1048576, 64KB, 1MB; durations 500ms, 10s, 2m. Logs are one logfmt line per
            event. SIGINT or SIGTERM stops accepting, flushes pending output and exits 0. SIGHUP reloads
            the config file, TLS files and flags (see protocol/PROTOCOL.md, "Reload").

            The monitoring port (-m) answers as nats-server's does, but on 127.0.0.1 unless
            --http_host says otherwise: it has no authentication.

            Example: ffrtmp broker -p 4222 --max_payload 8MB -m 8222
            """)

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        guard arguments.positionals.isEmpty else {
            throw UsageError("unexpected argument \"\(arguments.positionals[0])\"")
        }
        let config: BrokerConfig
        do {
            config = try configuration(from: arguments)
            try config.validate()
        } catch let error as SupportError {
            throw UsageError(error.message)
        } catch let error as BrokerConfigError {
            throw UsageError(error.message)
        }
        AllocatorTuning.keepLargeBlocksMapped()
        SignalWaiter.blockTerminationSignals()  // before the log's reopen thread starts
        let sink = try LogSettings.sink(arguments, path: config.logFile, debug: config.debug)
        let logger = Logger(component: "broker", sink: sink)
        OpenFileLimit.warnIfShort(connections: config.maxConnections, logger: logger)

        let broker = Broker(config: config, logger: logger)
        do {
            try broker.start()
        } catch {
            logger.error("broker failed to start", ["error": error])
            return 1
        }
        SignalWaiter.start { signal in
            logger.info("signal received", ["signal": SignalWaiter.name(signal)])
            handle(signal: signal, broker: broker, arguments: arguments, logger: logger)
        }
        broker.waitUntilStopped()
        return 0
    }

    /// `--tls*`, `--user/--pass`, `--auth`, with nats-server's meanings.
    static func applySecurityFlags(_ arguments: ParsedArguments, to config: inout BrokerConfig) throws {
        let certificate = arguments.string("--tlscert")
        let key = arguments.string("--tlskey")
        if arguments.flag("--tls") || certificate != nil || key != nil || arguments.flag("--tlsverify") {
            guard let certificate = certificate ?? config.tls?.certificateFile, let key = key ?? config.tls?.keyFile
            else {
                throw UsageError("--tls needs --tlscert and --tlskey")
            }
            var tls = config.tls ?? BrokerTLSConfig(certificateFile: certificate, keyFile: key)
            tls.certificateFile = certificate
            tls.keyFile = key
            if let authority = arguments.string("--tlscacert") { tls.authorityFile = authority }
            if arguments.flag("--tlsverify") {
                guard tls.authorityFile != nil else { throw UsageError("--tlsverify needs --tlscacert") }
                tls.verifyClients = true
            }
            config.tls = tls
        }
        if let user = arguments.string("--user") {
            guard let password = arguments.string("--pass") else { throw UsageError("--user needs --pass") }
            config.authorization.users[user] = AuthorizationConfig.User(name: user, password: password)
        }
        if let token = arguments.string("--auth") { config.authorization.token = token }
    }

    /// Defaults, then the config file, then flags.
    static func configuration(from arguments: ParsedArguments) throws -> BrokerConfig {
        var config = BrokerConfig()
        if let path = arguments.string("--config") {
            try BrokerConfigFile.apply(path: path, to: &config)
        }
        if arguments.isGiven("--addr") { config.host = arguments.string("--addr")! }
        if arguments.isGiven("--port") { config.port = try arguments.int("--port")! }
        if let name = arguments.string("--name") { config.serverName = name }
        if let value = try arguments.byteSize("--max_payload") { config.maxPayload = value }
        if let value = try arguments.byteSize("--max_pending") { config.maxPending = value }
        if let value = try arguments.int("--max_connections") { config.maxConnections = value }
        if let value = try arguments.int("--max_subscriptions") { config.maxSubscriptions = value }
        if let value = try arguments.int("--max_control_line") { config.maxControlLine = value }
        if let value = try arguments.durationNanoseconds("--ping_interval") { config.pingInterval = value }
        if let value = try arguments.int("--ping_max") { config.maxPingsOutstanding = value }
        if let value = try arguments.durationNanoseconds("--write_deadline") { config.writeDeadline = value }
        if let value = try arguments.int("--threads") { config.eventLoops = value }
        if let value = try arguments.int("--http_port") { config.monitorPort = value }
        if arguments.isGiven("--http_host") { config.monitorHost = arguments.string("--http_host")! }
        if let value = arguments.string("--log") { config.logFile = value }
        if arguments.flag("--debug") { config.debug = true }
        if arguments.flag("--jetstream") { config.jetStream = true }
        try applySecurityFlags(arguments, to: &config)
        if let value = arguments.string("--store_dir") {
            config.storeDirectory = value
            config.jetStream = true
        }
        return config
    }
}
