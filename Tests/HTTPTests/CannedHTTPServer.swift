import Net
#if canImport(Glibc)
    import Glibc
#endif

/// A server for HTTP client tests: accepts one connection on a free port, reads the request head,
/// writes the canned response in the given pieces (pausing between them), then closes, or, with
/// `holdOpen`, keeps the connection open until stopped.
final class CannedHTTPServer: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private var thread: pthread_t?
    /// The request head as received (set once the connection was served).
    private(set) var request = ""

    init(pieces: [String], pause: Double = 0.01, holdOpen: Double = 0) throws {
        (listener, port) = try Socket.listen(host: "127.0.0.1", port: 0)
        thread = SystemThread.start(name: "canned-http") { [self] in serve(pieces, pause: pause, holdOpen: holdOpen) }
    }

    convenience init(_ response: String) throws { try self.init(pieces: [response]) }

    var url: String { "http://127.0.0.1:\(port)" }

    /// Waits for the serving thread and closes the listener.
    func stop() {
        if let thread { SystemThread.join(thread) }
        thread = nil
        Socket.close(listener)
    }

    private func serve(_ pieces: [String], pause: Double, holdOpen: Double) {
        var entry = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
        guard poll(&entry, 1, 5000) > 0, let connection = try? Socket.accept(listener) else { return }
        Socket.setBlocking(connection, true)
        var head: [UInt8] = []
        var byte: UInt8 = 0
        while !head.suffix(4).elementsEqual("\r\n\r\n".utf8), Glibc.read(connection, &byte, 1) == 1 {
            head.append(byte)
        }
        request = String(decoding: head, as: UTF8.self)
        for (index, piece) in pieces.enumerated() {
            if index > 0 { usleep(useconds_t(pause * 1e6)) }
            _ = Array(piece.utf8).withUnsafeBytes { Socket.write(connection, $0) }
        }
        if holdOpen > 0 { usleep(useconds_t(holdOpen * 1e6)) }
        Socket.close(connection)
    }
}
