import Glibc
import XCTest

@testable import Store

/// Prints throughput figures (no assertions on speed): 128-byte messages appended in batches of 64
/// and 256 with one `sync()` per batch, removal, consumer records, and a raw `fdatasync` baseline.
final class StoreThroughputTests: StoreTestCase {
    func testThroughputIsPrinted() throws {
        #if DEBUG
            let messages = 32_768
            let mode = "debug"
        #else
            let messages = 262_144
            let mode = "release"
        #endif
        print("store throughput (\(mode) build, \(messages) messages of 128 bytes, subject 'bench.jobs.N'):")
        print("  raw pwrite 4 KiB + fdatasync: \(format(try measureRawSync())) µs")
        let body = [UInt8](repeating: 0x61, count: 128)
        for batch in [1, 64, 256] {
            try fileSystem.removeRecursively(streamDirectory)
            let store = try openStream()
            let count = batch == 1 ? min(messages, 4096) : messages
            var syncNanoseconds: [UInt64] = []
            let started = CSystemClock.now()
            try body.withUnsafeBytes { payload in
                var sequence = 0
                while sequence < count {
                    for _ in 0..<batch {
                        _ = try store.append(
                            subject: "bench.jobs.\(sequence & 7)",
                            headers: UnsafeRawBufferPointer(start: nil, count: 0),
                            payload: payload, timestamp: Int64(sequence))
                        sequence += 1
                    }
                    let syncStarted = CSystemClock.now()
                    try store.sync()
                    syncNanoseconds.append(CSystemClock.now() - syncStarted)
                }
            }
            let elapsed = Double(CSystemClock.now() - started) / 1e9
            syncNanoseconds.sort()
            let median = Double(syncNanoseconds[syncNanoseconds.count / 2]) / 1e3
            let p99 = Double(syncNanoseconds[syncNanoseconds.count * 99 / 100]) / 1e3
            print(
                "  append, sync every \(batch): \(format(Double(count) / elapsed)) msg/s, "
                    + "sync p50 \(format(median)) µs, p99 \(format(p99)) µs")

            if batch == 256 {
                let removeStarted = CSystemClock.now()
                var removed = 0
                for sequence in UInt64(1)...UInt64(count) {
                    try store.remove(sequence)
                    removed += 1
                    if removed % 256 == 0 { try store.sync() }
                }
                try store.sync()
                let removeElapsed = Double(CSystemClock.now() - removeStarted) / 1e9
                print(
                    "  remove in order, sync every 256: \(format(Double(count) / removeElapsed)) msg/s, "
                        + "segments left \(store.segmentCount)")
            }
            try store.close()
        }

        // Without any sync: the in-memory and page-cache cost alone.
        try fileSystem.removeRecursively(streamDirectory)
        let store = try openStream()
        let started = CSystemClock.now()
        for sequence in 0..<messages {
            try store.append(subject: "bench.jobs", payload: body, timestamp: Int64(sequence))
        }
        let elapsed = Double(CSystemClock.now() - started) / 1e9
        print("  append only, no sync: \(format(Double(messages) / elapsed)) msg/s")
        let readStarted = CSystemClock.now()
        for sequence in UInt64(1)...UInt64(messages) { _ = try store.message(at: sequence) }
        let readElapsed = Double(CSystemClock.now() - readStarted) / 1e9
        print("  read back (pread + checksum): \(format(Double(messages) / readElapsed)) msg/s")
        try store.close()
        let reopenStarted = CSystemClock.now()
        let reopened = try openStream()
        let reopenElapsed = Double(CSystemClock.now() - reopenStarted) / 1e6
        print("  recovery scan of \(messages) messages: \(format(reopenElapsed)) ms")
        try reopened.close()

        let consumer = try ConsumerStateStore.open(directory: directory + "/consumer", logger: quietLogger)
        let consumerStarted = CSystemClock.now()
        for sequence in UInt64(1)...UInt64(messages) {
            try consumer.recordDelivered(
                streamSequence: sequence, consumerSequence: sequence, deliveryCount: 1, timestamp: 0)
            try consumer.recordAcked(streamSequence: sequence)
            if sequence % 256 == 0 { try consumer.sync() }
        }
        let consumerElapsed = Double(CSystemClock.now() - consumerStarted) / 1e9
        print("  consumer delivered+acked, sync every 256: \(format(Double(messages) / consumerElapsed)) msg/s")
        try consumer.close()
    }

    /// Median cost of writing 4 KiB at the end of a file and `fdatasync`ing it.
    func measureRawSync() throws -> Double {
        let file = try fileSystem.openFile(directory + "/raw", creating: true)
        defer { file.close() }
        let block = [UInt8](repeating: 1, count: 4096)
        var samples: [UInt64] = []
        for round in 0..<200 {
            let started = CSystemClock.now()
            try block.withStoreBytes { bytes throws(StoreError) in try file.write(bytes, at: Int64(round * 4096)) }
            try file.synchronize()
            samples.append(CSystemClock.now() - started)
        }
        samples.sort()
        return Double(samples[samples.count / 2]) / 1e3
    }

    func format(_ value: Double) -> String {
        value >= 100 ? String(Int(value.rounded())) : String((value * 10).rounded() / 10)
    }
}
