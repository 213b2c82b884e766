import Model
import XCTest

@testable import Agent

#if canImport(Glibc)
    import Glibc
#endif

/// A cgroup v2 tree in a plain folder: `mkdir` makes the interface files the kernel would (with
/// counters the test chose), `rmdir` takes them away again. Reads and writes are the live ones.
final class FakeControlGroupFiles: ControlGroupFiles, @unchecked Sendable {
    // @unchecked Sendable: `counters` is set before any use and only read after.
    let live = LiveControlGroupFiles()
    var counters: [String: String] = [
        "cpu.stat": "usage_usec 1234567\nuser_usec 1000000\nsystem_usec 234567\n",
        "memory.peak": "73400320\n",
        "memory.events": "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n",
    ]
    static let interfaceFiles = [
        "cgroup.procs", "cpu.max", "memory.max", "memory.swap.max", "memory.oom.group", "cgroup.subtree_control",
    ]

    func makeDirectory(_ path: String) throws(ProcessError) {
        try live.makeDirectory(path)
        for name in Self.interfaceFiles { create(path + "/" + name, "") }
        for (name, text) in counters { create(path + "/" + name, text) }
    }

    func removeDirectory(_ path: String) throws(ProcessError) {
        for name in ScratchDirectory.list(path) ?? [] { unlink(path + "/" + name) }
        try live.removeDirectory(path)
    }

    func write(_ text: String, to path: String) throws(ProcessError) { try live.write(text, to: path) }
    func read(_ path: String) throws(ProcessError) -> String { try live.read(path) }

    private func create(_ path: String, _ text: String) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        _ = Array(text.utf8).withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
    }
}

final class ProcessLimitsTests: XCTestCase {
    private func cgroupRoot(controllers: String = "cpuset cpu io memory hugetlb pids rdma misc\n") -> ScratchDirectory {
        let root = ScratchDirectory()
        root.write("cgroup.controllers", controllers)
        root.write("cgroup.subtree_control", "")
        mkdir(root.path + "/agent", 0o755)
        root.write("agent/cgroup.subtree_control", "")
        return root
    }

    private func configuration(_ root: ScratchDirectory, parent: String = "agent") -> ResourceLimitConfiguration {
        ResourceLimitConfiguration(controlGroupRoot: root.path, controlGroupParent: parent, cores: 2)
    }

    func testWithoutCgroupV2TheLimiterFallsBackToRlimitsOrNothing() {
        let empty = ScratchDirectory()
        let limiter = ResourceLimiter(
            configuration: ResourceLimitConfiguration(controlGroupRoot: empty.path), files: FakeControlGroupFiles())
        XCTAssertTrue(limiter.controlGroupUnavailability?.contains("no cgroup v2") ?? false)
        XCTAssertEqual(limiter.begin(jobID: "a", limits: ResourceLimits(cpuPercent: 100)).mode, .rlimit)
        XCTAssertEqual(limiter.begin(jobID: "a", limits: ResourceLimits()).mode, .none)
        let none = ResourceLimiter(configuration: ResourceLimitConfiguration(preference: .none))
        XCTAssertEqual(none.begin(jobID: "a", limits: ResourceLimits(memoryMegabytes: 64)).mode, .none)
    }

    func testACgroupWithoutTheMemoryControllerIsNotUsed() {
        let root = cgroupRoot(controllers: "cpuset cpu io pids\n")
        let limiter = ResourceLimiter(configuration: configuration(root), files: FakeControlGroupFiles())
        XCTAssertEqual(limiter.controlGroupUnavailability?.contains("lacks the memory controller"), true)
    }

    func testAJobCgroupGetsItsLimitsTheChildAndIsReadAndRemovedAtTheEnd() throws {
        let root = cgroupRoot()
        let limiter = ResourceLimiter(configuration: configuration(root), files: FakeControlGroupFiles())
        XCTAssertNil(limiter.controlGroupUnavailability)
        XCTAssertEqual(root.read("agent/cgroup.subtree_control"), "+cpu +memory", "controllers enabled for jobs")

        var session = limiter.begin(jobID: "job-1", limits: ResourceLimits(cpuPercent: 150, memoryMegabytes: 256))
        XCTAssertEqual(session.mode, .cgroup)
        XCTAssertEqual(session.controlGroup?.relativePath, "agent/ffrtmp-job-1")
        XCTAssertEqual(root.read("agent/ffrtmp-job-1/cpu.max"), "150000 100000")
        XCTAssertEqual(root.read("agent/ffrtmp-job-1/memory.max"), "268435456")
        XCTAssertEqual(root.read("agent/ffrtmp-job-1/memory.swap.max"), "0")
        XCTAssertEqual(root.read("agent/ffrtmp-job-1/memory.oom.group"), "1")

        let child = try ChildProcess(ProcessLaunch(executable: "true", arguments: []))
        session.attach(child.processID)
        XCTAssertEqual(root.read("agent/ffrtmp-job-1/cgroup.procs"), String(child.processID))
        _ = child.wait(timeoutSeconds: 10)
        let usage = session.finish()
        XCTAssertEqual(
            usage, ControlGroup.Usage(cpuSeconds: 1.234567, peakMemoryBytes: 73_400_320, outOfMemoryKills: 0))
        XCTAssertEqual(session.mode, .cgroup)
        XCTAssertNil(ScratchDirectory.list(root.path + "/agent/ffrtmp-job-1"), "the job's cgroup is gone")
        XCTAssertEqual(session.notes, [])
    }

