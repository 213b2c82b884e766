import Model
import Support

/// Results as `ffrtmp results` and `ffrtmp submit --wait` show them: a table in human units, or CSV
/// with raw numbers (joules, seconds, Unix-time columns as RFC 3339).
public enum ResultTable {
    /// One row per result. With `now`, a FINISHED column says how long ago each ended; with
    /// `regionCosts` (in the results' order), a COST column says what the master priced each at.
    public static func table(
        _ results: [JobResult], now: Int64? = nil, regionCosts: [MasterRows.RegionCost?]? = nil
    ) -> TextTable {
        var columns: [TextTable.Column] = [
            .init("JOB", maximumWidth: 40), .init("STATUS"), .init("NODE", maximumWidth: 24), .init("ENCODER"),
            .init("RES"), .init("FRAMES", alignRight: true), .init("FPS", alignRight: true),
            .init("WALL", alignRight: true), .init("ENERGY", alignRight: true), .init("J/FRAME", alignRight: true),
            .init("SOURCE"),
        ]
        if regionCosts != nil { columns.append(.init("COST", alignRight: true)) }
        if now != nil { columns.append(.init("FINISHED", alignRight: true)) }
        var table = TextTable(columns)
        for (index, result) in results.enumerated() {
            var cells = [
                result.jobID, result.status.rawValue, result.nodeID, result.encoder?.rawValue ?? "",
                result.resolution?.shortName ?? "", result.ffmpeg.map { String($0.frames) } ?? "",
                result.ffmpeg.map { HumanUnits.fixed($0.averageFPS, 1) } ?? "",
                result.timings.startedAt == nil ? "" : HumanUnits.duration(seconds: result.timings.wallSeconds),
                result.energy.map { HumanUnits.energy(joules: $0.totalJoules) } ?? "",
                (result.energy?.joulesPerFrame).map { HumanUnits.significant($0) } ?? "",
                result.energy?.source.rawValue ?? "",
            ]
            if let regionCosts {
                cells.append(index < regionCosts.count ? regionCosts[index]?.text ?? "–" : "–")
            }
            if let now { cells.append(HumanUnits.age(unixNanoseconds: result.timings.finishedAt, now: now)) }
            table.add(cells)
        }
        return table
    }

    /// The errors of results that did not succeed, one line each (`job-7 failed: …`), for under a table.
    public static func failures(_ results: [JobResult]) -> String {
        results.filter { $0.status != .succeeded }.map { result in
            "\(result.jobID) \(result.status.rawValue)" + (result.error.map { ": " + $0 } ?? "") + "\n"
        }.joined()
    }

    public static let csvHeader = [
        "job_id", "attempt", "status", "node_id", "scenario", "encoder", "resolution", "fps", "frames", "fps_avg",
        "speed", "wall_s", "cpu_s", "energy_j", "j_per_frame", "energy_source", "avg_w", "psnr", "ssim", "usd",
        "co2_g", "queued_at", "started_at", "finished_at", "error",
    ]

    /// A header and one record per result.
    public static func csv(_ results: [JobResult]) -> String {
        CSV.text(header: csvHeader, rows: results.map(csvRecord))
    }

    static func csvRecord(_ result: JobResult) -> [String] {
        [
            result.jobID, String(result.attempt), result.status.rawValue, result.nodeID, result.scenario ?? "",
            result.encoder?.rawValue ?? "", result.resolution?.description ?? "", number(result.fps),
            result.ffmpeg.map { String($0.frames) } ?? "", number(result.ffmpeg?.averageFPS),
            number(result.ffmpeg?.speed), number(result.timings.wallSeconds), number(result.timings.cpuSeconds),
            number(result.energy?.totalJoules), number(result.energy?.joulesPerFrame),
            result.energy?.source.rawValue ?? "", number(result.energy?.averageWatts), number(result.quality?.psnr),
            number(result.quality?.ssim), number(result.cost?.usd), number(result.cost?.co2Grams),
            time(result.timings.queuedAt), time(result.timings.startedAt), time(result.timings.finishedAt),
            result.error ?? "",
        ]
    }

    /// A raw number for CSV: shortest exact text, empty when absent.
    static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "" }
        return value == value.rounded() && abs(value) < 9e15 ? String(Int(value)) : String(value)
    }

    static func time(_ nanoseconds: Int64?) -> String {
        nanoseconds.map { Timestamp.rfc3339(nanoseconds: $0, fractionDigits: 3) } ?? ""
    }
}
