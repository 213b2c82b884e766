import HTTP
import Support

/// The broker's monitoring port, as nats-server's `-m`: `/healthz`, `/varz`, `/connz`, `/subsz`,
/// `/jsz` in nats-server's JSON, and `/metrics` for Prometheus. It runs on its own HTTP event loop;
/// each request copies what it shows from the broker's loops (one short task per loop), so the
/// message path never waits for it. Started and stopped by the broker, before its loops stop.
final class BrokerMonitor: Sendable {
    private let server: HTTPServer
    /// When the broker started, nanoseconds since the Unix epoch (`start` in `/varz`).
    let started: Int64

    init(broker: Broker, host: String, port: Int, logger: Logger) {
        var configuration = HTTPServerConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.maxConnections = 64
        configuration.serverName = "ffrtmp-broker/\(Version.current)"
        let started = Timestamp.nowNanoseconds()
        self.started = started
        server = HTTPServer(
            configuration: configuration,
            handler: Self.router(broker: broker, host: host, started: started).handler,
            logger: Logger(component: "monitor", sink: logger.sink))
    }

    /// The port listened on; valid after `start`.
    var port: Int { server.port }

    func start() throws { try server.start() }

    func shutdown() { server.shutdown() }

    /// The endpoints. `broker` is held unowned: the broker stops the monitor before it goes.
    private static func router(broker: Broker, host: String, started: Int64) -> HTTPRouter {
        var router = HTTPRouter()
        router.get("/") { _ in
            .text("/healthz /varz /connz /subsz /jsz /metrics\n")
        }
        router.get("/healthz") { _ in .json(MonitorJSON.healthy) }
        router.get("/varz") { [unowned broker] _ in
            .json(
                MonitorJSON.varz(
                    broker, monitorHost: host, monitorPort: broker.monitorPort, started: started,
                    now: Timestamp.nowNanoseconds()))
        }
        router.get("/connz") { [unowned broker] request in
            let query: ConnzQuery
            do throws(MonitorQueryError) {
                query = try ConnzQuery { request.query($0) }
            } catch {
                return .text(error.message + "\n", status: .badRequest)
            }
            var connections = broker.connectionSnapshots()
            if query.listsSubjects {
                let subjects = broker.subscribedSubjects(of: Set(query.page(of: connections).map(\.id)))
                for index in connections.indices { connections[index].subjects = subjects[connections[index].id] ?? [] }
            }
            return .json(
                MonitorJSON.connz(
                    connections, query: query, serverID: broker.serverID, now: Timestamp.nowNanoseconds()))
        }
        router.get("/subsz") { [unowned broker] _ in
            .json(
                MonitorJSON.subsz(
                    subscriptions: broker.subjectIndex.count, serverID: broker.serverID,
                    now: Timestamp.nowNanoseconds()))
        }
        router.get("/jsz") { [unowned broker] _ in
            .json(
                MonitorJSON.jsz(
                    broker.jetStreamSnapshot(), storeDirectory: broker.config.resolvedStoreDirectory,
                    serverID: broker.serverID, now: Timestamp.nowNanoseconds()))
        }
        router.get("/metrics") { [unowned broker] _ in
            let samples = BrokerPrometheus.samples(
                broker.statistics, acceptedConnections: broker.acceptedConnections, started: started,
                residentBytes: MonitorJSON.residentBytes(), jetStream: broker.jetStreamSnapshot())
            return .text(BrokerPrometheus.render(samples), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        return router
    }
}
