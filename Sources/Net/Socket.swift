import CSystem
import Support
#if canImport(Glibc)
    import Glibc
#endif

/// What a non-blocking read or write did.
public enum IOResult: Equatable {
    /// Moved this many bytes (> 0).
    case transferred(Int)
    /// The kernel buffer is empty (read) or full (write): wait for readiness.
    case wouldBlock
    /// The peer closed its side (read returned 0).
    case endOfStream
    /// Any other failure (connection reset, broken pipe, …).
    case failed(SystemError)
}

/// Thin wrappers over the socket calls the broker and clients need. Descriptors are plain Int32s
/// owned by the caller.
public enum Socket {
    /// A listening TCP socket bound to `host:port` (non-blocking, close-on-exec, SO_REUSEADDR).
    /// Port 0 picks a free port; the bound port is returned.
    public static func listen(host: String, port: Int, backlog: Int32 = 4096) throws(SystemError) -> (
        fd: Int32, port: Int
    ) {
        let address = try SocketAddress.resolve(host: host, port: port)
        let fd = try Syscall.run("socket") { CSystem_socket_stream_nonblocking(address.family) }
        do {
            var one: Int32 = 1
            _ = try Syscall.run("setsockopt(SO_REUSEADDR)") {
                setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            }
            _ = try address.withSockAddr { pointer, length throws(SystemError) in
                try Syscall.run("bind \(host):\(port)") { bind(fd, pointer, length) }
            }
            _ = try Syscall.run("listen") { Glibc.listen(fd, backlog) }
            return (fd, try localPort(fd))
        } catch {
            Glibc.close(fd)
            throw error
        }
    }

    /// Accepts one pending connection (non-blocking); nil when none is waiting.
    public static func accept(_ listener: Int32) throws(SystemError) -> Int32? {
        while true {
            let fd = CSystem_accept_nonblocking(listener, nil, nil)
            if fd >= 0 { return fd }
            let code = CSystem_errno()
            switch code {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return nil
            case ECONNABORTED, EPROTO: continue
            default: throw SystemError("accept4", code: code)
            }
        }
    }

    public static func setNoDelay(_ fd: Int32) {
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    public static func setBlocking(_ fd: Int32, _ blocking: Bool) {
        _ = CSystem_set_nonblocking(fd, blocking ? 0 : 1)
    }

    @inline(__always)
    public static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> IOResult {
        while true {
            let count = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if count > 0 { return .transferred(count) }
            if count == 0 { return .endOfStream }
            let code = CSystem_errno()
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK { return .wouldBlock }
            return .failed(SystemError("read", code: code))
        }
    }

    /// Writes without raising SIGPIPE on a closed peer.
    @inline(__always)
    public static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> IOResult {
        while true {
            let count = send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
            if count > 0 { return .transferred(count) }
            if count == 0 { return .wouldBlock }
            let code = CSystem_errno()
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK { return .wouldBlock }
            return .failed(SystemError("send", code: code))
        }
    }

    public static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    /// Shuts down the sending side so the peer sees end-of-stream after pending data.
    public static func shutdownWrite(_ fd: Int32) {
        _ = Glibc.shutdown(fd, Int32(SHUT_WR))
    }

    public static func localPort(_ fd: Int32) throws(SystemError) -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = try withUnsafeMutablePointer(to: &storage) { pointer throws(SystemError) in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address throws(SystemError) in
                try Syscall.run("getsockname") { getsockname(fd, address, &length) }
            }
        }
        return SocketAddress(storage: storage).port
    }

    /// The peer's address, e.g. ("127.0.0.1", 50412); nil when the socket is not connected.
    public static func peer(_ fd: Int32) -> SocketAddress? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &length) }
        }
        return result == 0 ? SocketAddress(storage: storage) : nil
    }
}
