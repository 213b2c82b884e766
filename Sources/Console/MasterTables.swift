import Model

/// The master API's listings as tables (human units, ages relative to `now`, Unix nanoseconds).
public enum MasterTables {
    /// `ffrtmp jobs`.
    public static func jobs(_ rows: [MasterRows.Job], now: Int64) -> TextTable {
        var table = TextTable([
            .init("JOB", maximumWidth: 40), .init("STATE"), .init("NODE", maximumWidth: 24), .init("SCENARIO"),
            .init("ENCODER"), .init("PROGRESS", alignRight: true), .init("ATTEMPT", alignRight: true),
            .init("UPDATED", alignRight: true), .init("MESSAGE", maximumWidth: 60),
        ])
        for row in rows {
            table.add([
                row.jobID, row.state, row.nodeID ?? row.targetNode.map { "for " + $0 } ?? "", row.scenario ?? "",
                row.encoder ?? "",
                row.progress.map(HumanUnits.percent) ?? "", row.attempt.map { $0 > 0 ? String($0) : "" } ?? "",
                row.updatedAt.map { HumanUnits.age(unixNanoseconds: $0, now: now) } ?? "", row.message ?? "",
            ])
        }
        return table
    }

    /// `ffrtmp jobs --failed`: why each job failed, in full (a dead letter says `max deliveries
    /// reached (5 attempts)` or `terminated: <reason>`).
    public static func failedJobs(_ rows: [MasterRows.Job], now: Int64) -> TextTable {
        var table = TextTable([
            .init("JOB", maximumWidth: 40), .init("NODE", maximumWidth: 24), .init("ATTEMPTS", alignRight: true),
            .init("FAILED", alignRight: true), .init("REASON", maximumWidth: 200),
        ])
        for row in rows {
            table.add([
                row.jobID, row.nodeID ?? "", row.attempt.map { $0 > 0 ? String($0) : "" } ?? "",
                row.updatedAt.map { HumanUnits.age(unixNanoseconds: $0, now: now) } ?? "", row.message ?? "",
            ])
        }
        return table
    }

    /// `ffrtmp nodes`.
    public static func nodes(_ rows: [MasterRows.Node], now: Int64) -> TextTable {
        var table = TextTable([
            .init("NODE", maximumWidth: 24), .init("NAME", maximumWidth: 32), .init("STATUS"),
            .init("SLOTS", alignRight: true), .init("CPU", alignRight: true), .init("POWER", alignRight: true),
            .init("CAPABILITIES"), .init("ENERGY"), .init("VERSION"), .init("LAST SEEN", alignRight: true),
        ])
        for row in rows {
            let heartbeat = row.heartbeat
            let proven = heartbeat?.capabilities.filter(\.proven).map(\.name.rawValue) ?? []
            table.add([
                row.nodeID, row.name ?? heartbeat?.name ?? "", row.status,
                heartbeat.map { "\($0.slotsBusy)/\($0.slotsTotal)" } ?? "",
                row.telemetry.map { HumanUnits.fixed($0.cpuPercent, 0) + "%" } ?? "",
                (row.telemetry?.totalWatts).map(HumanUnits.watts) ?? "", proven.joined(separator: ","),
                heartbeat?.powerSources.map(\.rawValue).joined(separator: ",") ?? "", heartbeat?.softwareVersion ?? "",
                row.lastSeen.map { HumanUnits.age(unixNanoseconds: $0, now: now) } ?? "",
            ])
        }
        return table
    }

    /// `cpu 2 pending, 1 running · nvenc 0 pending, 0 running`.
    public static func queues(_ rows: [MasterRows.Queue]) -> String {
        rows.map { "\($0.capability) \($0.pending) pending, \($0.running) running" }.joined(separator: " · ")
    }

