import Model

#if canImport(Glibc)
    import Glibc
#endif

/// The disk-space check before a job runs: the work directory's free space must reach a floor
/// (1 GiB by default: logs, temporary files, other jobs) and, for a job that writes its video
/// there, 1.5 × its estimated size.
public enum DiskSpace {
    /// Bytes an unprivileged process may still write on the file system holding `path`.
    public static func freeBytes(at path: String) throws(ProcessError) -> Int64 {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { throw ProcessError("statvfs", path, code: errno) }
        return Int64(info.f_bavail) * Int64(info.f_frsize)
    }

    /// Bits per pixel assumed for a job without a target bitrate (CRF or the encoder's default):
    /// generous for any sensible setting (1080p30 → 15.6 Mbit/s).
    public static let assumedBitsPerPixel = 0.25

    /// 1.5 × the bytes the job writes into the work directory (0 when it writes none): bitrate ×
    /// duration, where an unknown duration (a whole file input) counts as the timeout.
    public static func estimatedBytes(spec: JobSpec, invocation: FFmpegInvocation) -> Int64 {
        guard invocation.outputPath != nil else { return 0 }
        let bitsPerSecond: Double
        switch spec.rateControl {
        case .bitrate(let bitrate): bitsPerSecond = Double(bitrate)
        case .constantQuality, .encoderDefault:
            let pixels = Double(spec.resolution?.pixels ?? Resolution.uhd4K.pixels)
            bitsPerSecond = pixels * (spec.fps ?? 60) * assumedBitsPerPixel
        }
        let seconds = spec.durationSeconds ?? Double(spec.timeoutSeconds)
        return Int64(bitsPerSecond * seconds / 8 * 1.5)
    }

    /// Nil when `free` bytes are enough; else the reason the job is refused.
    public static func shortage(free: Int64, floor: Int64, estimate: Int64, path: String) -> String? {
        let needed = max(floor, estimate)
        guard free < needed else { return nil }
        return "the work directory \(path) has \(megabytes(free)) MB free; this job needs \(megabytes(needed)) MB "
            + "(floor \(megabytes(floor)) MB, output estimate \(megabytes(estimate)) MB)"
    }

    private static func megabytes(_ bytes: Int64) -> Int64 { bytes / (1024 * 1024) }
}
