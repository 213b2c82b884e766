@testable import Agent
import Model
import Support
import Synchronization
import XCTest

/// Runs like `ScriptedExecutor`, noting the order jobs start in.
final class StartOrderExecutor: JobExecutor {
    let scripted = ScriptedExecutor()
    let started = Collected<String>()

    func execute(_ spec: JobSpec, control: ExecutionControl) -> ExecutionOutcome {
        started.append(spec.id)
        return scripted.execute(spec, control: control)
    }
}

/// Priority classes: each has its own queue, asked highest first.
extension AgentOrchestrationTests {
    func testAnUrgentJobSubmittedBehindTwentyBatchJobsStartsNext() throws {
        let executor = StartOrderExecutor()
        try startAgent(slots: 1, executor: executor)
        for number in 1...20 {
            let job = Job(id: "batch-\(number)", scenario: "720p30-h264", durationSeconds: 2, priority: 0)
            try submit(job, on: job.subject)
        }
        let deadline = Clock.monotonicNanoseconds() + 10_000_000_000
        while executor.started.items.isEmpty && Clock.monotonicNanoseconds() < deadline { usleep(10_000) }
        let before = executor.started.items.count
        let urgent = Job(id: "urgent", scenario: "720p30-h264", durationSeconds: 2, priority: 9)
        XCTAssertEqual(urgent.subject, "job.cpu.high")
        try submit(urgent, on: urgent.subject)
        while !executor.started.items.contains("urgent") && Clock.monotonicNanoseconds() < deadline {
            usleep(10_000)
        }
        let order = executor.started.items
        let position = try XCTUnwrap(order.firstIndex(of: "urgent"), "\(order)")
        XCTAssertLessThanOrEqual(position, before + 1, "at most the batch job already pulled goes first: \(order)")
    }
}
