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
                row.jobID, row.state, row.nodeID ?? "", row.scenario ?? "", row.encoder ?? "",
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

    /// `ffrtmp results --summary`.
    public static func summary(_ rows: [MasterRows.Summary]) -> TextTable {
        var table = TextTable([
            .init("SCENARIO"), .init("ENCODER"), .init("NODE", maximumWidth: 24), .init("RUNS", alignRight: true),
            .init("FPS", alignRight: true), .init("J/FRAME", alignRight: true), .init("ENERGY", alignRight: true),
            .init("WALL", alignRight: true), .init("PSNR", alignRight: true), .init("SSIM", alignRight: true),
            .init("USD", alignRight: true), .init("CO2", alignRight: true), .init("SOURCES"),
        ])
        for row in rows {
            table.add([
                row.scenario, row.encoder, row.nodeID, String(row.runs), row.fps.map { HumanUnits.fixed($0, 1) } ?? "",
                row.joulesPerFrame.map { HumanUnits.significant($0) } ?? "",
                row.energyJoules.map { HumanUnits.energy(joules: $0) } ?? "",
                row.wallSeconds.map { HumanUnits.duration(seconds: $0) } ?? "",
                row.psnr.map { HumanUnits.fixed($0, 2) } ?? "", row.ssim.map { HumanUnits.fixed($0, 4) } ?? "",
                row.usd.map(HumanUnits.dollars) ?? "", row.co2Grams.map { HumanUnits.significant($0) + " g" } ?? "",
                row.energySources ?? "",
            ])
        }
        return table
    }

    /// The summary as CSV, raw numbers.
    public static func summaryCSV(_ rows: [MasterRows.Summary]) -> String {
        let header = [
            "scenario", "encoder", "node_id", "runs", "fps", "j_per_frame", "energy_j", "wall_s", "psnr", "ssim", "usd",
            "co2_g", "energy_sources",
        ]
        return CSV.text(
            header: header,
            rows: rows.map { row in
                [
                    row.scenario, row.encoder, row.nodeID, String(row.runs), ResultTable.number(row.fps),
                    ResultTable.number(row.joulesPerFrame), ResultTable.number(row.energyJoules),
                    ResultTable.number(row.wallSeconds), ResultTable.number(row.psnr), ResultTable.number(row.ssim),
                    ResultTable.number(row.usd), ResultTable.number(row.co2Grams), row.energySources ?? "",
                ]
            })
    }
}
