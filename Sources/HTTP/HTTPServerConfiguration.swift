import Support
import TLS

/// Every setting of the HTTP server. Durations are nanoseconds, as in `BrokerConfig`;
/// `validate()` refuses nonsense with a message naming the setting.
public struct HTTPServerConfiguration: Sendable, Equatable {
    /// Interface to listen on.
    public var host = "127.0.0.1"
    /// TCP port; 0 picks a free one (read it back from `HTTPServer.port`).
    public var port = 8080
    /// Event loops (threads) serving connections. One is plenty for a dashboard and an API.
    public var eventLoops = 1
    /// Most connections at once; one more is answered 503 and closed.
    public var maxConnections = 1024
    /// Longest request line (method, target, version), in bytes; longer is answered 414.
    public var maxRequestLineBytes = 8192
    /// Most bytes of header lines after the request line; more is answered 431.
    public var maxHeaderBytes = 16384
    /// Most header lines in one request; more is answered 431.
    public var maxHeaderCount = 100
    /// How long a request head may take to arrive once its first byte has (slowloris); 408 after.
    public var headerReadTimeout: Int64 = 10_000_000_000
    /// How long an answer may take to be written in full once queued: a client that reads a byte
    /// at a time makes progress, so only a deadline on the whole answer lets it go. Event streams
    /// are bounded by `maxEventStreamBufferBytes` instead.
    public var responseWriteTimeout: Int64 = 60_000_000_000
    /// How long a connection may sit with no request in progress before it is closed; also how long
    /// pending output may go unwritten before a client that does not read is dropped.
    public var idleTimeout: Int64 = 60_000_000_000
    /// After a final response the server stops sending and drains the peer's input for at most
    /// this long before closing, so the response is not lost to a TCP reset.
    public var lingerTimeout: Int64 = 2_000_000_000
    /// Output a connection may have queued before the server stops reading its pipelined requests.
    public var maxPendingOutputBytes = 1 << 20
    /// Bytes of Server-Sent Events one client may have unwritten before it is dropped.
    public var maxEventStreamBufferBytes = 1 << 20
    /// How often an event stream gets a `:heartbeat` comment.
    public var eventStreamHeartbeatInterval: Int64 = 15_000_000_000
    /// HTTPS: the server's certificate and key, and with `verifyPeer` the CA that client
    /// certificates must chain to (connections without one fail the handshake). Nil: plain HTTP.
    public var tls: TLSConfiguration?
    /// The `Server` header.
    public var serverName = "ffrtmp/\(Version.current)"

    public init() {}

    /// Checks ranges; the error message names the setting.
    public func validate() throws(SupportError) {
        func require(_ condition: Bool, _ message: String) throws(SupportError) {
            if !condition { throw SupportError("http: " + message) }
        }
        try require((0...65535).contains(port), "port must be 0 to 65535, got \(port)")
        try require(!host.isEmpty, "host must not be empty")
        try require((1...64).contains(eventLoops), "event_loops must be 1 to 64, got \(eventLoops)")
        try require(maxConnections > 0, "max_connections must be positive, got \(maxConnections)")
        try require(
            (64...1 << 20).contains(maxRequestLineBytes),
            "max_request_line_bytes must be 64 to 1MB, got \(maxRequestLineBytes)")
        try require(
            (256...1 << 20).contains(maxHeaderBytes), "max_header_bytes must be 256 to 1MB, got \(maxHeaderBytes)")
        try require((1...10_000).contains(maxHeaderCount), "max_header_count must be 1 to 10000, got \(maxHeaderCount)")
        try require(headerReadTimeout >= 10_000_000, "header_read_timeout must be at least 10ms")
        try require(idleTimeout >= 10_000_000, "idle_timeout must be at least 10ms")
        try require(responseWriteTimeout >= 10_000_000, "response_write_timeout must be at least 10ms")
        try require(lingerTimeout >= 0, "linger_timeout must not be negative")
        try require(maxPendingOutputBytes >= 4096, "max_pending_output_bytes must be at least 4KB")
        try require(maxEventStreamBufferBytes >= 1024, "max_event_stream_buffer_bytes must be at least 1KB")
        try require(eventStreamHeartbeatInterval >= 10_000_000, "event_stream_heartbeat_interval must be at least 10ms")
        try require(
            !serverName.isEmpty && serverName.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F },
            "server_name must be printable ASCII")
    }
}
