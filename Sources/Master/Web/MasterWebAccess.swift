import HTTP
import TLS

/// Who may read the master's web view, and over what. By default anyone who can reach its address
/// (127.0.0.1 unless `--http` widens it), over plain HTTP. With `tls`, HTTPS; with `tls.verifyPeer`,
/// only clients whose certificate chains to its CA complete the handshake. With a token, only
/// requests that carry it. Both given: both are required. `/health` needs no token: it says only
/// whether the master and its store answer, and load balancers and service managers probe it
/// without credentials (a client certificate, when required, still applies to it).
public struct MasterWebAccess: Sendable {
    /// Requests must carry this bearer token (header, `?token=`, or the cookie it sets).
    public var token: HTTPBearerToken?
    /// HTTPS settings (a server role configuration); nil for plain HTTP.
    public var tls: TLSConfiguration?
    /// Paths that need no token.
    public static let openPaths: Set<String> = ["/health"]

    public init(token: HTTPBearerToken? = nil, tls: TLSConfiguration? = nil) {
        self.token = token
        self.tls = tls
    }

    /// `https` with TLS, else `http`.
    public var scheme: String { tls == nil ? "http" : "https" }

    /// `handler` behind the token, when there is one. `secureCookie`: served over HTTPS.
    func guarding(_ handler: @escaping HTTPHandler, secureCookie: Bool) -> HTTPHandler {
        guard let token else { return handler }
        return token.guarding(handler, openPaths: Self.openPaths, secureCookie: secureCookie)
    }
}
