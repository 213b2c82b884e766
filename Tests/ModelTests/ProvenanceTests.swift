import Model
import XCTest

/// Provenance and throttling on results and heartbeats: a stable hardware id, the wire names,
/// the schemas, and bounds on every field a node sends.
final class ProvenanceTests: XCTestCase {
    private let provenance = Provenance(
        hardware: Examples.heartbeat.hardware, ffmpegVersion: "5.1.6-0+deb12u1",
        ffmpegConfiguration: "--prefix=/usr --enable-libx264", kernel: "6.1.0-28-amd64", cpuGovernor: "performance",
        turbo: true, softwareVersion: "0.1.0", softwareCommit: "1a2b3c4d")

    func testTheHardwareIDDependsOnCPUCoresRAMAndGPUsOnly() {
        let hardware = Examples.heartbeat.hardware
        let id = Provenance.hardwareID(of: hardware)
        XCTAssertTrue(id.hasPrefix("hw-"))
        XCTAssertEqual(id.count, 19)
        // FNV-1a of `x|1|1|`: the id must not change between processes or releases.
        XCTAssertEqual(
            Provenance.hardwareID(of: Hardware(cpuModel: "x", cores: 1, threads: 2, ramMegabytes: 1024)),
            "hw-549e8ae896484b69")
        var sameMachine = hardware
        sameMachine.ramMegabytes += 100
        sameMachine.threads += 2
        sameMachine.gpus[0].driver = "560.1"
        XCTAssertEqual(Provenance.hardwareID(of: sameMachine), id)
        var otherGPU = hardware
        otherGPU.gpus[0].name = "NVIDIA L40S"
        var otherCPU = hardware
        otherCPU.cpuModel = "AMD EPYC 9654"
        var moreRAM = hardware
        moreRAM.ramMegabytes *= 2
        for other in [otherGPU, otherCPU, moreRAM] { XCTAssertNotEqual(Provenance.hardwareID(of: other), id) }
    }

    func testProvenanceAndThrottlingTravelUnderTheirWireNamesAndConformToTheSchemas() throws {
        var result = Examples.result
        result.provenance = provenance
        result.throttling = Throttling(cpuCoreEvents: 3, cpuPackageEvents: 1, gpuReasons: ["sw_power_cap"])
        let text = String(decoding: try MessageCoding.encode(result), as: UTF8.self)
        for name in [
            "\"hardware_id\":\"hw-", "\"gpu_models\":[\"NVIDIA L4\"]", "\"ffmpeg_configuration\"", "\"cpu_governor\"",
            "\"ffrtmp_commit\":\"1a2b3c4d\"", "\"cpu_core_events\":3", "\"gpu_reasons\":[\"sw_power_cap\"]",
        ] {
            XCTAssertTrue(text.contains(name), name)
        }
        XCTAssertEqual(try MessageCoding.decode(JobResult.self, from: MessageCoding.encode(result)), result)
        var heartbeat = Examples.heartbeat
        heartbeat.provenance = provenance
        for (message, schema) in [
            (try MessageCoding.encode(result), "result"), (try MessageCoding.encode(heartbeat), "heartbeat"),
        ] {
            XCTAssertEqual(try SchemaFiles.validator(schema).errors(JSONValue.parse(message)), [], schema)
        }
        let broken = try JSONValue.parse(MessageCoding.encode(result)).setting(
            ["provenance", "hardware_id"], to: .string("cpu"))
        XCTAssertNotEqual(try SchemaFiles.validator("result").errors(broken), [])
    }

    func testMessagesFromAgentsWithoutProvenanceStillDecode() throws {
        let decoded = try MessageCoding.decode(JobResult.self, from: MessageCoding.encode(Examples.result))
        XCTAssertNil(decoded.provenance)
        XCTAssertNil(decoded.throttling)
        XCTAssertNil(
            try MessageCoding.decode(Heartbeat.self, from: MessageCoding.encode(Examples.heartbeat)).provenance)
    }

    func testOverlongOrNegativeProvenanceFiguresAreImplausible() {
        var result = Examples.result
        result.provenance = provenance
        XCTAssertNil(result.implausibleField)
        result.provenance?.kernel = String(repeating: "k", count: 300)
        XCTAssertEqual(result.implausibleField, "provenance")
        result.provenance = provenance
        result.provenance?.gpuModels = Array(repeating: "gpu", count: 65)
        XCTAssertEqual(result.implausibleField, "provenance")
        result.provenance = provenance
        result.throttling = Throttling(cpuCoreEvents: -1)
        XCTAssertEqual(result.implausibleField, "throttling")
        result.throttling = Throttling(gpuReasons: Array(repeating: "r", count: 33))
        XCTAssertEqual(result.implausibleField, "throttling")
        var heartbeat = Examples.heartbeat
        heartbeat.provenance = provenance
        XCTAssertNil(heartbeat.implausibleField)
        heartbeat.provenance?.ffmpegConfiguration = String(repeating: "-", count: 9000)
        XCTAssertEqual(heartbeat.implausibleField, "provenance")
    }

    func testLongTextAHostReportsIsClippedAtACharacterBoundaryInsteadOfRefused() {
        let model = String(repeating: "é", count: 200)
        let clipped = Provenance(
            hardware: Hardware(cpuModel: model, cores: 1, threads: 1, ramMegabytes: 1), softwareVersion: "0.1.0")
        XCTAssertEqual(clipped.cpuModel, String(repeating: "é", count: 128))
        XCTAssertNil(clipped.implausibleField)
        XCTAssertEqual(Provenance.clipped("aé", toBytes: 2), "a")
    }
}
