import FoundationEssentials
import HTTP
import Support
import TLS

/// Reads the master's read-only HTTP API for `ffrtmp jobs`, `nodes` and `results`: builds the URL
/// from `--master` and the filters, fetches it with `HTTPGet`, and turns failures into sentences that
/// say what to do.
public struct MasterClient: Sendable {
    /// `--master URL` (env `FFRTMP_MASTER`), shared by the commands that read the API.
    public static let option = OptionSpec(
        ["--master"], value: "URL", help: "The master's HTTP address (http://host:port or https://…)",
        environment: "FFRTMP_MASTER", default: "http://127.0.0.1:8080")

    /// `--master-token-file PATH` (env `FFRTMP_MASTER_TOKEN_FILE`): the bearer token a protected
    /// master wants, read from a file so that it never shows in `ps`.
    public static let tokenFileOption = OptionSpec(
        ["--master-token-file"], value: "PATH", help: "File holding the master's HTTP bearer token",
        environment: "FFRTMP_MASTER_TOKEN_FILE")

    /// `--master-ca PATH`: the CA that signed an `https://` master's certificate (else the system's).
    public static let authorityOption = OptionSpec(
        ["--master-ca"], value: "PATH", help: "CA file that verifies an https:// master",
        environment: "FFRTMP_MASTER_CA")
    /// `--master-cert PATH`: the client certificate for a master that requires one.
    public static let certificateOption = OptionSpec(
        ["--master-cert"], value: "PATH", help: "Client certificate for an https:// master that wants one")
    /// `--master-key PATH`: the private key of `--master-cert`.
    public static let keyOption = OptionSpec(["--master-key"], value: "PATH", help: "The private key of --master-cert")

    /// The options every command that reads the master declares, `--master` first.
    public static let options = [option, tokenFileOption, authorityOption, certificateOption, keyOption]

    /// The base URL, without a trailing slash.
    public let baseURL: String
    public let timeout: Duration
    /// The bearer token sent with every request, if any.
    public let token: HTTPBearerToken?
    /// How an `https://` master is verified (and this client identified); nil: the system's CAs.
    public let tls: TLSContext?

    public init(
        baseURL: String, timeout: Duration = .seconds(10), token: HTTPBearerToken? = nil, tls: TLSContext? = nil
    ) {
        var base = baseURL.contains("://") ? baseURL : "http://" + baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.timeout = timeout
        self.token = token
        self.tls = tls
    }

    /// The client `options` describe: `--master`, the token from `--master-token-file`, and for
    /// `https://` the CA and client certificate.
    public init(arguments: ParsedArguments, timeout: Duration = .seconds(10)) throws(SupportError) {
        let token = try arguments.string("--master-token-file").map { (path) throws(SupportError) in
            try HTTPBearerToken.read(file: path)
        }
        let authority = arguments.string("--master-ca")
        let certificate = arguments.string("--master-cert")
        let key = arguments.string("--master-key")
        guard (certificate == nil) == (key == nil) else {
            throw SupportError("--master-cert and --master-key go together")
        }
        var tls: TLSContext?
        if authority != nil || certificate != nil {
            do {
                tls = try TLSContext(
                    .client(trustedAuthoritiesPath: authority, certificateChainPath: certificate, privateKeyPath: key))
            } catch {
                throw SupportError("the master's TLS settings: \(error)")
            }
        }
        self.init(
            baseURL: arguments.string("--master") ?? "http://127.0.0.1:8080", timeout: timeout, token: token, tls: tls)
    }

    /// The URL of `path` with the given query parameters (nil values left out), percent-encoded.
    public func url(_ path: String, query: [(name: String, value: String?)] = []) -> String {
        let parameters = query.compactMap { item in item.value.map { item.name + "=" + Self.percentEncoded($0) } }
        return baseURL + path + (parameters.isEmpty ? "" : "?" + parameters.joined(separator: "&"))
    }

    /// The body of a 2xx answer to `path`; any other answer or no answer throws.
    public func fetch(_ path: String, query: [(name: String, value: String?)] = []) throws(MasterClientError)
        -> [UInt8]
    {
        let response: HTTPReceivedResponse
        do {
            let headers = token.map { [(name: "Authorization", value: $0.authorization)] } ?? []
            response = try HTTPGet.fetch(url(path, query: query), timeout: timeout, headers: headers, tls: tls)
        } catch .invalidURL, .unsupportedScheme {
            throw .invalidURL(baseURL)
        } catch .tls(let error) {
            throw .tlsFailed(url: baseURL, reason: error.description)
        } catch {
            throw .unreachable(url: baseURL, reason: error.description)
        }
        guard response.isSuccess else {
            throw .refused(
                path: path, status: response.status, reason: response.reason, message: Self.error(in: response))
        }
        return response.body
    }

    /// Decodes an answer of `path`.
    public func decode<Value: Decodable>(_ type: Value.Type, _ body: [UInt8], path: String) throws(MasterClientError)
        -> Value
    {
        do {
            return try JSONDecoder().decode(type, from: Data(body))
        } catch {
            throw .unexpectedAnswer(path: path, detail: String(decoding: body.prefix(120), as: UTF8.self))
        }
    }

    /// `{"error":"…"}` of a refusal, else the start of the body.
    static func error(in response: HTTPReceivedResponse) -> String {
        struct Refusal: Decodable { var error: String }
        if let refusal = try? JSONDecoder().decode(Refusal.self, from: Data(response.body)) { return refusal.error }
        return response.text.prefix(200).trimmingWhitespace()
    }

    /// Unreserved characters (RFC 3986) kept, everything else as `%XX`.
    static func percentEncoded(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            let keep =
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || "-._~".utf8.contains(byte)
            if keep {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                result += "%"
                result.unicodeScalars.append(hex[Int(byte >> 4)])
                result.unicodeScalars.append(hex[Int(byte & 15)])
            }
        }
        return result
    }
}

/// Why the master's API could not be read; `description` says what to do.
public enum MasterClientError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidURL(String)
    case unreachable(url: String, reason: String)
    /// Connected, but TLS with an `https://` master failed (its certificate, or ours).
    case tlsFailed(url: String, reason: String)
    /// The master answered with a status other than 2xx, and its `{"error"}` text.
    case refused(path: String, status: Int, reason: String, message: String)
    /// The answer was not the JSON the API promises.
    case unexpectedAnswer(path: String, detail: String)

    public var description: String {
        switch self {
        case .invalidURL(let url): "invalid master URL \"\(url)\" (expected http://host:port or https://host:port)"
        case .unreachable(let url, let reason):
            "cannot reach the master at \(url): \(reason) (is `ffrtmp master` running? --master or FFRTMP_MASTER "
                + "sets its address)"
        case .tlsFailed(let url, let reason):
            "TLS with the master at \(url) failed: \(reason) (--master-ca names the CA that signed its certificate; "
                + "--master-cert and --master-key give a client certificate when it requires one)"
        case .refused(let path, let status, let reason, let message):
            "the master answered \(path) with \(status)\(reason.isEmpty ? "" : " " + reason)"
                + (message.isEmpty ? "" : ": " + message)
        case .unexpectedAnswer(let path, let detail):
            "the master's answer to \(path) is not what this version of ffrtmp expects: \(detail)"
        }
    }
}