    func testAJobWithoutLimitsStillGetsACgroupForExactCountersAndALeftoverIsReplaced() {
        let root = cgroupRoot()
        let files = FakeControlGroupFiles()
        try? files.makeDirectory(root.path + "/ffrtmp-job-2")
        let limiter = ResourceLimiter(configuration: configuration(root, parent: ""), files: files)
        var session = limiter.begin(jobID: "job-2", limits: ResourceLimits())
        XCTAssertEqual(session.mode, .cgroup)
        XCTAssertEqual(root.read("ffrtmp-job-2/cpu.max"), "max 100000")
        XCTAssertEqual(root.read("ffrtmp-job-2/memory.max"), "", "memory.max left at the kernel's max")
        _ = session.finish()
    }

    func testWhenTheJobCgroupCannotBeMadeRlimitsApplyInstead() {
        let root = cgroupRoot()
        let limiter = ResourceLimiter(configuration: configuration(root), files: FakeControlGroupFiles())
        ScratchDirectory.removeTree(root.path + "/agent")
        let session = limiter.begin(jobID: "job-3", limits: ResourceLimits(memoryMegabytes: 128))
        XCTAssertEqual(session.mode, .rlimit)
        XCTAssertTrue(session.notes.first?.contains("cgroup not made") ?? false, "\(session.notes)")
    }

    func testRlimitModeSetsNiceAndTheDataLimitOnTheRealChild() throws {
        let limiter = ResourceLimiter(configuration: ResourceLimitConfiguration(preference: .resourceLimits, cores: 2))
        var session = limiter.begin(jobID: "job-4", limits: ResourceLimits(cpuPercent: 100, memoryMegabytes: 256))
        XCTAssertEqual(session.mode, .rlimit)
        let child = try ChildProcess(ProcessLaunch(executable: "sleep", arguments: ["30"]))
        session.attach(child.processID)
        let limits = ScratchDirectory.readFile("/proc/\(child.processID)/limits") ?? ""
        let dataLine = limits.split(separator: "\n").first { $0.hasPrefix("Max data size") } ?? ""
        let expected = String((256 * 4 + 512) * 1024 * 1024)
        XCTAssertEqual(
            dataLine.split(separator: " ").filter { !$0.isEmpty }.dropFirst(3).prefix(2),
            [
                Substring(expected), Substring(expected),
            ])
        let stat = ScratchDirectory.readFile("/proc/\(child.processID)/stat") ?? ""
        let fields = stat[stat.index(after: stat.lastIndex(of: ")")!)...].split(separator: " ")
        XCTAssertEqual(fields[16], "10", "nice is field 19 of /proc/<pid>/stat")
        child.kill()
        _ = child.wait(timeoutSeconds: 10)
        XCTAssertNil(session.finish())
        XCTAssertEqual(session.mode, .rlimit)
        XCTAssertEqual(session.notes, ["nice 10", "RLIMIT_DATA \(expected)"])
    }

    func testAnEncodeOverItsDataLimitFailsInRlimitMode() throws {
        let scratch = ScratchDirectory()
        let limiter = ResourceLimiter(
            configuration: ResourceLimitConfiguration(
                preference: .resourceLimits, dataLimitFactor: 1, dataLimitHeadroomMegabytes: 0))
        var job = FFmpegFixtures.generatedJob(limits: JobLimits(memoryMegabytes: 64))
        job.resolution = Resolution(width: 1920, height: 1080)
        let run = FFmpegRun(
            spec: FFmpegFixtures.spec(job),
            configuration: FFmpegRunConfiguration(workDirectory: scratch.path, minimumFreeBytes: 0, threads: 1),
            limiter: limiter)
        let report = run.execute()
        XCTAssertEqual(report.status, .failed)
        XCTAssertEqual(report.resourceLimitsMode, .rlimit)
        XCTAssertTrue(report.error?.contains("ffmpeg exit status 1: ") ?? false, report.error ?? "")
        XCTAssertTrue(report.statistics?.logTail.contains { $0.contains("malloc") } ?? false, "\(report)")
    }

    func testNiceFollowsTheShareOfTheMachineAndThreadsFollowCPUPercent() {
        XCTAssertEqual(ProcessPriorityLimits.niceValue(cpuPercent: 200, cores: 2), 0)
        XCTAssertEqual(ProcessPriorityLimits.niceValue(cpuPercent: 100, cores: 2), 10)
        XCTAssertEqual(ProcessPriorityLimits.niceValue(cpuPercent: 1, cores: 2), 19)
        XCTAssertEqual(ProcessPriorityLimits.niceValue(cpuPercent: 400, cores: 2), 0)
        XCTAssertEqual(ResourceLimits(cpuPercent: 150).threads, 2)
        XCTAssertEqual(ResourceLimits(cpuPercent: 100).threads, 1)
        XCTAssertNil(ResourceLimits().threads)
        XCTAssertEqual(ControlGroup.field("oom_kill", in: "oom 1\noom_kill 2\n"), 2)
    }
}
