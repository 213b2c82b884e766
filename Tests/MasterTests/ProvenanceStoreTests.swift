import Foundation
import Model
import SQLite
import XCTest

@testable import Master

/// The master keeps each result's `hardware_id` and summaries group by it; stores from before
/// provenance open and gain the column.
final class ProvenanceStoreTests: XCTestCase {
    private func json<Value: Encodable>(_ value: Value) throws -> String {
        String(decoding: try MessageCoding.encode(value), as: UTF8.self)
    }

    private func result(_ id: String, ramMegabytes: Int) -> JobResult {
        var result = MasterFixtures.result(id)
        result.provenance = Provenance(
            hardware: Hardware(cpuModel: "test CPU", cores: 2, threads: 2, ramMegabytes: ramMegabytes),
            softwareVersion: "0.1.0")
        return result
    }

    func testOneNodeWhoseHardwareChangedIsTwoSummaryRows() throws {
        let store = try MasterStore(path: ":memory:")
        for (index, ram) in [4096, 4096, 8192].enumerated() {
            let result = result("job-\(index)", ramMegabytes: ram)
            try store.record(result, json: json(result))
        }
        let old = MasterFixtures.result("job-old")
        try store.record(old, json: json(old))
        let rows = try store.summary().rows
        XCTAssertEqual(rows.map(\.count).sorted(), [1, 1, 2])
        let ids = Set(rows.map(\.hardware.hardwareID))
        XCTAssertEqual(ids.count, 3)
        XCTAssertTrue(ids.contains(nil), "a result without provenance keeps its own row")
        let twoRuns = try XCTUnwrap(rows.first { $0.count == 2 })
        let expected = Provenance.hardwareID(
            of: Hardware(cpuModel: "test CPU", cores: 2, threads: 2, ramMegabytes: 4096))
        XCTAssertEqual(twoRuns.hardware.hardwareID, expected)
        XCTAssertTrue(twoRuns.hardware.key.hasSuffix(" hw=\(expected)"), twoRuns.hardware.key)
        XCTAssertTrue(SummaryJSON.text(twoRuns).contains("\"hardware_id\":\"\(expected)\""))
    }

    func testAStoreWithoutTheColumnGainsItAndIdsFromResultsAnOlderMasterStored() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "v2-\(UInt64.random(in: 1...UInt64.max)).db"
        ).path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let newer = result("newer", ramMegabytes: 4096)
        do {
            let database = try Database(path: path)
            try database.execute(MasterSchema.statements)
            try MasterSchema.addCampaignColumns(database)
            for stored in [MasterFixtures.result("older"), newer] {
                try database.query(
                    """
                    INSERT INTO results (job_id, attempt, node_id, status, finished_at, scenario, encoder, resolution,
                        frames, fps, wall_s, cpu_s, energy_j, j_per_frame, energy_source, psnr, ssim, usd, co2_g, json)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, values: ResultColumns(stored).values + [try json(stored)])
            }
        }
        let store = try MasterStore(path: path)
        let ids = try store.database.query("SELECT job_id, hardware_id FROM results ORDER BY job_id").map {
            [$0[0].string, $0[1].string]
        }
        XCTAssertEqual(ids, [["newer", newer.provenance?.hardwareID], ["older", nil]])
        XCTAssertEqual(try store.summary().rows.count, 2)
    }
}
