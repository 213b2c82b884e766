/// Reads ffmpeg's `-progress pipe:1` output, fed in chunks cut anywhere: `key=value` lines, each
/// block ending with `progress=continue` or `progress=end`, which yields one `FFmpegProgress`.
/// Unknown keys (`stream_0_0_q`, `out_time`) are skipped; a line longer than
/// `maximumLineBytes` is dropped whole. `out_time_ms` holds microseconds too (a long-standing
/// ffmpeg misnomer) and is used only when `out_time_us` is missing.
public struct FFmpegProgressParser: Sendable {
    public static let maximumLineBytes = 1024

    /// The last block read.
    public private(set) var last: FFmpegProgress?
    private var line: [UInt8] = []
    private var lineTooLong = false
    private var block = FFmpegProgress()
    private var outTimeFromMilliseconds: Int64?

    public init() {}

    /// Reads `bytes`; returns the blocks they completed, oldest first.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [FFmpegProgress] {
        var completed: [FFmpegProgress] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if !lineTooLong, let progress = readLine() { completed.append(progress) }
                line.removeAll(keepingCapacity: true)
                lineTooLong = false
            } else if line.count < Self.maximumLineBytes {
                line.append(byte)
            } else {
                lineTooLong = true
            }
        }
        return completed
    }

    /// Applies one line; the finished block when it was `progress=…`.
    private mutating func readLine() -> FFmpegProgress? {
        guard let equals = line.firstIndex(of: UInt8(ascii: "=")) else { return nil }
        let key = String(decoding: line[..<equals], as: UTF8.self).withoutSurroundingSpaces()
        let value = String(decoding: line[(equals + 1)...], as: UTF8.self).withoutSurroundingSpaces()
        switch key {
        case "frame": block.frame = Int(value) ?? block.frame
        case "fps": block.fps = Double(value)
        case "bitrate": block.bitrateKilobits = Self.number(value, unit: "kbits/s")
        case "total_size": block.totalSizeBytes = Int64(value).flatMap { $0 >= 0 ? $0 : nil }
        case "out_time_us": block.outTimeMicroseconds = Int64(value).flatMap { $0 >= 0 ? $0 : nil }
        case "out_time_ms": outTimeFromMilliseconds = Int64(value).flatMap { $0 >= 0 ? $0 : nil }
        case "speed": block.speed = Self.number(value, unit: "x")
        case "dup_frames": block.duplicatedFrames = Int(value) ?? block.duplicatedFrames
        case "drop_frames": block.droppedFrames = Int(value) ?? block.droppedFrames
        case "progress":
            var progress = block
            progress.isEnd = value == "end"
            if progress.outTimeMicroseconds == nil { progress.outTimeMicroseconds = outTimeFromMilliseconds }
            block = FFmpegProgress()
            outTimeFromMilliseconds = nil
            last = progress
            return progress
        default: break
        }
        return nil
    }

    /// `562.3kbits/s` → 562.3, `17x` → 17; nil for `N/A` and anything else.
    private static func number(_ text: String, unit: String) -> Double? {
        guard text.hasSuffix(unit) else { return nil }
        return Double(text.dropLast(unit.count).withoutSurroundingSpaces())
    }
}
