import Glibc
import Support
import TestSupport
import XCTest

@testable import Store

/// Kills a process that appends and syncs in a loop with SIGKILL at random moments, then checks that
/// everything it reported as synced survived.
final class StreamCrashTests: StoreTestCase {
    /// Report kinds the child writes to the pipe: 9 bytes each, kind then sequence.
    static let appendedKind: UInt8 = 1
    static let removedKind: UInt8 = 2
    /// Written before the sync that makes a removal durable: the message may be gone from then on.
    static let removingKind: UInt8 = 3

    func testEverySequenceReportedAsSyncedSurvivesSIGKILL() throws {
        try killRepeatedly(options: Self.options(preallocationBytes: 0))
    }

    func testEverySequenceReportedAsSyncedSurvivesSIGKILLWithZerosWrittenAhead() throws {
        try killRepeatedly(options: Self.options(preallocationBytes: 4 << 10))
    }

    static func options(preallocationBytes: Int) -> StreamStoreOptions {
        var options = StreamStoreOptions()
        options.maximumSegmentBytes = 16 << 10
        options.preallocationBytes = preallocationBytes
        return options
    }

    func killRepeatedly(options: StreamStoreOptions) throws {
        var generator = SeededGenerator(seed: UInt64(CSystemClock.now()))
        var synced = Set<UInt64>()
        var removed = Set<UInt64>()
        var mayBeRemoved = Set<UInt64>()
        for round in 0..<6 {
            var descriptors: [Int32] = [0, 0]
            XCTAssertEqual(pipe(&descriptors), 0)
            let child = fork()
            XCTAssertGreaterThanOrEqual(child, 0)
            if child == 0 {
                close(descriptors[0])
                runChild(reportingTo: descriptors[1], seed: UInt64(round), options: options)
            }
            close(descriptors[1])
            // Wait for the child's first report (its open may take a while), then kill it at random.
            var reports: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65536)
            let first = chunk.withUnsafeMutableBytes { read(descriptors[0], $0.baseAddress, $0.count) }
            if first > 0 { reports += chunk[..<first] }
            usleep(UInt32.random(in: 5_000...100_000, using: &generator))
            XCTAssertEqual(kill(child, SIGKILL), 0)
            var status: Int32 = 0
            XCTAssertEqual(waitpid(child, &status, 0), child)
            XCTAssertEqual(status & 0x7F, SIGKILL, "the child must still be running when it is killed")
            while true {
                let count = chunk.withUnsafeMutableBytes { read(descriptors[0], $0.baseAddress, $0.count) }
                if count <= 0 { break }
                reports += chunk[..<count]
            }
            close(descriptors[0])
            XCTAssertEqual(reports.count % 9, 0, "pipe writes under PIPE_BUF are atomic")
            var roundReports = 0
            reports.withUnsafeBytes { bytes in
                for start in stride(from: 0, to: bytes.count - 8, by: 9) {
                    let sequence = bytes.loadLittleEndian(at: start + 1, as: UInt64.self)
                    switch bytes[start] {
                    case StreamCrashTests.appendedKind: synced.insert(sequence)
                    case StreamCrashTests.removedKind: removed.insert(sequence)
                    default: mayBeRemoved.insert(sequence)
                    }
                    roundReports += 1
                }
            }
            XCTAssertGreaterThan(roundReports, 0, "round \(round): the child synced nothing before it was killed")

            let store = try openStream(options: options)
            for sequence in synced.subtracting(removed).subtracting(mayBeRemoved) {
                let message = try store.message(at: sequence)
                XCTAssertEqual(message?.payload, payload(for: sequence, size: 100), "round \(round), seq \(sequence)")
            }
            for sequence in removed {
                XCTAssertFalse(store.contains(sequence), "round \(round), removed seq \(sequence)")
            }
            // Whatever else survived (synced but killed before reporting) is whole.
            var sequence: UInt64 = 0
            while let next = store.nextSequence(after: sequence) {
                XCTAssertEqual(try store.message(at: next)?.payload, payload(for: next, size: 100))
                sequence = next
            }
            try store.close()
        }
        XCTAssertGreaterThan(synced.count, 100)
    }

    /// The child: append batches, remove some old messages, sync, report. Never returns.
    func runChild(reportingTo descriptor: Int32, seed: UInt64, options: StreamStoreOptions) -> Never {
        var generator = SeededGenerator(seed: seed)
        guard
            let store = try? StreamStore.open(
                directory: streamDirectory, options: options,
                logger: Logger(component: "crash-child", sink: LogSink(minimumLevel: .error)))
        else { _exit(3) }
        var reports: [UInt8] = []
        while true {
            reports.removeAll(keepingCapacity: true)
            do {
                for _ in 0..<Int.random(in: 1...60, using: &generator) {
                    let next = store.state.lastSequence + 1
                    let sequence = try store.append(
                        subject: "crash.\(next % 5)", payload: payload(for: next, size: 100), timestamp: Int64(next))
                    reports.append(StreamCrashTests.appendedKind)
                    reports.appendLittleEndian(sequence)
                }
                if Bool.random(using: &generator), let oldest = store.nextSequence(after: 0) {
                    var intent: [UInt8] = [StreamCrashTests.removingKind]
                    intent.appendLittleEndian(oldest)
                    let written = intent.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                    if written != intent.count { _exit(5) }
                    try store.remove(oldest)
                    reports.append(StreamCrashTests.removedKind)
                    reports.appendLittleEndian(oldest)
                }
                try store.sync()
            } catch {
                _exit(4)
            }
            let written = reports.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written != reports.count { _exit(5) }
        }
    }
}

/// Monotonic nanoseconds, for seeding.
enum CSystemClock {
    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
