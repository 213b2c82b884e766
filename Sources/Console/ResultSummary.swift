import Model

/// A finished job in a few lines, for the end of `ffrtmp watch`:
///
///     job-7 succeeded on node-1 (attempt 1)
///       300 frames · 60.0 fps · 2.00x · wall 5.00 s · cpu 19.6 s
///       energy 700 J (rapl) · 2.33 J/frame · avg 140 W
///       PSNR 41.20 dB · SSIM 0.9810
///       $0.000023 · 0.0778 g CO2
public enum ResultSummary {
    public static func text(_ result: JobResult) -> String {
        var lines = ["\(result.jobID) \(result.status.rawValue) on \(result.nodeID) (attempt \(result.attempt))"]
        if let error = result.error { lines[0] += ": " + error }
        if let ffmpeg = result.ffmpeg {
            var parts = ["\(ffmpeg.frames) frames", HumanUnits.fixed(ffmpeg.averageFPS, 1) + " fps"]
            if let speed = ffmpeg.speed { parts.append(HumanUnits.fixed(speed, 2) + "x") }
            parts.append("wall " + HumanUnits.duration(seconds: result.timings.wallSeconds))
            parts.append("cpu " + HumanUnits.duration(seconds: result.timings.cpuSeconds))
            lines.append(parts.joined(separator: " · "))
        }
        if let energy = result.energy {
            var parts = ["energy \(HumanUnits.energy(joules: energy.totalJoules)) (\(energy.source.rawValue))"]
            if let perFrame = energy.joulesPerFrame { parts.append(HumanUnits.significant(perFrame) + " J/frame") }
            parts.append("avg " + HumanUnits.watts(energy.averageWatts))
            lines.append(parts.joined(separator: " · "))
        }
        if let quality = result.quality {
            var parts: [String] = []
            if let psnr = quality.psnr { parts.append("PSNR \(HumanUnits.fixed(psnr, 2)) dB") }
            if let ssim = quality.ssim { parts.append("SSIM \(HumanUnits.fixed(ssim, 4))") }
            if !parts.isEmpty { lines.append(parts.joined(separator: " · ")) }
        }
        if let cost = result.cost {
            lines.append(HumanUnits.dollars(cost.usd) + " · " + HumanUnits.significant(cost.co2Grams) + " g CO2")
        }
        return lines.enumerated().map { ($0.offset == 0 ? "" : "  ") + $0.element + "\n" }.joined()
    }
}
