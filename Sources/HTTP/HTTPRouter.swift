/// Maps paths to handlers: exact paths (`/api/nodes`) and paths whose last segment is one
/// parameter (`/api/jobs/{id}`, read back as `request.parameters["id"]`). Matching uses the
/// decoded, normalised path, so `/api/jobs/` is `/api/jobs`. Exact paths win over parameters; a
/// longer prefix wins over a shorter one. No match: 404 `{"error":"not found"}`.
///
/// Built once, then immutable: a value that any loop may use.
public struct HTTPRouter: Sendable {
    private struct ParameterRoute: Sendable {
        /// Everything before the parameter, ending in `/`.
        let prefix: String
        let name: String
        let handler: HTTPHandler
    }

    private var exactRoutes: [String: HTTPHandler] = [:]
    private var parameterRoutes: [ParameterRoute] = []

    public init() {}

    /// Serves GET (and HEAD, which the server answers without the body) for `pattern`.
    public mutating func get(_ pattern: String, _ handler: @escaping HTTPHandler) {
        precondition(pattern.hasPrefix("/"), "HTTPRouter: pattern \(pattern) must start with /")
        guard let open = pattern.firstIndex(of: "{") else {
            let path = (try? HTTPTarget.normalizedPath(Substring(pattern))) ?? pattern
            exactRoutes[path] = handler
            return
        }
        let prefix = String(pattern[..<open])
        let name = pattern[pattern.index(after: open)...].dropLast()
        precondition(
            prefix.hasSuffix("/") && pattern.hasSuffix("}") && !name.isEmpty
                && !name.contains(where: { "{}/".contains($0) }),
            "HTTPRouter: pattern \(pattern) may hold one {parameter}, as its last segment")
        parameterRoutes.append(ParameterRoute(prefix: prefix, name: String(name), handler: handler))
        parameterRoutes.sort { $0.prefix.utf8.count > $1.prefix.utf8.count }
    }

    /// The matching handler's answer, or 404.
    public func respond(to request: HTTPRequest) -> HTTPResponse {
        if let handler = exactRoutes[request.path] { return handler(request) }
        for route in parameterRoutes where request.path.hasPrefix(route.prefix) {
            let value = request.path.dropFirst(route.prefix.count)
            guard !value.isEmpty, !value.contains("/") else { continue }
            var request = request
            request.parameters[route.name] = String(value)
            return route.handler(request)
        }
        return .error(.notFound, "not found")
    }

    /// The router as a server handler.
    public var handler: HTTPHandler {
        let router = self
        return { router.respond(to: $0) }
    }
}
