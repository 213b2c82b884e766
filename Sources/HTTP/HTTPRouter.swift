/// Maps paths to handlers: exact paths (`/api/nodes`) and paths whose last segment is one
/// parameter (`/api/jobs/{id}`, read back as `request.parameters["id"]`), or a parameter that takes
/// the rest of the path (`/api/runs/{path...}`); see `PathRoutes`. Matching uses the decoded,
/// normalised path, so `/api/jobs/` is `/api/jobs`. Exact paths win over parameters; a longer
/// prefix wins over a shorter one. No match: `notFound`, by default 404 `{"error":"not found"}`.
///
/// Built once, then immutable: a value that any loop may use.
public struct HTTPRouter: Sendable {
    private var routes = PathRoutes<HTTPHandler>()
    /// What answers a path no route matches.
    public var notFound: HTTPHandler = { _ in .error(.notFound, "not found") }

    public init() {}

    /// Serves GET (and HEAD, which the server answers without the body) for `pattern`.
    public mutating func get(_ pattern: String, _ handler: @escaping HTTPHandler) {
        routes.add(pattern, handler)
    }

    /// The matching handler's answer, or `notFound`'s.
    public func respond(to request: HTTPRequest) -> HTTPResponse {
        guard let match = routes.match(request.path) else { return notFound(request) }
        var request = request
        request.parameters.merge(match.parameters) { _, new in new }
        return match.handler(request)
    }

    /// The router as a server handler.
    public var handler: HTTPHandler {
        let router = self
        return { router.respond(to: $0) }
    }
}
