#if canImport(Glibc)
    import Glibc
#endif

/// A blocking TCP connection to one server: connect with a timeout, then whole reads and writes.
///
/// Reads and writes retry `EINTR`; writes never raise `SIGPIPE` and give up after the write timeout,
/// so a server that stops reading cannot hang a writer forever. `shutdown` wakes a blocked reader.
package struct ClientSocket: Sendable {
    package let descriptor: Int32

    /// Resolves `host` and connects to the first address that answers within `timeout`.
    package static func connect(
        host: String, port: Int, timeout: Duration,
        writeTimeout: Duration
    ) throws(ClientError) -> ClientSocket {
        let deadline = Deadline.after(timeout)
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_protocol = Int32(IPPROTO_TCP)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let list else {
            throw .cannotResolve(host: host, reason: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(list) }
        var lastError = ClientError.connectionRefused(host: host, port: port)
        var entry: UnsafeMutablePointer<addrinfo>? = list
        while let current = entry {
            entry = current.pointee.ai_next
            do {
                let socket = try connect(to: current.pointee, deadline: deadline, host: host, port: port)
                socket.configure(writeTimeout: writeTimeout)
                return socket
            } catch {
                lastError = error
                if case .connectTimeout = error { break }
            }
        }
        throw lastError
    }

    private static func connect(
        to address: addrinfo, deadline: Deadline, host: String,
        port: Int
    ) throws(ClientError) -> ClientSocket {
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let descriptor = socket(address.ai_family, type, 0)
        guard descriptor >= 0 else { throw .socket(operation: "socket", code: errno) }
        let socket = ClientSocket(descriptor: descriptor)
        if Glibc.connect(descriptor, address.ai_addr, address.ai_addrlen) != 0 {
            let code = errno
            guard code == EINPROGRESS || code == EINTR else {
                socket.close()
                throw failure(code, host: host, port: port)
            }
            let ready: Bool
            do {
                ready = try socket.wait(for: Int16(POLLOUT), until: deadline)
            } catch {
                socket.close()
                throw error
            }
            guard ready else {
                socket.close()
                throw .connectTimeout(host: host, port: port)
            }
            var pending: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &pending, &length)
            if pending != 0 {
                socket.close()
                throw failure(pending, host: host, port: port)
            }
        }
        let flags = fcntl(descriptor, F_GETFL)
        _ = fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK)
        return socket
    }

    private static func failure(_ code: Int32, host: String, port: Int) -> ClientError {
        switch code {
        case ECONNREFUSED: .connectionRefused(host: host, port: port)
        case ETIMEDOUT: .connectTimeout(host: host, port: port)
        default: .socket(operation: "connect to \(ClientError.hostPort(host, port))", code: code)
        }
    }

    /// TCP_NODELAY (frames go out when written) and a send timeout.
    private func configure(writeTimeout: Duration) {
        var one: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        setTimeout(SO_SNDTIMEO, nanoseconds: max(writeTimeout.nanoseconds, 1_000_000))
    }

    /// Makes every blocking read give up (`.timeout`) once `deadline` passes, or never when nil. Used
    /// while connecting, where a TLS read may wait in `recv` for the rest of a record; the reader thread
    /// reads with no timeout. The limit applies per `recv`, so set it again before each read.
    package func setReadDeadline(_ deadline: Deadline?) {
        guard let deadline, !deadline.isNever else { return setTimeout(SO_RCVTIMEO, nanoseconds: 0) }
        let remaining = Int64(deadline.remainingMilliseconds) * 1_000_000
        setTimeout(SO_RCVTIMEO, nanoseconds: max(remaining, 1_000_000))  // Zero would mean "no timeout".
    }

    /// Sets `option` (SO_SNDTIMEO or SO_RCVTIMEO); zero turns the timeout off.
    private func setTimeout(_ option: Int32, nanoseconds: Int64) {
        var time = timeval(tv_sec: Int(nanoseconds / 1_000_000_000), tv_usec: Int(nanoseconds % 1_000_000_000 / 1000))
        setsockopt(descriptor, SOL_SOCKET, option, &time, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Reads what is available (blocking until something is); 0 at end of stream; `.timeout` when the
    /// read deadline passed.
    package func read(into buffer: UnsafeMutableRawBufferPointer) throws(ClientError) -> Int {
        while true {
            let count = recv(descriptor, buffer.baseAddress, buffer.count, 0)
            if count >= 0 { return count }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK { throw .timeout }
            throw .socket(operation: "recv", code: code)
        }
    }

    /// Writes every byte, blocking as needed.
    package func writeAll(_ bytes: UnsafeRawBufferPointer) throws(ClientError) {
        guard var pointer = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let count = send(descriptor, pointer, remaining, Int32(MSG_NOSIGNAL))
            if count < 0 {
                let code = errno
                if code == EINTR { continue }
                if code == EAGAIN || code == EWOULDBLOCK { throw .timeout }
                throw .socket(operation: "send", code: code)
            }
            pointer += count
            remaining -= count
        }
    }

    private func wait(for events: Int16, until deadline: Deadline) throws(ClientError) -> Bool {
        var entry = pollfd(fd: descriptor, events: events, revents: 0)
        while true {
            let result = poll(&entry, 1, deadline.remainingMilliseconds)
            if result > 0 { return true }
            if result == 0 { return false }
            if errno != EINTR { throw .socket(operation: "poll", code: errno) }
        }
    }

    /// Ends both directions: a thread blocked reading sees end of stream.
    func shutdown() { _ = Glibc.shutdown(descriptor, Int32(SHUT_RDWR)) }

    package func close() { _ = Glibc.close(descriptor) }
}
