import Support

/// The INFO text, written field by field: every connection gets its own (its `client_id` and
/// `client_ip`), and a few appends cost far less than a `JSONEncoder` run (which showed as 1 to 2% of
/// the broker's CPU per TLS connection). `Encodable` stays the reference it is tested against.
extension ServerInfo {
    /// The JSON text for one client.
    func json(clientID: UInt64, clientIP: String) -> String {
        var object = JSONObject()
        object.add("server_id", server_id)
        object.add("server_name", server_name)
        object.add("version", version)
        object.add("ffrtmp_version", ffrtmp_version)
        object.add("proto", proto)
        object.add("host", host)
        object.add("port", port)
        object.add("headers", headers)
        object.add("max_payload", max_payload)
        object.add("client_id", raw: String(clientID))
        object.add("client_ip", clientIP)
        let flags = [
            ("jetstream", jetstream), ("ldm", ldm), ("auth_required", auth_required), ("tls_required", tls_required),
            ("tls_verify", tls_verify), ("tls_available", tls_available),
        ]
        for case (let key, let value?) in flags { object.add(key, value) }
        return object.text
    }
}
