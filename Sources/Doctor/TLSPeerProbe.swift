import Client
import Net
import TLS

#if canImport(Glibc)
    import Glibc
#endif

/// One TLS handshake with a NATS server, to see its certificate: TCP connect, the plaintext INFO
/// line (unless TLS comes first), then the TLS module's client session over the socket. Verifying
/// shows whether the chain and name check pass; not verifying still shows a certificate that fails.
struct TLSPeerProbe {
    let host: String
    let port: Int
    let options: ClientTLSOptions
    let timeoutSeconds: Double

    /// The server's certificate when the handshake completed, else why not.
    struct Outcome {
        var certificate: CertificateInfo?
        var error: String?
    }

    func handshake(verifying: Bool) -> Outcome {
        let descriptor: Int32
        do {
            descriptor = try connect()
        } catch {
            return Outcome(error: "\(error)")
        }
        defer { close(descriptor) }
        do {
            var leftover: [UInt8] = []
            if !options.handshakeFirst {
                leftover = try readInfoLine(descriptor)
            }
            let context = try TLSContext(
                .client(
                    trustedAuthoritiesPath: options.trustedAuthoritiesPath,
                    certificateChainPath: options.certificateChainPath, privateKeyPath: options.privateKeyPath,
                    serverName: options.serverName ?? host, verifyPeer: verifying))
            let stream = try TLSStream(
                session: try context.makeSession(serverName: options.serverName ?? host), fileDescriptor: descriptor,
                alreadyReceived: leftover)
            try stream.handshake()
            return Outcome(certificate: stream.peerCertificate)
        } catch {
            return Outcome(error: "\(error)")
        }
    }

    private struct ProbeError: Error, CustomStringConvertible {
        let description: String
    }

    /// A blocking socket whose connect, reads and writes give up after the timeout.
    private func connect() throws -> Int32 {
        let address = try SocketAddress.resolve(host: host, port: port)
        let descriptor = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw ProbeError(description: "socket: \(String(cString: strerror(errno)))") }
        var timeout = timeval(tv_sec: Int(timeoutSeconds), tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let result = try address.withSockAddr { pointer, length in Glibc.connect(descriptor, pointer, length) }
        guard result == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw ProbeError(description: "connect to \(host):\(port): \(reason)")
        }
        return descriptor
    }

    /// Reads up to the end of the INFO line; returns the bytes read past it (TLS has not begun, so
    /// none, but a fast server is allowed). Refuses a server that offers no TLS.
    private func readInfoLine(_ descriptor: Int32) throws -> [UInt8] {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while received.count < 64 * 1024 {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { throw ProbeError(description: "the server sent no INFO") }
            received += chunk[..<count]
            if let end = received.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: received[..<end], as: UTF8.self)
                guard line.contains("\"tls_required\":true") || line.contains("\"tls_available\":true") else {
                    throw ProbeError(description: "the server does not offer TLS (its INFO has no tls_required)")
                }
                return Array(received[(end + 1)...])
            }
        }
        throw ProbeError(description: "the server's INFO line is too long")
    }
}
