import FoundationEssentials
import Wire

/// The options a client sends in CONNECT. Before CONNECT, and for every field CONNECT leaves out,
/// nats-server's defaults apply: verbose and pedantic on, echo on, headers off.
struct ConnectOptions: Equatable {
    var verbose = true
    var pedantic = true
    var echo = true
    var headers = false
    var noResponders = false
    var name: String?
    var language: String?
    var version: String?
    var user: String?
    var password: String?
    var authToken: String?
    /// Protocol version: 0 (original) or 1 (understands async INFO). Anything else is refused.
    var protocolVersion = 0

    /// The JSON object as sent; every field optional, unknown fields ignored.
    struct Document: Decodable, Equatable {
        var verbose: Bool?
        var pedantic: Bool?
        var echo: Bool?
        var headers: Bool?
        var no_responders: Bool?
        var name: String?
        var lang: String?
        var version: String?
        var user: String?
        var pass: String?
        var auth_token: String?
        var `protocol`: Int?
    }

    /// Applies a CONNECT JSON object over the current options; throws on malformed JSON.
    mutating func apply(json: UnsafeRawBufferPointer) throws {
        let document = try Self.quickDocument(json) ?? JSONDecoder().decode(Document.self, from: Data(json))
        if let value = document.verbose { verbose = value }
        if let value = document.pedantic { pedantic = value }
        if let value = document.echo { echo = value }
        if let value = document.headers { headers = value }
        if let value = document.no_responders { noResponders = value }
        name = document.name ?? name
        language = document.lang ?? language
        version = document.version ?? version
        user = document.user ?? user
        password = document.pass ?? password
        authToken = document.auth_token ?? authToken
        protocolVersion = document.protocol ?? protocolVersion
    }
}
