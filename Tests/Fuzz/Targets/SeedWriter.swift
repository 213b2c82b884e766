#if canImport(Glibc)
    import Glibc
#endif
import Model
@testable import Store

/// Writes the seeds that only the project's own code can write: job messages as `MessageCoding`
/// encodes them, a stream segment and a consumer log as the store writes them. Run with
/// `FUZZ_WRITE_SEEDS=Tests/Fuzz/corpus` (see Tests/Fuzz/run.sh `seeds`); other seeds are plain text.
enum SeedWriter {
    static func writeAll(under root: String) {
        for (name, job) in jobs {
            write((try? MessageCoding.encode(job)) ?? [], to: "\(root)/job/\(name).json")
        }
        write([0] + [0] + storeFile(stream: true), to: "\(root)/segment/stream-segment")
        write([1] + [0] + storeFile(stream: true), to: "\(root)/segment/stream-segment-repaired")
        write([5] + [128] + storeFile(stream: true), to: "\(root)/segment/two-segments-repaired")
        write([3] + [0] + storeFile(stream: false), to: "\(root)/segment/consumer-log-repaired")
    }

    static let jobs: [(String, Job)] = [
        (
            "generated-file-output",
            Job(
                id: "01JD8Z3W5K6Q9R2T4V7X8Y0ABC", scenario: "1080p60-h265",
                input: .generated(GeneratedInput(pattern: .smptehdbars, durationSeconds: 5)),
                output: .file(name: "out.mp4"), encoder: .libx265, preset: "fast", crf: 28, resolution: .fullHD,
                fps: 60, gop: 120, durationSeconds: 5, quality: [.psnr, .ssim],
                limits: JobLimits(cpuPercent: 400, memoryMegabytes: 2048, timeoutSeconds: 600), priority: 7,
                labels: ["run": "nightly"], submittedAt: 1_764_130_217_982_729_094)
        ),
        ("scenario-only", Job(id: "550e8400-e29b-41d4-a716-446655440000", scenario: "720p30-h264")),
        (
            "file-to-stream",
            Job(
                id: "job-file-1", input: .file(path: "/srv/media/in.mp4"), output: .url("rtmp://live.local/app/key"),
                encoder: .libx264, bitrate: 4_000_000, resolution: .fullHD, fps: 30)
        ),
    ]

    /// A store file with a few messages (one with headers, one removed) or consumer records.
    static func storeFile(stream: Bool) -> [UInt8] {
        let fileSystem = MemoryFileSystem()
        let directory = "/seed"
        let logger = SegmentFuzz.logger
        do {
            if stream {
                let store = try StreamStore.open(directory: directory, logger: logger, fileSystem: fileSystem)
                try store.append(subject: "job.cpu", payload: Array(#"{"id":"a"}"#.utf8), timestamp: 1_000)
                try store.append(
                    subject: "job.nvenc", headers: Array("NATS/1.0\r\nNats-Msg-Id: b\r\n\r\n".utf8),
                    payload: Array("b".utf8), timestamp: 2_000)
                try store.append(subject: "evt.job.a", payload: [], timestamp: 3_000)
                _ = try store.remove(2)
                try store.close()
                return fileSystem.files[directory + "/" + Segment.fileName(id: 1)]?.bytes ?? []
            }
            let store = try ConsumerStateStore.open(directory: directory, logger: logger, fileSystem: fileSystem)
            try store.setConfig(Array(#"{"durable_name":"agents"}"#.utf8))
            try store.recordDelivered(streamSequence: 1, consumerSequence: 1, deliveryCount: 1, timestamp: 1_000)
            try store.recordDelivered(streamSequence: 3, consumerSequence: 2, deliveryCount: 1, timestamp: 2_000)
            _ = try store.recordAcked(streamSequence: 1)
            try store.close()
            return fileSystem.files[directory + "/" + ConsumerStateStore.logFileName]?.bytes ?? []
        } catch {
            printError("seed store failed: \(error)\n")
            exit(1)
        }
    }

    static func write(_ bytes: [UInt8], to path: String) {
        guard let file = fopen(path, "wb") else {
            printError("cannot write \(path)\n")
            exit(1)
        }
        _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        fclose(file)
    }
}
