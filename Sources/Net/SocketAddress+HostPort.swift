extension SocketAddress {
    /// `host:port` as people write it: an IPv6 host in brackets (`[::1]:4222`).
    package static func hostPort(_ host: String, _ port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
