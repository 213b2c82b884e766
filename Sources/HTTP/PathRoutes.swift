/// A table from paths to handlers of any kind, the matching behind `HTTPRouter`: exact paths
/// (`/api/nodes`), paths whose last segment is one parameter (`/api/jobs/{id}`), and paths whose
/// parameter takes the rest (`/api/runs/{path...}`: slashes included, possibly empty). Exact paths
/// win over parameters; a longer prefix wins over a shorter one.
///
/// Built once, then immutable: a value that any loop may use.
public struct PathRoutes<Handler: Sendable>: Sendable {
    private struct ParameterRoute: Sendable {
        /// Everything before the parameter, ending in `/`.
        let prefix: String
        let name: String
        /// `{name...}`: the rest of the path, not one segment.
        let takesRest: Bool
        let handler: Handler
    }

    private var exactRoutes: [String: Handler] = [:]
    private var parameterRoutes: [ParameterRoute] = []

    public init() {}

    /// Adds `pattern`; a later pattern equal to an earlier one replaces it.
    public mutating func add(_ pattern: String, _ handler: Handler) {
        precondition(pattern.hasPrefix("/"), "PathRoutes: pattern \(pattern) must start with /")
        guard let open = pattern.firstIndex(of: "{") else {
            let path = (try? HTTPTarget.normalizedPath(Substring(pattern))) ?? pattern
            exactRoutes[path] = handler
            return
        }
        let prefix = String(pattern[..<open])
        var name = pattern[pattern.index(after: open)...].dropLast()
        let takesRest = name.hasSuffix("...")
        if takesRest { name = name.dropLast(3) }
        precondition(
            prefix.hasSuffix("/") && pattern.hasSuffix("}") && !name.isEmpty
                && !name.contains(where: { "{}/.".contains($0) }),
            "PathRoutes: pattern \(pattern) may hold one {parameter} or {parameter...}, as its last segment")
        parameterRoutes.append(
            ParameterRoute(prefix: prefix, name: String(name), takesRest: takesRest, handler: handler))
        parameterRoutes.sort { $0.prefix.utf8.count > $1.prefix.utf8.count }
    }

    /// The handler for `path` and the parameters it names; nil when no route matches.
    public func match(_ path: String) -> (handler: Handler, parameters: [String: String])? {
        if let handler = exactRoutes[path] { return (handler, [:]) }
        for route in parameterRoutes where path.hasPrefix(route.prefix) {
            let value = path.dropFirst(route.prefix.count)
            guard route.takesRest || (!value.isEmpty && !value.contains("/")) else { continue }
            return (route.handler, [route.name: String(value)])
        }
        return nil
    }
}
