import HTTP
import Model
import Support

/// The master's read-only JSON API and Prometheus exposition, as plain functions of a path and
/// its query: `/health`, `/api/nodes` (paged), `/api/fleet`, `/api/queues`, `/api/jobs`, `/api/jobs/{id}`,
/// `/api/results`, `/api/summary`, `/api/runs`, `/api/runs/{id}`,
/// `/api/runs/{id}/report` (HTML), `/metrics`. Nothing here changes state. `/api/nodes`, `/api/fleet`
/// and `/metrics` read only memory (`FleetView`), so a busy store never slows them. Paths are matched
/// by HTTP's `PathRoutes`, the table behind `HTTPRouter`.
public struct MasterAPI: Sendable {
    let store: MasterStore
    let fleet: FleetView
    /// Extra Prometheus lines (the embedded broker's figures in `ffrtmp up`).
    let extraMetrics: @Sendable () -> [PrometheusText.Sample]
    /// Records waiting for the store writer.
    let storeQueue: @Sendable () -> Int
    /// Heartbeats and telemetry received and waiting for a decoder (nil: no master, counts are 0).
    let inbox: FleetInbox?
    /// Prices per region (`--pricing`), read again when the file changes; results and summaries are
    /// priced with them when they are served.
    let pricing: PricingFile

    public init(
        store: MasterStore, fleet: FleetView, pricing: PricingFile = PricingFile(),
        extraMetrics: @escaping @Sendable () -> [PrometheusText.Sample] = { [] }
    ) {
        self.init(store: store, fleet: fleet, storeQueue: { 0 }, pricing: pricing, extraMetrics: extraMetrics)
    }

    public init(master: Master, extraMetrics: @escaping @Sendable () -> [PrometheusText.Sample] = { [] }) {
        self.init(
            store: master.store, fleet: master.fleet, storeQueue: { [writer = master.writer] in writer.queued },
            inbox: master.inbox, pricing: master.pricing, extraMetrics: extraMetrics)
    }

    init(
        store: MasterStore, fleet: FleetView, storeQueue: @escaping @Sendable () -> Int, inbox: FleetInbox? = nil,
        pricing: PricingFile = PricingFile(), extraMetrics: @escaping @Sendable () -> [PrometheusText.Sample]
    ) {
        self.store = store
        self.fleet = fleet
        self.storeQueue = storeQueue
        self.inbox = inbox
        self.pricing = pricing
        self.extraMetrics = extraMetrics
    }

    /// One route's answer from the API, its path parameters and the query.
    typealias Route =
        @Sendable (MasterAPI, _ parameters: [String: String], _ query: [String: String]) throws ->
        APIResponse

    /// Every route, matched as `HTTPRouter` matches: exact paths first, then the longer prefix.
    static let routes: PathRoutes<Route> = {
        var routes = PathRoutes<Route>()
        routes.add("/health") { api, _, _ in api.health() }
        routes.add("/api/nodes") { api, _, query in APIResponse(body: try api.nodes(query)) }
        routes.add("/api/fleet") { api, _, _ in .json(api.fleetSummary()) }
        routes.add("/api/queues") { api, _, _ in .json(api.queues()) }
        routes.add("/api/jobs") { api, _, query in .json(try api.jobs(query)) }
        routes.add("/api/results") { api, _, query in .json(try api.results(query)) }
        routes.add("/api/summary") { api, _, query in .json(try api.summary(query)) }
        routes.add("/api/runs") { api, _, _ in .json(try api.runs()) }
        routes.add("/metrics") { api, _, _ in
            APIResponse(contentType: "text/plain; version=0.0.4; charset=utf-8", body: Array(try api.metrics().utf8))
        }
        routes.add("/api/runs/{path...}") { api, parameters, _ in try api.run(path: parameters["path"] ?? "") }
        routes.add("/api/jobs/{id...}") { api, parameters, _ in
            let id = parameters["id"] ?? ""
            guard Identifier.isValid(id) else { return .error(404, "no job \(id)") }
            return try api.job(id)
        }
        return routes
    }()

