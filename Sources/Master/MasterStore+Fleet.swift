import Model
import SQLite

/// Writing what the fleet reports (heartbeats and telemetry): one message at a time, or a whole
/// `FleetBatch` in one transaction as the store writer does.
extension MasterStore {
    /// Writes `batch` in one transaction: all of it or, when it throws, none.
    func record(_ batch: FleetBatch) throws {
        guard !batch.isEmpty else { return }
        try database.transaction { transaction in
            for node in batch.nodes { try Self.insert(node.heartbeat, json: node.json, at: node.at, in: transaction) }
            for sample in batch.samples {
                try Self.insert(sample.sample, at: sample.at, nodeRow: sample.nodeRow, in: transaction)
            }
        }
    }

    static func insert(_ heartbeat: Heartbeat, json: String, at now: Int64, in transaction: Transaction)
        throws(SQLiteError)
    {
        try transaction.query(
            """
            INSERT INTO nodes (node_id, name, first_seen, last_seen, heartbeat) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (node_id) DO UPDATE SET name = excluded.name, last_seen = excluded.last_seen,
                heartbeat = excluded.heartbeat
            """, heartbeat.nodeID, heartbeat.name, now, now, json)
    }

    /// A row per running job, and a node row when `nodeRow`.
    static func insert(_ sample: TelemetrySample, at now: Int64, nodeRow: Bool, in transaction: Transaction)
        throws(SQLiteError)
    {
        let watts: Double? = sample.power.isEmpty ? nil : sample.power.reduce(0) { $0 + $1.watts }
        if nodeRow {
            try transaction.query(
                """
                INSERT OR REPLACE INTO node_samples (node_id, at, cpu_percent, memory_used_mb, watts)
                VALUES (?, ?, ?, ?, ?)
                """, sample.nodeID, now, sample.cpuPercent, sample.memoryUsedMegabytes, watts)
        }
        for job in sample.jobs {
            try transaction.query(
                """
                INSERT OR REPLACE INTO job_samples (job_id, at, node_id, frame, fps, speed, cpu_percent,
                    node_watts, progress)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, job.id, now, sample.nodeID, job.frame, job.fps, job.speed, job.cpuPercent, watts, job.progress)
        }
    }
}

/// Heartbeats and telemetry for one store transaction, already downsampled by `FleetSampling`.
struct FleetBatch {
    /// Node rows to upsert.
    var nodes: [(heartbeat: Heartbeat, json: String, at: Int64)] = []
    /// Samples with running jobs, or due for a node row.
    var samples: [(sample: TelemetrySample, at: Int64, nodeRow: Bool)] = []

    var isEmpty: Bool { nodes.isEmpty && samples.isEmpty }
    var count: Int { nodes.count + samples.count }
}
