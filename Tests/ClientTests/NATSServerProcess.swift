@testable import Client
import TestSupport
import XCTest
#if canImport(Glibc)
    import Glibc
#endif

/// A real `nats-server` child process on a loopback port, started and killed by a test.
final class NATSServerProcess {
    let port: Int
    let arguments: [String]
    private(set) var processID: pid_t = 0

    var url: String { "nats://127.0.0.1:\(port)" }

    /// `nats-server` from `NATS_SERVER` or PATH; the test is skipped when there is none.
    static func executable() throws -> String {
        var environment = ProcessInfoLite.environment
        if let path = environment.removeValue(forKey: "NATS_SERVER"), access(path, X_OK) == 0 { return path }
        for directory in (environment["PATH"] ?? "").split(separator: ":") {
            let path = String(directory) + "/nats-server"
            if access(path, X_OK) == 0 { return path }
        }
        throw XCTSkip("nats-server is not on PATH")
    }

    /// Starts a server on `port` (a free one when nil) with extra command-line `arguments`.
    init(port: Int? = nil, arguments: [String] = []) throws {
        self.port = port ?? Self.freePort()
        self.arguments = arguments
        try start()
    }

    deinit { stop() }

    /// Starts the process and waits until its port accepts connections.
    func start() throws {
        precondition(processID == 0, "already running")
        let path = try Self.executable()
        processID = try Self.spawn([path, "-a", "127.0.0.1", "-p", String(port)] + arguments, log: "/dev/null")
        let port = port
        let accepting = eventually(timeout: .seconds(5)) {
            guard
                let socket = try? ClientSocket.connect(
                    host: "127.0.0.1", port: port, timeout: .milliseconds(200), writeTimeout: .seconds(1))
            else { return false }
            socket.close()
            return true
        }
        if accepting { return }
        stop()
        XCTFail("nats-server did not start on port \(port)")
    }

    /// Freezes (SIGSTOP) or thaws (SIGCONT) the process: a server that stops answering.
    func pause(_ paused: Bool) {
        guard processID != 0 else { return }
        kill(processID, paused ? SIGSTOP : SIGCONT)
    }

    /// Kills the process (SIGKILL) and reaps it.
    func stop() {
        guard processID != 0 else { return }
        Self.terminate(processID)
        processID = 0
    }

    /// Starts `argv` with standard output and error appended to `log`.
    static func spawn(_ argv: [String], log: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, argv[0], &actions, nil, &cArguments, environ)
        guard result == 0 else { throw ClientError.socket(operation: "posix_spawn \(argv[0])", code: result) }
        return pid
    }

    /// Kills `processID` (SIGKILL) and reaps it.
    static func terminate(_ processID: pid_t) {
        kill(processID, SIGKILL)
        var status: Int32 = 0
        waitpid(processID, &status, 0)
    }

    /// Writes a nats-server configuration file with `text` and returns its path; `removeConfiguration`
    /// deletes it.
    static func writeConfiguration(_ text: String) -> String {
        let path = "/tmp/ffrtmp-client-test-\(getpid())-\(freePort()).conf"
        let file = fopen(path, "w")
        fputs(text, file)
        fclose(file)
        return path
    }

    static func removeConfiguration(_ path: String) { unlink(path) }

    /// A loopback port nothing listens on right now.
    static func freePort() -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                _ = bind(descriptor, raw, length)
                _ = getsockname(descriptor, raw, &length)
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// The process environment, read without Foundation.
enum ProcessInfoLite {
    static var environment: [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }
}
