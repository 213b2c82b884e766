import Model
import Net

/// The master's read-only JSON API and Prometheus exposition, as plain functions of a path and
/// its query: `/health`, `/api/nodes`, `/api/queues`, `/api/jobs`, `/api/jobs/{id}`,
/// `/api/results`, `/api/summary`, `/metrics`. Nothing here changes state.
public struct MasterAPI: Sendable {
    let store: MasterStore
    let fleet: FleetView
    /// Extra Prometheus lines (the embedded broker's figures in `ffrtmp up`).
    let extraMetrics: @Sendable () -> [PrometheusText.Sample]

    public init(
        store: MasterStore, fleet: FleetView, extraMetrics: @escaping @Sendable () -> [PrometheusText.Sample] = { [] }
    ) {
        self.store = store
        self.fleet = fleet
        self.extraMetrics = extraMetrics
    }

    public init(master: Master, extraMetrics: @escaping @Sendable () -> [PrometheusText.Sample] = { [] }) {
        self.init(store: master.store, fleet: master.fleet, extraMetrics: extraMetrics)
    }

    /// Answers `path` (already percent-decoded, no query) with `query`; nil when no route matches.
    public func respond(path: String, query: [String: String]) -> APIResponse? {
        do {
            switch path {
            case "/health": return health()
            case "/api/nodes": return .json(nodes())
            case "/api/queues": return .json(queues())
            case "/api/jobs": return .json(try jobs(query))
            case "/api/results": return .json(try results(query))
            case "/api/summary": return .json(try summary())
            case "/metrics":
                return APIResponse(
                    contentType: "text/plain; version=0.0.4; charset=utf-8", body: Array(try metrics().utf8))
            default:
                guard path.hasPrefix("/api/jobs/") else { return nil }
                let id = String(path.dropFirst("/api/jobs/".count))
                guard Identifier.isValid(id) else { return .error(404, "no job \(id)") }
                return try job(id)
            }
        } catch let error as QueryError {
            return .error(400, error.message)
        } catch {
            return .error(503, "the store could not be read: \(error)")
        }
    }

    private func health() -> APIResponse {
        var object = JSONWriter()
        let storeReadable = (try? store.jobCounts()) != nil
        object.add("status", storeReadable ? "ok" : "degraded")
        object.add("store", storeReadable ? "ok" : "unreadable")
        object.add("nodes", fleet.nodes.count)
        return .json(object.text, status: storeReadable ? 200 : 503)
    }

    func nodes() -> String { "{\"nodes\":" + nodeArray() + "}" }

    func queues() -> String { "{\"queues\":" + queueArray() + "}" }

    /// What the dashboard's `fleet` event carries: `{"nodes": […], "queues": […]}`.
    func fleetSnapshot() -> String { "{\"nodes\":" + nodeArray() + ",\"queues\":" + queueArray() + "}" }

    private func nodeArray() -> String {
        let now = Clock.monotonicNanoseconds()
        var seen = Set<String>()
        var elements: [String] = []
        for node in fleet.nodes {
            seen.insert(node.heartbeat.nodeID)
            elements.append(NodeJSON.live(node, status: fleet.status(of: node, now: now)))
        }
        for row in (try? store.knownNodes()) ?? [] where !seen.contains(row["node_id"].string ?? "") {
            elements.append(NodeJSON.remembered(row))
        }
        return JSONWriter.array(elements)
    }

    private func queueArray() -> String {
        let elements = fleet.queues.map { queue in
            var object = JSONWriter()
            object.add("capability", queue.capability)
            object.add("pending", queue.pending)
            object.add("running", queue.running)
            return object.text
        }
        return JSONWriter.array(elements)
    }

    private func jobs(_ query: [String: String]) throws -> String {
        var filter = MasterStore.JobFilter()
        filter.state = query["state"]
        filter.node = query["node"]
        (filter.limit, filter.offset) = try QueryParameters.paging(query)
        let rows = try store.jobs(filter)
        return "{\"jobs\":" + JSONWriter.array(rows.map(JSONWriter.row)) + ",\"limit\":\(filter.limit),"
            + "\"offset\":\(filter.offset)}"
    }

    private func job(_ id: String) throws -> APIResponse {
        guard let row = try store.job(id) else { return .error(404, "no job \(id)") }
        var object = JSONWriter()
        object.add(row)
        object.add("events", raw: JSONWriter.array(try store.events(ofJob: id).map(JSONWriter.row)))
        object.add("telemetry", raw: JSONWriter.array(try store.samples(ofJob: id).map(JSONWriter.row)))
        object.add("results", raw: JSONWriter.array(try store.results(ofJob: id)))
        return .json(object.text)
    }

    private func results(_ query: [String: String]) throws -> String {
        var filter = MasterStore.ResultFilter()
        filter.scenario = query["scenario"]
        filter.encoder = query["encoder"]
        filter.node = query["node"]
        filter.status = query["status"]
        filter.since = try QueryParameters.integer(query, "since")
        (filter.limit, filter.offset) = try QueryParameters.paging(query)
        return "{\"results\":" + JSONWriter.array(try store.results(filter)) + ",\"limit\":\(filter.limit),"
            + "\"offset\":\(filter.offset)}"
    }

    private func summary() throws -> String {
        "{\"summary\":" + JSONWriter.array(try store.summary().map(JSONWriter.row)) + "}"
    }
}

/// Reading numbers from a query string.
enum QueryParameters {
    static func integer(_ query: [String: String], _ name: String) throws(QueryError) -> Int64? {
        guard let text = query[name] else { return nil }
        guard let value = Int64(text), value >= 0 else {
            throw QueryError(message: "\(name) must be a whole number of 0 or more, not \"\(text.prefix(40))\"")
        }
        return value
    }

    /// `limit` (1…1000, default 100) and `offset` (default 0).
    static func paging(_ query: [String: String]) throws(QueryError) -> (limit: Int, offset: Int) {
        let limit = try integer(query, "limit") ?? 100
        guard (1...1000).contains(limit) else { throw QueryError(message: "limit must be 1 to 1000") }
        let offset = try integer(query, "offset") ?? 0
        guard offset <= 10_000_000 else { throw QueryError(message: "offset is too large") }
        return (Int(limit), Int(offset))
    }
}
