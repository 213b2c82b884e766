import Client
import Fleet
import Foundation
import HTTP
import Support
import TestSupport
import XCTest

/// `ffrtmp submit --confidence` against a broker in this process and a stand-in master whose run
/// shows each round's job finished a few polls before its result is stored, as a real master can
/// (events and results reach it apart): the round is judged only once the result is there.
final class ConfidenceCampaignCommandTests: XCTestCase {
    /// What the stand-in master saw and answered, in order: `runs stored=0|1` for each poll of
    /// `/api/runs/conf`, `summary` for each summary read.
    private final class MasterScript: @unchecked Sendable {
        private let lock = Lock()
        private var log: [String] = []
        private var pollsThisRound = 0
        private var round = 1
        /// Polls of a round that show its newest job finished with no result yet.
        let pollsBeforeResult = 2

        var entries: [String] { lock.withLock { log } }

        func answer(_ request: HTTPRequest) -> HTTPResponse {
            lock.withLock {
                switch request.path {
                case "/api/runs/conf":
                    pollsThisRound += 1
                    let stored = pollsThisRound > pollsBeforeResult
                    log.append("runs stored=\(stored ? 1 : 0)")
                    let jobs = (1...round).map { number in
                        let storedFlag = number < round || stored ? 1 : 0
                        return #"{"job_id":"conf-r\#(number)","state":"succeeded","result_stored":\#(storedFlag)}"#
                    }
                    return .json(#"{"run":{},"jobs":["# + jobs.joined(separator: ",") + #"],"summary":[]}"#)
                case "/api/summary":
                    log.append("summary")
                    let row =
                        #"{"scenario":"s","encoder":"libx264","node_id":"n","runs":\#(round),"#
                        + #""stats":{"j_per_frame":{"n":\#(round),"mean":2,"sd":0,"cv":0.01}}}"#
                    round += 1
                    pollsThisRound = 0
                    return .json(#"{"summary":["# + row + "]}")
                default:
                    return .error(.notFound, "no \(request.path)")
                }
            }
        }
    }

    func testEachRoundIsJudgedOnlyAfterItsResultIsStoredNotWhenItsJobShowsFinished() throws {
        guard FileManager.default.isExecutableFile(atPath: FFrtmpBinary.path) else {
            throw XCTSkip("no ffrtmp binary beside the tests at \(FFrtmpBinary.path) (swift build first)")
        }
        let broker = try TestBroker()
        defer { broker.shutdown() }
        let url = "nats://127.0.0.1:\(broker.port)"
        let connection = try NATSConnection.connect(url: url)
        defer { connection.close() }
        _ = try JetStreamSetup(context: JetStreamContext(connection: connection)).applyFleet()

        let script = MasterScript()
        var configuration = HTTPServerConfiguration()
        configuration.port = 0
        let master = HTTPServer(
            configuration: configuration, handler: { script.answer($0) },
            logger: Logger(component: "http", sink: LogSink(minimumLevel: .error)))
        try master.start()
        defer { master.shutdown() }

        let run = try FFrtmpBinary.run([
            "submit", "-s", url, "--master", "127.0.0.1:\(master.port)", "--id", "conf", "--name", "conf",
            "--encoder", "libx264", "--resolution", "160x90", "--fps", "30", "--duration", "1", "--input",
            "generated", "--confidence",
        ])
        XCTAssertEqual(run.status, 0, run.error)
        XCTAssertTrue(run.output.contains("run conf: round 2 done, largest CV of J/frame 1.0 %: under 5 %"), run.output)
        let unstored = "runs stored=0"
        let stored = "runs stored=1"
        let expected = [unstored, unstored, stored, "summary", unstored, unstored, stored, "summary"]
        XCTAssertEqual(script.entries, expected, "each summary read must follow a poll that shows the result stored")
    }
}
