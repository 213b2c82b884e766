import HTTP
import Support

/// The master's read-only web face: the dashboard at `/`, Server-Sent Events at `/events`, and
/// `MasterAPI` for every other path (the router's not-found answer asks it; its status goes out
/// with `HTTPStatus`'s reason phrase), on the project's HTTP server.
public final class MasterWeb: Sendable {
    let server: HTTPServer

    public init(
        master: Master, host: String, port: Int, logger: Logger, access: MasterWebAccess = MasterWebAccess(),
        extraMetrics: @escaping @Sendable () -> [PrometheusText.Sample] = { [] }
    ) {
        var configuration = HTTPServerConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.tls = access.tls
        let handler = Self.handler(api: MasterAPI(master: master, extraMetrics: extraMetrics), live: master.live)
        server = HTTPServer(
            configuration: configuration, handler: access.guarding(handler, secureCookie: access.tls != nil),
            logger: logger)
    }

    /// Listens; returns once clients can connect.
    public func start() throws { try server.start() }

    /// The port listened on (the chosen one for port 0).
    public var port: Int { server.port }

    public func shutdown() { server.shutdown() }

    static func handler(api: MasterAPI, live: LiveUpdates) -> HTTPHandler {
        var router = HTTPRouter()
        router.get("/") { _ in
            var response = HTTPResponse(body: Array(DashboardPage.html.utf8))
            response.headers.set(name: "Content-Type", value: "text/html; charset=utf-8")
            response.headers.set(
                name: "Content-Security-Policy",
                value: "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:"
            )
            return response
        }
        router.get("/events") { _ in
            .eventStream { stream in
                let id = live.subscribe(
                    LiveViewer(
                        send: { event, data in stream.send(event: event, data: data) },
                        bufferedBytes: { stream.bufferedBytes }))
                stream.onClose { live.unsubscribe(id) }
            }
        }
        router.notFound = { request in
            var query: [String: String] = [:]
            for item in request.queryItems where query[item.name] == nil { query[item.name] = item.value }
            guard let answer = api.respond(path: request.path, query: query) else {
                return .error(.notFound, "not found: \(request.path)")
            }
            var response = HTTPResponse(status: HTTPStatus(code: answer.status), body: answer.body)
            response.headers.set(name: "Content-Type", value: answer.contentType)
            return response
        }
        return router.handler
    }
}