    /// `ffrtmp results --summary`: one row per configuration × node, mean ± 95 % interval.
    public static func summary(_ rows: [MasterRows.Summary]) -> TextTable {
        var table = TextTable([
            .init("CONFIGURATION", maximumWidth: 48), .init("NODE", maximumWidth: 24), .init("N", alignRight: true),
            .init("FPS", alignRight: true), .init("J/FRAME", alignRight: true), .init("CV", alignRight: true),
            .init("W", alignRight: true), .init("PSNR", alignRight: true), .init("SSIM", alignRight: true),
            .init("VMAF", alignRight: true), .init("J/FRAME PER QUALITY POINT"), .init("SOURCES"),
        ])
        for row in rows {
            let stats = row.stats
            table.add([
                row.label, row.nodeID, String(row.runs),
                interval(stats?.fps, row.fps) { HumanUnits.fixed($0, 1) },
                interval(stats?.joulesPerFrame, row.joulesPerFrame) { HumanUnits.significant($0) },
                stats?.joulesPerFrame?.cv.map { HumanUnits.fixed($0 * 100, 1) + "%" } ?? "",
                interval(stats?.watts, nil) { HumanUnits.fixed($0, 1) },
                interval(stats?.psnr, row.psnr) { HumanUnits.fixed($0, 2) },
                interval(stats?.ssim, row.ssim) { HumanUnits.fixed($0, 4) },
                interval(stats?.vmaf, row.vmaf) { HumanUnits.fixed($0, 2) }, perQualityPoint(row),
                row.energySources ?? "",
            ])
        }
        return table
    }

    /// `PSNR 0.00512 · SSIM 0.213`: J/frame per point of each metric measured; empty without any.
    static func perQualityPoint(_ row: MasterRows.Summary) -> String {
        let figures = row.joulesPerQualityPoint ?? [:]
        return figures.keys.sorted().compactMap { name in
            figures[name].map { name.uppercased() + " " + HumanUnits.significant($0) }
        }.joined(separator: " · ")
    }

    /// `12.3 ± 0.4`, or the mean alone.
    private static func interval(_ figure: MasterRows.Figure?, _ mean: Double?, _ format: (Double) -> String)
        -> String
    {
        guard let value = figure?.mean ?? mean else { return "" }
        return format(value) + (figure?.ci95.map { " ± " + format($0) } ?? "")
    }

    /// The metrics whose J/frame per quality point the summary CSV has a column for.
    private static let qualityMetricNames = ["psnr", "ssim", "vmaf"]

    /// The summary as CSV, raw numbers: per figure its mean, standard deviation, CV and interval half width;
    /// then VMAF and J/frame per quality point, last so the older columns keep their places.
    public static func summaryCSV(_ rows: [MasterRows.Summary]) -> String {
        let figures = ["fps", "j_per_frame", "watts", "psnr", "ssim"]
        let header =
            ["configuration", "node_id", "n"]
            + figures.flatMap { ["\($0)_mean", "\($0)_sd", "\($0)_cv", "\($0)_ci95"] }
            + [
                "energy_j", "wall_s", "usd", "co2_g", "energy_sources", "scenario", "encoder", "configuration_key",
                "hardware_key", "vmaf_mean", "vmaf_ci95",
            ] + qualityMetricNames.map { "j_per_frame_per_\($0)_point" }
        return CSV.text(
            header: header,
            rows: rows.map { row in
                let stats = row.stats
                let values = [stats?.fps, stats?.joulesPerFrame, stats?.watts, stats?.psnr, stats?.ssim].flatMap {
                    figure in
                    [figure?.mean, figure?.sd, figure?.cv, figure?.ci95].map(ResultTable.number)
                }
                return [row.label, row.nodeID, String(row.runs)] + values + [
                    ResultTable.number(row.energyJoules), ResultTable.number(row.wallSeconds),
                    ResultTable.number(row.usd), ResultTable.number(row.co2Grams), row.energySources ?? "",
                    row.scenario, row.encoder, row.configurationKey ?? "", row.hardwareKey ?? "",
                    ResultTable.number(row.stats?.vmaf?.mean ?? row.vmaf), ResultTable.number(row.stats?.vmaf?.ci95),
                ] + qualityMetricNames.map { ResultTable.number(row.joulesPerQualityPoint?[$0]) }
            })
    }

    /// `ffrtmp runs`.
    public static func runs(_ rows: [MasterRows.Run], now: Int64) -> TextTable {
        var table = TextTable([
            .init("RUN"), .init("JOBS", alignRight: true), .init("SUCCEEDED", alignRight: true),
            .init("FAILED", alignRight: true), .init("PENDING", alignRight: true), .init("STARTED"), .init("FINISHED"),
        ])
        for row in rows {
            table.add([
                row.runID, String(row.jobs), String(row.succeeded), String(row.failed), String(row.pending),
                row.startedAt.map { HumanUnits.age(unixNanoseconds: $0, now: now) } ?? "",
                row.finishedAt.map { HumanUnits.age(unixNanoseconds: $0, now: now) } ?? "",
            ])
        }
        return table
    }
}
