import Model
import Support

/// One simulated agent of `ffrtmp bench fleet`: its subjects and its heartbeat and telemetry as a
/// real agent encodes them (a busy node with a GPU, one running job, two power readings), kept
/// as templates so each message only needs its clock values written in.
struct BenchFleetAgent: Sendable {
    let heartbeatSubject: String
    let telemetrySubject: String
    let heartbeat: BenchPayloadTemplate
    let telemetry: BenchPayloadTemplate

    /// Stand-ins for the clock values, found and cut out of the encoded JSON.
    private static let sentAtMark: Int64 = 4_111_111_111_111_111_111
    private static let monotonicMark: Int64 = 4_222_222_222_222_222_222

    init(index: Int) throws {
        let node = "sim-" + String(repeating: "0", count: max(0, 5 - String(index).count)) + String(index)
        let job = "\(node)-job-1"
        let heartbeatMessage = Heartbeat(
            nodeID: node, name: node, softwareVersion: Version.current,
            hardware: Hardware(
                cpuModel: "AMD EPYC 7763 64-Core Processor", cores: 16, threads: 32, ramMegabytes: 65_536,
                gpus: [Hardware.GPU(index: 0, name: "NVIDIA L4", memoryMegabytes: 23_034, driver: "550.54.15")]),
            capabilities: [
                CapabilityStatus(
                    name: .cpu, proven: true,
                    probe: "ffmpeg -f lavfi -i testsrc2=s=256x144:d=0.1 -c:v libx264 -f null -"),
                CapabilityStatus(
                    name: .nvenc, proven: true,
                    probe: "ffmpeg -f lavfi -i testsrc2=s=256x144:d=0.1 -c:v h264_nvenc -f null -"),
                CapabilityStatus(
                    name: .qsv, proven: false,
                    probe: "ffmpeg -f lavfi -i testsrc2=s=256x144:d=0.1 -c:v h264_qsv -f null -",
                    error: "Error creating a MFX session: -9."),
            ],
            slotsTotal: 4, slotsBusy: 1, runningJobs: [job], state: .available, powerSources: [.rapl, .nvml],
            sentAt: Self.sentAtMark)
        let sample = TelemetrySample(
            nodeID: node, monotonicNanoseconds: Self.monotonicMark, sentAt: Self.sentAtMark, cpuPercent: 37.5,
            memoryUsedMegabytes: 12_288, memoryTotalMegabytes: 65_536,
            power: [
                TelemetrySample.PowerReading(domain: "package", watts: 85.25, source: .rapl),
                TelemetrySample.PowerReading(domain: "gpu0", watts: 41.5, source: .nvmlPower),
            ],
            jobs: [
                TelemetrySample.JobProgress(
                    id: job, frame: 1234, fps: 59.94, speed: 2.0, bitrateKilobits: 4500, cpuPercent: 180,
                    residentMegabytes: 350, outputSeconds: 20.5, progress: 0.34)
            ])
        heartbeatSubject = heartbeatMessage.subject
        telemetrySubject = sample.subject
        heartbeat = try BenchPayloadTemplate(MessageCoding.encode(heartbeatMessage), marks: [Self.sentAtMark])
        telemetry = try BenchPayloadTemplate(
            MessageCoding.encode(sample), marks: [Self.monotonicMark, Self.sentAtMark])
    }

    func heartbeatPayload(sentAt: Int64) -> [UInt8] { heartbeat.render([sentAt]) }

    func telemetryPayload(sentAt: Int64, monotonic: Int64) -> [UInt8] {
        telemetry.render(telemetry.markOrder.map { $0 == Self.monotonicMark ? monotonic : sentAt })
    }
}

/// Encoded JSON with numbers cut out at marks, to be written back in per message.
struct BenchPayloadTemplate: Sendable {
    /// The bytes between the marks: one more than `markOrder`.
    let pieces: [[UInt8]]
    /// The marks in the order they occur in the text.
    let markOrder: [Int64]

    init(_ bytes: [UInt8], marks: [Int64]) throws {
        var found: [(range: Range<Int>, mark: Int64)] = []
        for mark in marks {
            guard let range = BenchBytes.firstRange(of: Array(String(mark).utf8), in: bytes[...]) else {
                throw BenchError("a payload template lost its mark \(mark)")
            }
            found.append((range, mark))
        }
        found.sort { $0.range.lowerBound < $1.range.lowerBound }
        var pieces: [[UInt8]] = []
        var start = 0
        for (range, _) in found {
            pieces.append(Array(bytes[start..<range.lowerBound]))
            start = range.upperBound
        }
        pieces.append(Array(bytes[start...]))
        self.pieces = pieces
        markOrder = found.map(\.mark)
    }

    /// The JSON with `values` (in `markOrder`) in place of the marks.
    func render(_ values: [Int64]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(pieces.reduce(24 * values.count) { $0 + $1.count })
        for (index, piece) in pieces.enumerated() {
            bytes += piece
            if index < values.count { bytes += String(values[index]).utf8 }
        }
        return bytes
    }
}
