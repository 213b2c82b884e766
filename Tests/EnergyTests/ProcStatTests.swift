import Energy
import XCTest

/// /proc/stat, /proc/<pid>/stat and cgroup cpu.stat, from a fake procfs.
final class ProcStatTests: XCTestCase {
    func testHostUtilisationLeavesOutIdleAndIowait() throws {
        let before = try XCTUnwrap(HostCPUTimes.parse("cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 1 2 3 4 5\n"))
        let after = try XCTUnwrap(HostCPUTimes.parse("cpu  160 0 70 900 70 0 0 0 5 0\n"))
        XCTAssertEqual(before.total, 1000)
        XCTAssertEqual(before.busy, 150)
        // Δtotal = 200, Δbusy = 80 (user 60 + system 20); guest (5) is inside user already.
        XCTAssertEqual(try XCTUnwrap(after.utilization(since: before)), 0.4, accuracy: 1e-12)
    }

    func testAProcessLineParsesPastACommandNameWithSpacesAndParentheses() throws {
        let proc = FakeProc()
        proc.setProcess(4242, parent: 17, user: 123, system: 45, childrenUser: 6, start: 98_765)
        let line = try XCTUnwrap(ProcessCPUReader(procRoot: proc.root).process(4242))
        XCTAssertEqual(line.processID, 4242)
        XCTAssertEqual(line.parentID, 17)
        XCTAssertEqual(line.userTicks, 123)
        XCTAssertEqual(line.systemTicks, 45)
        XCTAssertEqual(line.childrenUserTicks, 6)
        XCTAssertEqual(line.startTicks, 98_765)
        XCTAssertEqual(line.cpuTicks, 174)
    }

    func testAJobsTreeAddsItsDescendantsAndNothingElse() {
        let proc = FakeProc()
        proc.setProcess(100, parent: 1, user: 10)
        proc.setProcess(101, parent: 100, user: 20)
        proc.setProcess(102, parent: 101, user: 30, system: 5)
        proc.setProcess(200, parent: 1, user: 1000)
        let table = ProcessCPUReader(procRoot: proc.root).table()
        XCTAssertEqual(Set(table.tree(root: 100, startTicks: nil)), [100, 101, 102])
        XCTAssertEqual(table.treeCPUTicks(root: 100, startTicks: 5000), 65)
    }

    func testAReusedProcessIDIsNotTheJob() {
        let proc = FakeProc()
        proc.setProcess(100, parent: 1, user: 10, start: 7777)
        let table = ProcessCPUReader(procRoot: proc.root).table()
        XCTAssertNil(table.treeCPUTicks(root: 100, startTicks: 5000))
        XCTAssertNil(table.treeCPUTicks(root: 555, startTicks: nil))
    }

    func testACgroupsUsageIsReadInSeconds() {
        let proc = FakeProc()
        proc.directory.write("cgroup/ffrtmp/job-1/cpu.stat", "usage_usec 2500000\nuser_usec 2000000\n")
        let reader = ProcessCPUReader(procRoot: proc.root, cgroupRoot: proc.root + "/cgroup")
        XCTAssertEqual(reader.cgroupUsageSeconds("/ffrtmp/job-1"), 2.5)
        XCTAssertNil(reader.cgroupUsageSeconds("ffrtmp/none"))
    }

    func testTheRealProcIsReadable() throws {
        let reader = ProcessCPUReader()
        XCTAssertNotNil(reader.hostTimes())
        let me = try XCTUnwrap(reader.process(getpid()))
        XCTAssertEqual(me.processID, getpid())
        XCTAssertEqual(me.parentID, getppid())
        XCTAssertTrue(reader.table().tree(root: getpid(), startTicks: me.startTicks).contains(getpid()))
    }
}
