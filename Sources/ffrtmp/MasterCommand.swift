import CommandKit
import Client
import Master
import Net
import Support

/// `ffrtmp master`: follows the fleet into SQLite and serves the read-only web view.
enum MasterCommand: CLICommand {
    static let spec = CommandSpec(
        name: "ffrtmp master",
        summary: "Run the master: stores results, events and telemetry, serves the dashboard and API",
        usage: "ffrtmp master [options]",
        options: ClientCommandOptions.all + [
            OptionSpec(
                ["-n", "--name"], value: "NAME",
                help: "Names the durable consumers (<name>-events, <name>-results)", default: "master"),
            OptionSpec(["-c", "--config"], value: "FILE", help: "Settings file: keys are these long option names"),
            OptionSpec(
                ["--http"], value: "HOST:PORT", help: "Where the dashboard and API listen (port 0 picks one)",
                environment: "FFRTMP_HTTP", default: "127.0.0.1:8080"),
        ] + MasterWebOptions.all + [
            OptionSpec(
                ["--db"], value: "FILE", help: "SQLite database file", default: "/var/lib/ffrtmp/master/master.db"),
            OptionSpec(["--heartbeat"], value: "DURATION", help: "The agents' heartbeat period", default: "5s"),
            OptionSpec(
                ["--missed-heartbeats"], value: "N", help: "Heartbeats missed before a node is offline", default: "3"),
            OptionSpec(
                ["--keep-results"], value: "DURATION", help: "How long results and events are kept", default: "30d"),
            OptionSpec(["--keep-telemetry"], value: "DURATION", help: "How long telemetry is kept", default: "7d"),
            OptionSpec(
                ["--pricing"], value: "FILE",
                help: "JSON prices per region (usd_per_kwh, g_co2_per_kwh); re-read when it changes"),
        ] + LogSettings.options,
        discussion: """
            The master follows the EVENTS and RESULTS streams through durable consumers (a restarted master
            catches up and misses nothing), listens to heartbeats (hb.>) and telemetry (metrics.>), and reads
            queue depths. Everything is kept in SQLite (WAL). The web view is read-only: / (dashboard),
            /api/nodes (paged: limit, after, next), /api/fleet, /api/queues, /api/jobs, /api/jobs/{id},
            /api/results, /api/summary, /metrics (Prometheus), /events (Server-Sent Events), /health. Run
            `ffrtmp setup` once so the streams exist. It listens on 127.0.0.1 unless --http names another
            address; --http-token-file makes every path but /health require `Authorization: Bearer <token>`
            (or ?token=, which sets a cookie for browsers); --http-tls-cert/--http-tls-key serve HTTPS, and
            --http-client-ca then requires client certificates.

            Example: ffrtmp master -s tls://broker:4222 --tlscert master.pem --tlskey master.key --tlsca ca.pem
            """)

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        guard arguments.positionals.isEmpty else {
            throw UsageError("unexpected argument \"\(arguments.positionals[0])\"")
        }
        let arguments = try SettingsFile.merge(arguments)
        let config = try configuration(from: arguments)
        let (host, port) = try HostPort.parse(arguments.string("--http")!, option: "--http")
        let access = try MasterWebOptions.access(arguments)
        SignalWaiter.blockTerminationSignals()  // before the log's reopen thread starts
        let sink = try LogSettings.sink(arguments)
        let logger = Logger(component: "master", sink: sink)
        let master: Master
        let web: MasterWeb
        do {
            master = try Master(config: config, logger: logger)
            web = MasterWeb(
                master: master, host: host, port: port, logger: Logger(component: "http", sink: sink), access: access)
            try web.start()
            try master.start()
        } catch {
            logger.error("master failed to start", ["error": "\(error)"])
            return 1
        }
        logger.info("dashboard", ["url": "\(access.scheme)://\(host):\(web.port)/"])
        StopRequest(logger: logger).wait()
        web.shutdown()
        master.stop()
        return 0
    }

    static func configuration(from arguments: ParsedArguments) throws -> MasterConfig {
        var config = MasterConfig()
        config.name = arguments.string("--name")!
        config.servers = ClientCommandOptions.url(arguments).split(separator: ",").map(String.init)
        config.tls = ClientCommandOptions.tlsOptions(arguments)
        config.user = arguments.string("--user")
        config.password = arguments.string("--pass")
        config.inboxPrefix = arguments.string("--inbox-prefix")
        if config.user != nil && config.password == nil { throw UsageError("--user needs --pass") }
        config.databasePath = arguments.string("--db")!
        config.pricingPath = arguments.string("--pricing")
        do {
            config.heartbeatInterval = Double(try arguments.durationNanoseconds("--heartbeat") ?? 5_000_000_000) / 1e9
            config.missedHeartbeats = try arguments.int("--missed-heartbeats") ?? 3
            config.resultRetention = Double(try arguments.durationNanoseconds("--keep-results") ?? 0) / 1e9
            config.telemetryRetention = Double(try arguments.durationNanoseconds("--keep-telemetry") ?? 0) / 1e9
            try config.validate()
        } catch let error as SupportError {
            throw UsageError(error.message)
        } catch let error as MasterConfigError {
            throw UsageError(error.description)
        }
        return config
    }
}
