import Agent
import Broker
import Client
import CommandKit
import Fleet
import Master
import Model
import Net
import Support

#if canImport(Glibc)
    import Glibc
#endif

/// `ffrtmp up`: the embedded default. Broker (with its streams), master (with the dashboard) and
/// one agent in one process, state in one folder; Ctrl-C stops them in order.
enum UpCommand: CLICommand {
    static let spec = CommandSpec(
        name: "ffrtmp up",
        summary: "Run broker, master and one agent in one process (the embedded default)",
        usage: "ffrtmp up [options]",
        options: [
            OptionSpec(
                ["--state-dir"], value: "DIR", help: "Where streams, the database and work files live",
                environment: "FFRTMP_STATE", default: "ffrtmp-state"),
            OptionSpec(["-p", "--port"], value: "PORT", help: "Broker port (0 picks one)", default: "4222"),
            OptionSpec(["-a", "--addr"], value: "HOST", help: "Broker interface", default: "127.0.0.1"),
            OptionSpec(["--http"], value: "HOST:PORT", help: "Dashboard and API", default: "127.0.0.1:8080"),
            OptionSpec(
                ["--broker-monitor"], value: "PORT",
                help: "The broker's monitoring port on 127.0.0.1 (/varz, /connz, /jsz, /metrics); off by default"),
        ] + MasterWebOptions.all + [
            OptionSpec(["-j", "--max-concurrent-jobs"], value: "N", help: "The agent's job slots", default: "1"),
            OptionSpec(["--no-agent"], help: "Run broker and master only (agents join from elsewhere)"),
            OptionSpec(["--ffmpeg"], value: "PATH", help: "ffmpeg binary for the agent", default: "ffmpeg"),
            OptionSpec(["--capabilities"], value: "LIST", help: "Declare capabilities instead of probing"),
            OptionSpec(["--tdp"], value: "WATTS", help: "CPU TDP for the estimate when no sensor exists"),
            OptionSpec(["--demo"], help: "Also submit a few sample jobs (libx264, libx265 at two sizes)"),
            OptionSpec(["--pricing"], value: "FILE", help: "The master's prices per region (see ffrtmp master)"),
            OptionSpec(["--region"], value: "NAME", help: "The agent's region, whose price the master applies"),
        ] + LogSettings.options,
        discussion: """
            Everything listens on 127.0.0.1 unless told otherwise. State survives restarts: run it again
            with the same --state-dir and the queues, results and history are there. Other agents can join
            with `ffrtmp agent -s nats://HOST:PORT`. Ctrl-C drains the agent (its running job finishes),
            then stops master and broker; a second Ctrl-C hands the running job back and stops at once.

            Example: ffrtmp up --demo     then open the printed dashboard URL
            """)

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        guard arguments.positionals.isEmpty else {
            throw UsageError("unexpected argument \"\(arguments.positionals[0])\"")
        }
        let state = absolute(arguments.string("--state-dir")!)
        let (httpHost, httpPort) = try HostPort.parse(arguments.string("--http")!, option: "--http")
        let access = try MasterWebOptions.access(arguments)
        var brokerConfig = BrokerConfig()
        brokerConfig.host = arguments.string("--addr")!
        brokerConfig.port = try arguments.int("--port") ?? 4222
        brokerConfig.jetStream = true
        brokerConfig.storeDirectory = state + "/jetstream"
        brokerConfig.monitorPort = try arguments.int("--broker-monitor")
        SignalWaiter.blockTerminationSignals()  // before the log's reopen thread starts
        let sink = try LogSettings.sink(arguments)
        let logger = Logger(component: "up", sink: sink)
        try DurableFiles.makeDirectories(state)

        let broker = Broker(config: brokerConfig, logger: Logger(component: "broker", sink: sink))
        try broker.start()
        let url = "nats://\(brokerConfig.host == "0.0.0.0" ? "127.0.0.1" : brokerConfig.host):\(broker.port)"
        let setup = try NATSConnection.connect(url: url)
        _ = try JetStreamSetup(context: JetStreamContext(connection: setup)).applyFleet()

        var masterConfig = MasterConfig()
        masterConfig.servers = [url]
        masterConfig.databasePath = state + "/master.db"
        masterConfig.pricingPath = arguments.string("--pricing")
        let master = try Master(config: masterConfig, logger: Logger(component: "master", sink: sink))
        let web = MasterWeb(
            master: master, host: httpHost, port: httpPort, logger: Logger(component: "http", sink: sink),
            access: access, extraMetrics: { BrokerMetrics.samples(broker.statistics) })
        try web.start()
        try master.start()

        var agent: Agent?
        var agentThread: pthread_t?
        if !arguments.flag("--no-agent") {
            let made = try Agent.production(
                config: try agentConfig(arguments, url: url, state: state),
                logger: Logger(component: "agent", sink: sink))
            agentThread = SystemThread.start(name: "agent") {
                do { try made.run() } catch { logger.error("agent stopped on an error", ["error": "\(error)"]) }
            }
            agent = made
        }
        let dashboard = "\(access.scheme)://\(httpHost == "0.0.0.0" ? "127.0.0.1" : httpHost):\(web.port)/"
        printBanner(broker: url, dashboard: dashboard, state: state, withAgent: agent != nil)
        if arguments.flag("--demo") { try DemoJobs.submit(through: setup) }

        let running = agent
        let stop = StopRequest(logger: logger) { running?.abort() }
        stop.wait()
        agent?.drain()
        if let agentThread { SystemThread.join(agentThread) }
        setup.close()
        web.shutdown()
        master.stop()
        broker.shutdown()
        broker.waitUntilStopped()
        logger.info("stopped", ["state": state])
        return 0
    }

    private static func agentConfig(_ arguments: ParsedArguments, url: String, state: String) throws -> AgentConfig {
        var config = AgentConfig(nodeID: AgentCommand.hostName())
        config.servers = [url]
        config.maxConcurrentJobs = try arguments.int("--max-concurrent-jobs") ?? 1
        config.workDirectory = state + "/agent/work"
        config.spoolDirectory = state + "/agent/spool"
        config.ffmpegPath = arguments.string("--ffmpeg")!
        config.region = arguments.string("--region")
        if let list = arguments.string("--capabilities") {
            config.declaredCapabilities = try AgentCommand.capabilities(list)
        }
        if let tdp = arguments.string("--tdp") {
            guard let watts = Double(tdp), watts > 0 else { throw UsageError("--tdp takes watts above 0") }
            config.tdpWatts = watts
        }
        try config.validate()
        return config
    }

    private static func printBanner(broker: String, dashboard: String, state: String, withAgent: Bool) {
        print(
            """

            ffrtmp is up
              broker     \(broker)
              dashboard  \(dashboard)
              state      \(state)
              agent      \(withAgent ? "1 local agent (probing its capabilities)" : "none (--no-agent)")

            Submit a job:  ffrtmp submit -s \(broker) --scenario 720p30-h264 --duration 5s --wait
            Follow it:     ffrtmp watch -s \(broker) <job id>
            Results:       ffrtmp results --master \(dashboard.dropLast())   (or the dashboard)
            Ctrl-C stops (a second Ctrl-C stops at once).

            """)
        fflush(nil)
    }

    private static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return path }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) + "/" + path
    }
}
