import Support

/// Access to a server by one shared secret (RFC 6750): `Authorization: Bearer <token>`. Browsers
/// cannot put a header on a link or on an `EventSource`, so `?token=<token>` is accepted too, and
/// a request that brings it that way gets the token back as an `HttpOnly`, `SameSite=Strict`
/// cookie that the page's own requests (API calls, the event stream) then carry. The trade-off:
/// a token in a URL can end up in browser history and proxy logs; prefer the header, or a
/// reverse proxy with its own login.
///
/// Comparison takes the same time wherever the first difference is, so timing does not reveal
/// how much of a guess was right.
public struct HTTPBearerToken: Sendable {
    /// The cookie that carries the token for a browser.
    public static let cookieName = "ffrtmp_token"
    /// The shortest token accepted: anything shorter is too easy to guess.
    public static let minimumLength = 16

    private let secret: [UInt8]

    /// Refuses a token that is short or holds bytes that a header or cookie cannot carry as they
    /// are (spaces, controls, quotes, commas, semicolons, backslashes, non-ASCII).
    public init(_ token: String) throws(SupportError) {
        let bytes = Array(token.utf8)
        guard bytes.count >= Self.minimumLength else {
            throw SupportError("the HTTP token must have at least \(Self.minimumLength) characters")
        }
        guard bytes.allSatisfy(Self.isTokenByte) else {
            throw SupportError("the HTTP token may hold only printable ASCII without spaces, quotes, , ; or \\")
        }
        secret = bytes
    }

    /// The token in the file at `path`: its first line, without surrounding whitespace (so a file
    /// written with `echo` works).
    public static func read(file path: String) throws(SupportError) -> HTTPBearerToken {
        let bytes: [UInt8]
        do {
            bytes = try FileContents.read(path, limit: 4096)
        } catch {
            throw SupportError("cannot read the HTTP token file \(path): \(error)")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        do {
            return try HTTPBearerToken(line.trimmingWhitespace())
        } catch {
            throw SupportError("\(path): \(error.message)")
        }
    }

    /// The `Authorization` header's value that presents this token.
    public var authorization: String { "Bearer " + String(decoding: secret, as: UTF8.self) }

    /// Whether `candidate` is the token, in time that depends only on the lengths.
    public func matches(_ candidate: some StringProtocol) -> Bool {
        let given = Array(candidate.utf8)
        var difference = UInt8(truncatingIfNeeded: given.count ^ secret.count)
        if given.count != secret.count { difference |= 1 }
        for index in 0..<secret.count {
            difference |= secret[index] ^ (index < given.count ? given[index] : 0)
        }
        return difference == 0
    }

    /// How `request` presented a token, if it did.
    enum Presented {
        case header(String)
        case query(String)
        case cookie(String)
    }

    /// The token `request` carries: the `Authorization` header first, then the query, then the cookie.
    static func presented(by request: HTTPRequest) -> Presented? {
        if let authorization = request.headers["Authorization"] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            if parts.count == 2, HTTPHeaders.namesMatch(parts[0], "Bearer") {
                return .header(String(parts[1].trimmingSpaces))
            }
        }
        if let token = request.query("token") { return .query(token) }
        for header in request.headers.values(for: "Cookie") {
            for pair in header.split(separator: ";") {
                let parts = pair.trimmingSpaces.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0] == Self.cookieName { return .cookie(String(parts[1])) }
            }
        }
        return nil
    }

    /// `handler` behind the token: a request without the right one gets 401 with
    /// `WWW-Authenticate: Bearer`; `openPaths` (a liveness probe) need none. `secureCookie` marks
    /// the cookie `Secure`, for a server behind HTTPS.
    public func guarding(
        _ handler: @escaping HTTPHandler, openPaths: Set<String> = [], secureCookie: Bool = false
    ) -> HTTPHandler {
        let token = self
        return { request in
            if openPaths.contains(request.path) { return handler(request) }
            guard let presented = Self.presented(by: request) else {
                return Self.refusal("a bearer token is required", challenge: #"Bearer realm="ffrtmp""#)
            }
            switch presented {
            case .header(let candidate), .cookie(let candidate):
                guard token.matches(candidate) else { return Self.invalid() }
                return handler(request)
            case .query(let candidate):
                guard token.matches(candidate) else { return Self.invalid() }
                var response = handler(request)
                let secure = secureCookie ? "; Secure" : ""
                response.headers.add(
                    name: "Set-Cookie",
                    value: "\(Self.cookieName)=\(candidate); Path=/; HttpOnly; SameSite=Strict\(secure)")
                return response
            }
        }
    }

    private static func invalid() -> HTTPResponse {
        refusal("the bearer token is not valid", challenge: #"Bearer realm="ffrtmp", error="invalid_token""#)
    }

    private static func refusal(_ message: String, challenge: String) -> HTTPResponse {
        var response = HTTPResponse.error(.unauthorized, message)
        response.headers.set(name: "WWW-Authenticate", value: challenge)
        response.headers.set(name: "Cache-Control", value: "no-store")
        return response
    }

    /// Bytes a token may hold: visible ASCII except `"`, `,`, `;` and `\` (RFC 6265 cookie octets).
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        byte > 0x20 && byte < 0x7F && byte != 0x22 && byte != 0x2C && byte != 0x3B && byte != 0x5C
    }
}
