import Synchronization
import Wire

/// JetStream over a `NATSConnection`: stream and consumer management, publishing with acks, and pull
/// subscriptions. Every call blocks until the server answers or its timeout passes, and throws a
/// `JetStreamError`; calls may come from any thread (not from a message handler, which runs on the
/// thread that reads the answers).
///
/// Works against any server that speaks the JetStream API: ffrtmp's broker (`-js`) or nats-server.
public final class JetStreamContext: Sendable {
    public let connection: NATSConnection
    /// `$JS.API`, or `$JS.<domain>.API` for a JetStream domain.
    public let apiPrefix: String
    /// How long API requests and publish acks are waited for unless a call says otherwise.
    public let timeout: Duration
    /// The shared asynchronous publisher, made on first use.
    private let asyncPublisher = Mutex<JetStreamAsyncPublisher?>(nil)
    /// Publishes in flight at most for `publishAsync` on this context.
    public let maxPendingPublishes: Int

    public init(
        connection: NATSConnection, domain: String? = nil, timeout: Duration = .seconds(5),
        maxPendingPublishes: Int = 4000
    ) {
        self.connection = connection
        apiPrefix = domain.map { "$JS.\($0).API" } ?? "$JS.API"
        self.timeout = timeout
        self.maxPendingPublishes = max(1, maxPendingPublishes)
    }

    /// The account's usage and limits; also the cheapest way to check JetStream is there
    /// (`.notEnabled` when it is not).
    public func accountInfo() throws(JetStreamError) -> AccountInfo {
        try request("INFO", as: AccountInfo.self)
    }

    /// The publisher behind `publishAsync`, created on first use.
    public var publisher: JetStreamAsyncPublisher {
        get throws(JetStreamError) {
            try asyncPublisher.withLock { (current: inout JetStreamAsyncPublisher?) throws(JetStreamError) in
                if let current { return current }
                let made = try JetStreamAsyncPublisher(
                    connection: connection, maxPending: maxPendingPublishes,
                    stallTimeout: timeout)
                current = made
                return made
            }
        }
    }

    // MARK: API requests

    /// Sends `$JS.API.<suffix>` with `body` and decodes the answer (or throws the server's refusal).
    func request<Response: Decodable>(
        _ suffix: String, body: [UInt8] = [], as type: Response.Type,
        timeout: Duration? = nil
    ) throws(JetStreamError) -> Response {
        let reply = try rawRequest(suffix, body: body, timeout: timeout)
        return try JetStreamJSON.decode(type, from: reply.payload)
    }

    /// Sends `$JS.API.<suffix>` with an `Encodable` body.
    func request<Body: Encodable, Response: Decodable>(
        _ suffix: String, body: Body, as type: Response.Type,
        timeout: Duration? = nil
    ) throws(JetStreamError) -> Response {
        try request(suffix, body: JetStreamJSON.encode(body), as: type, timeout: timeout)
    }

    /// The raw answer to `$JS.API.<suffix>`: no responders means JetStream is not enabled.
    func rawRequest(_ suffix: String, body: [UInt8], timeout: Duration? = nil) throws(JetStreamError) -> Message {
        do {
            return try connection.request(apiPrefix + "." + suffix, payload: body, timeout: timeout ?? self.timeout)
        } catch {
            throw JetStreamError.from(error)
        }
    }

    /// Stream and consumer names become subject tokens: refuse those that would change the subject.
    static func checkName(_ name: String, _ what: String) throws(JetStreamError) {
        let forbidden: Set<UInt8> = [
            UInt8(ascii: "."), UInt8(ascii: "*"), UInt8(ascii: ">"), UInt8(ascii: "/"),
            UInt8(ascii: "\\"),
        ]
        guard !name.isEmpty, !name.utf8.contains(where: { $0 <= 32 || $0 == 127 || forbidden.contains($0) }) else {
            throw .invalidArgument("invalid \(what) name \"\(name)\" (no dots, wildcards, slashes or spaces)")
        }
    }

    /// A request whose answer is `{"success":true}`.
    struct SuccessResponse: Decodable {
        var success: Bool?
    }
}
