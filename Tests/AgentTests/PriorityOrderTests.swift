@testable import Agent
import Model
import XCTest

/// The order a pull thread asks the priority queues in, and its starvation guard.
final class PriorityOrderTests: XCTestCase {
    func testHighIsAskedFirstAndBatchLast() {
        XCTAssertEqual(PriorityOrder().classes, [.high, .normal, .batch])
    }

    func testAfterPatienceHighJobsInARowNormalIsAskedFirstOnce() {
        var order = PriorityOrder()
        for _ in 0..<PriorityOrder.patience { order.took(.high) }
        XCTAssertEqual(order.classes.prefix(2), [.batch, .normal], "batch also waited patience jobs")
        order.took(.batch)
        XCTAssertEqual(order.classes, [.high, .normal, .batch], "a batch job ends the high streak too")
        for _ in 0..<PriorityOrder.patience { order.took(.high) }
        order.took(.normal)
        XCTAssertEqual(order.classes.first, .batch)
    }

    func testAfterPatienceJobsWithoutBatchWorkBatchIsAskedFirstUntilItGivesOne() {
        var order = PriorityOrder()
        for step in 0..<PriorityOrder.patience {
            XCTAssertEqual(order.classes.last, .batch, "step \(step)")
            order.took(step.isMultiple(of: 2) ? .high : .normal)
        }
        XCTAssertEqual(order.classes, [.batch, .high, .normal])
        order.took(.batch)
        XCTAssertEqual(order.classes, [.high, .normal, .batch])
    }

    func testPrioritiesFallInTheirClasses() {
        XCTAssertEqual(
            (0...9).map { PriorityClass(priority: $0) },
            [
                .batch, .batch, .batch, .normal, .normal, .normal, .normal, .high, .high, .high,
            ])
        XCTAssertEqual(PriorityClass(priority: nil), .normal)
        XCTAssertEqual(Job(id: "u", scenario: "720p30-h264", priority: 9).subject, "job.cpu.high")
        XCTAssertEqual(Job(id: "b", scenario: "720p30-h264", priority: 0).subject, "job.cpu.batch")
        XCTAssertEqual(Job(id: "n", scenario: "720p30-h264").subject, "job.cpu")
        XCTAssertEqual(Job(id: "p", scenario: "720p30-h264", priority: 9, node: "n1").subject, "job.node.n1.cpu")
    }
}
