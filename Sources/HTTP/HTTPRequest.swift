/// The two methods a read-only server answers; every other one is refused with 405.
public enum HTTPMethod: String, Sendable, Equatable {
    case get = "GET"
    case head = "HEAD"
}

/// `HTTP/major.minor`.
public struct HTTPVersion: Sendable, Equatable, CustomStringConvertible {
    public let major: Int
    public let minor: Int

    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    public static let http1_0 = HTTPVersion(major: 1, minor: 0)
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)

    public var description: String { "HTTP/\(major).\(minor)" }
}

/// One `name=value` pair of the query, percent-decoded (`+` read as a space).
public struct HTTPQueryItem: Sendable, Equatable {
    public let name: String
    public let value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// A request as handlers see it: the method, the decoded and normalised path, the decoded query,
/// the headers (case-insensitive), who sent it, and the router's path parameters.
public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    /// The target exactly as sent, e.g. `/api/jobs?state=running%20now`.
    public var target: String
    /// The decoded path without dot segments or repeated slashes, e.g. `/api/jobs`.
    public var path: String
    public var queryItems: [HTTPQueryItem]
    public var headers: HTTPHeaders
    public var version: HTTPVersion
    /// The peer, `host:port`.
    public var remoteAddress: String
    /// Filled by `HTTPRouter` from a `{name}` segment of the matching route.
    public var parameters: [String: String] = [:]

    /// Decodes `target` as a server would; throws what the server would answer 400 for.
    public init(
        method: HTTPMethod, target: String, headers: HTTPHeaders = [:], version: HTTPVersion = .http1_1,
        remoteAddress: String = ""
    ) throws(HTTPRequestError) {
        let decoded = try HTTPTarget.decode(target)
        self.method = method
        self.target = target
        self.path = decoded.path
        self.queryItems = decoded.query
        self.headers = headers
        self.version = version
        self.remoteAddress = remoteAddress
    }

    /// The first value of query parameter `name`.
    public func query(_ name: String) -> String? { queryItems.first { $0.name == name }?.value }

    /// Whether the client wants the connection kept open: HTTP/1.1 unless `Connection: close`,
    /// HTTP/1.0 only with `Connection: keep-alive`.
    public var wantsKeepAlive: Bool {
        if headers.hasToken("close", in: "Connection") { return false }
        if version.minor == 0 { return headers.hasToken("keep-alive", in: "Connection") }
        return true
    }
}

extension HTTPRequest {
    /// Gives meaning to a parsed head: refuses methods other than GET/HEAD, bodies and a missing
    /// Host, and decodes the target.
    init(head: HTTPRequestHead, remoteAddress: String) throws(HTTPRequestError) {
        guard let method = HTTPMethod(rawValue: head.method) else { throw .methodNotAllowed }
        if head.headers.contains("Transfer-Encoding") { throw .bodyNotAccepted }
        let lengths = head.headers.values(for: "Content-Length")
        if !lengths.isEmpty {
            // A list (`5, 5`) or repeats must all be the same number (RFC 9110 §8.6).
            let parts = lengths.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
            let numbers = parts.map { part in
                let trimmed = part.trimmingSpaces
                return trimmed.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } ? Int(trimmed) : nil
            }
            guard let length = numbers.first ?? nil, numbers.allSatisfy({ $0 == length }) else {
                throw .invalidContentLength
            }
            if length > 0 { throw .bodyNotAccepted }
        }
        let hosts = head.headers.values(for: "Host").count
        if hosts > 1 || (hosts == 0 && head.version.minor >= 1) { throw .invalidHost }
        try self.init(
            method: method, target: head.target, headers: head.headers, version: head.version,
            remoteAddress: remoteAddress)
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: Substring {
        let start = firstIndex { $0 != " " && $0 != "\t" } ?? endIndex
        let end = lastIndex { $0 != " " && $0 != "\t" }.map { index(after: $0) } ?? start
        return self[start..<Swift.max(start, end)]
    }
}