    /// Answers `path` (already percent-decoded, no query) with `query`; nil when no route matches.
    public func respond(path: String, query: [String: String]) -> APIResponse? {
        guard let match = Self.routes.match(path) else { return nil }
        do {
            return try match.handler(self, match.parameters, query)
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
        object.add("nodes", fleet.count)
        return .json(object.text, status: storeReadable ? 200 : 503)
    }

    /// `/api/nodes` pages: `limit` nodes unless asked (at most this many).
    static let defaultNodePage = 500
    static let largestNodePage = 5000

    /// `{"nodes": […], "total": N, "offset": N, "limit": N, "next": "id"|null}`: a page of nodes in
    /// node id order, `limit` of them (default `defaultNodePage`, more clamped to
    /// `largestNodePage`), from `offset` or after the node id `after` (the previous page's
    /// `next`); `fields=summary` gives a few figures instead of the messages.
    func nodes(_ query: [String: String] = [:]) throws -> [UInt8] {
        let offset = try QueryParameters.integer(query, "offset")
        let limit = try QueryParameters.integer(query, "limit") ?? Int64(Self.defaultNodePage)
        guard limit >= 1 else { throw QueryError(message: "limit must be 1 or more") }
        guard (offset ?? 0) <= 10_000_000 else { throw QueryError(message: "offset is too large") }
        let after = query["after"]
        guard after == nil || offset == nil else { throw QueryError(message: "give offset or after, not both") }
        guard let fields = NodeJSON.Fields(rawValue: query["fields"] ?? "full") else {
            throw QueryError(message: "fields must be full or summary")
        }
        let now = Clock.monotonicNanoseconds()
        let pageLimit = Int(min(limit, Int64(Self.largestNodePage)))
        let page = fleet.page(after: after, offset: Int(offset ?? 0), limit: pageLimit)
        var body = Array("{\"nodes\":".utf8)
        appendNodes(page.nodes, to: &body, now: now, fields: fields)
        body += ",\"total\":\(page.total),\"offset\":\(page.offset),\"limit\":\(pageLimit),\"next\":".utf8
        body += (page.next.map(JSONStringLiteral.quoted) ?? "null").utf8
        body.append(UInt8(ascii: "}"))
        return body
    }

    func queues() -> String { "{\"queues\":" + queueArray() + "}" }

    /// Appends the nodes' JSON array. Built as bytes in place, sized first: a page of 5000 nodes
    /// is about 6 MB, and every extra copy of that costs page faults.
    private func appendNodes(
        _ nodes: [FleetView.Listed], to bytes: inout [UInt8], now: UInt64, fields: NodeJSON.Fields
    ) {
        bytes.reserveCapacity(
            nodes.reduce(bytes.count + 128) { size, entry in
                switch (entry, fields) {
                case (.live(let node), .full):
                    size + 160 + node.heartbeatJSON.utf8.count + (node.telemetryJSON?.utf8.count ?? 4)
                case (.remembered(let node), .full): size + node.full.utf8.count + 1
                default: size + 256
                }
            })
        bytes.append(UInt8(ascii: "["))
        for (index, entry) in nodes.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            switch entry {
            case .live(let node):
                NodeJSON.append(node, status: fleet.status(of: node, now: now), fields: fields, to: &bytes)
            case .remembered(let node):
                bytes += (fields == .full ? node.full : node.summary).utf8
            }
        }
        bytes.append(UInt8(ascii: "]"))
    }

    func queueArray() -> String {
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
        object.add("results", raw: pricedArray(try store.storedResults(ofJob: id)))
        return .json(object.text)
    }

    /// The results' JSON, each with `region_cost` (`RegionCost`) added: its energy at the price of
    /// its region now.
    private func pricedArray(_ results: [MasterStore.StoredResult]) -> String {
        let pricing = pricing.current()
        return JSONWriter.array(
            results.map { result in
                guard result.json.hasSuffix("}"), result.json.utf8.count > 2 else { return result.json }
                let cost = pricing.cost(of: [(result.region, result.joules)])
                return result.json.dropLast() + ",\"region_cost\":" + cost.json + "}"
            })
    }

    private func results(_ query: [String: String]) throws -> String {
        var filter = MasterStore.ResultFilter()
        filter.scenario = query["scenario"]
        filter.encoder = query["encoder"]
        filter.node = query["node"]
        filter.status = query["status"]
        filter.run = query["run"]
        filter.since = try QueryParameters.integer(query, "since")
        (filter.limit, filter.offset) = try QueryParameters.paging(query)
        return "{\"results\":" + pricedArray(try store.storedResults(filter)) + ",\"limit\":\(filter.limit),"
            + "\"offset\":\(filter.offset)}"
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
