@testable import Client
import XCTest
#if canImport(Glibc)
    import Glibc
#endif

/// A JetStream server for one test: `nats-server -js -sd DIR` by default, or ffrtmp's broker
/// (`$FFRTMP_BROKER_BIN broker … -js -sd DIR`) when `FFRTMP_BROKER_BIN` is set, on a free loopback
/// port with a fresh store directory. Killed and its directory removed by `stop()`.
final class JetStreamTestServer {
    let port: Int
    let storeDirectory: String
    /// True when the server under test is ffrtmp's broker.
    let isBroker: Bool
    private var processID: pid_t = 0

    var url: String { "nats://127.0.0.1:\(port)" }

    /// The broker binary from `FFRTMP_BROKER_BIN`, when set.
    static var brokerBinary: String? {
        guard let path = ProcessInfoLite.environment["FFRTMP_BROKER_BIN"], !path.isEmpty else { return nil }
        return path
    }

    init() throws {
        port = NATSServerProcess.freePort()
        var template = Array("/tmp/ffrtmp-js-test-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw XCTSkip("cannot make a temporary directory") }
        storeDirectory = String(cString: made)
        let common = ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", storeDirectory]
        if let broker = Self.brokerBinary {
            isBroker = true
            processID = try Self.spawn([broker, "broker"] + common, log: storeDirectory + "/server.log")
        } else {
            isBroker = false
            processID = try Self.spawn(
                [try NATSServerProcess.executable()] + common,
                log: storeDirectory + "/server.log")
        }
        try waitUntilJetStreamAnswers()
    }

    deinit { stop() }

    /// Kills the process (SIGKILL), reaps it and removes the store directory.
    func stop() {
        guard processID != 0 else { return }
        kill(processID, SIGKILL)
        var status: Int32 = 0
        waitpid(processID, &status, 0)
        processID = 0
        if let remover = try? Self.spawn(["/bin/rm", "-rf", storeDirectory], log: "/dev/null") {
            waitpid(remover, &status, 0)
        }
    }

    /// nats-server accepts connections a moment before its JetStream API subscribes: poll `$JS.API.INFO`.
    private func waitUntilJetStreamAnswers() throws {
        let deadline = Deadline.after(.seconds(5))
        while !deadline.hasPassed {
            if let connection = try? NATSConnection.connect(url: url, options: testOptions(name: "probe")) {
                defer { connection.close() }
                if (try? JetStreamContext(connection: connection, timeout: .milliseconds(500)).accountInfo()) != nil {
                    return
                }
            }
            usleep(20_000)
        }
        stop()
        XCTFail("no JetStream answered on port \(port)")
        throw XCTSkip("server did not start")
    }

    /// Starts `argv` with standard output and error going to `log`.
    private static func spawn(_ argv: [String], log: String) throws -> pid_t {
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
}

/// The base of the JetStream tests: a fresh server and a context per test; everything is closed and
/// killed in `tearDown`.
class JetStreamTestCase: XCTestCase {
    var server: JetStreamTestServer!
    var connections: [NATSConnection] = []
    var context: JetStreamContext!

    override func setUpWithError() throws {
        server = try JetStreamTestServer()
        context = JetStreamContext(connection: try connect(), timeout: .seconds(2))
    }

    override func tearDown() {
        for connection in connections { connection.close() }
        connections = []
        context = nil
        server?.stop()
        server = nil
    }

    func connect() throws -> NATSConnection {
        let connection = try NATSConnection.connect(url: server.url, options: testOptions())
        connections.append(connection)
        return connection
    }

    /// A work-queue stream `JOBS` on `job.>` and a durable pull consumer on it.
    @discardableResult
    func makeWorkQueue(
        consumer: String = "cpu", filter: String = "job.cpu", ackWait: Duration = .seconds(30),
        maxDeliver: Int = -1
    ) throws -> PullSubscription {
        try context.addStream(StreamConfig(name: "JOBS", subjects: ["job.>"], retention: .workqueue))
        try context.addOrUpdateConsumer(
            stream: "JOBS",
            ConsumerConfig(
                durableName: consumer, ackWait: ackWait,
                maxDeliver: maxDeliver, filterSubject: filter))
        return try context.pullSubscribe(stream: "JOBS", consumer: consumer)
    }

    /// Asserts that `body` throws the server's JetStream error with `errCode`.
    func assertServerError<Result>(
        _ errCode: Int, code: Int, description: String? = nil,
        _ body: () throws -> Result, file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            guard case .server(let actualCode, let actualErrCode, let text) = error as? JetStreamError else {
                return XCTFail("expected a server error, got \(error)", file: file, line: line)
            }
            XCTAssertEqual(actualErrCode, errCode, file: file, line: line)
            XCTAssertEqual(actualCode, code, file: file, line: line)
            if let description { XCTAssertEqual(text, description, file: file, line: line) }
        }
    }
}
