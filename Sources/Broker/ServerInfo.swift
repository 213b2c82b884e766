import Support

/// The INFO document the broker greets each client with (its text: `ServerInfo+JSON`).
///
/// `version` is the NATS server version whose client-visible behaviour we match (clients use it for
/// feature checks); ffrtmp's own version travels in `ffrtmp_version`.
struct ServerInfo: Encodable {
    static let compatibleNATSVersion = "2.10.0"

    var server_id: String
    var server_name: String
    var version = ServerInfo.compatibleNATSVersion
    var ffrtmp_version = Version.current
    var proto = 1
    var host: String
    var port: Int
    var headers = true
    var max_payload: Int
    var client_id: UInt64 = 0
    var client_ip: String = ""
    var jetstream: Bool?
    var ldm: Bool?
    var auth_required: Bool?
    var tls_required: Bool?
    var tls_verify: Bool?
    var tls_available: Bool?

    /// A random id in nats-server's style: `N` followed by 55 base-32 characters.
    static func randomServerID() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var generator = SystemRandomNumberGenerator()
        return "N" + String((0..<55).map { _ in alphabet[Int(generator.next() % 32)] })
    }
}
