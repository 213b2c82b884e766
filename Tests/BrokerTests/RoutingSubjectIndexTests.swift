import Synchronization
import TestSupport
import XCTest
import Wire
@testable import Broker

/// The subject trie: wildcards, queue groups, removal and pruning, size.
final class RoutingSubjectIndexTests: XCTestCase {
    private typealias Shape = RoutingTestSupport.MatchShape

    func testLiteralSubscriptionMatchesOnlyItsSubject() {
        let index = SubjectIndex()
        let foo = makeSubscription("foo.bar")
        index.insert(foo)
        XCTAssertTrue(index.match("foo.bar").plain.first === foo)
        XCTAssertTrue(index.match("foo").isEmpty)
        XCTAssertTrue(index.match("foo.bar.baz").isEmpty)
        XCTAssertTrue(index.match("foo.baz").isEmpty)
    }

    func testStarMatchesExactlyOneToken() {
        let index = SubjectIndex()
        index.insert(makeSubscription("a.*.c"))
        XCTAssertEqual(index.match("a.b.c").plain.count, 1)
        XCTAssertEqual(index.match("a.xyz.c").plain.count, 1)
        XCTAssertTrue(index.match("a.c").isEmpty)
        XCTAssertTrue(index.match("a.b.b.c").isEmpty)
    }

    func testTailMatchesOneOrMoreTokens() {
        let index = SubjectIndex()
        index.insert(makeSubscription("a.>"))
        XCTAssertTrue(index.match("a").isEmpty)
        XCTAssertEqual(index.match("a.b").plain.count, 1)
        XCTAssertEqual(index.match("a.b.c.d").plain.count, 1)
    }

    func testEveryMatchingPatternContributesOnce() {
        let index = SubjectIndex()
        let patterns = ["foo.bar", "foo.*", "foo.>", ">", "*.bar", "*.*", "*.>", "foo.bar.>", "foo", "bar.*"]
        let subscriptions = patterns.map { makeSubscription($0) }
        subscriptions.forEach(index.insert)
        for subject in ["foo.bar", "foo", "foo.bar.baz", "x.bar", "bar.foo", "a.b.c.d"] {
            XCTAssertEqual(Shape(index.match(subject)), Shape(expectedFor: subject, among: subscriptions), subject)
        }
        XCTAssertEqual(index.match("foo.bar").plain.count, 7)
    }

    func testQueueGroupsAreGroupedByNameAcrossPatterns() {
        let index = SubjectIndex()
        let workersLiteral = makeSubscription("jobs.run", queue: "workers")
        let workersStar = makeSubscription("jobs.*", queue: "workers")
        let workersTail = makeSubscription("jobs.>", queue: "workers")
        let auditor = makeSubscription("jobs.>", queue: "audit")
        let plain = makeSubscription("jobs.run")
        [workersLiteral, workersStar, workersTail, auditor, plain].forEach(index.insert)

        let match = index.match("jobs.run")
        XCTAssertEqual(match.plain.count, 1)
        XCTAssertTrue(match.plain[0] === plain)
        XCTAssertEqual(match.groups.count, 2)
        let workers = match.groups.first { $0.name == "workers" }
        XCTAssertEqual(
            workers.map { Set($0.members.map(ObjectIdentifier.init)) },
            Set([workersLiteral, workersStar, workersTail].map(ObjectIdentifier.init)))
        XCTAssertEqual(match.groups.first { $0.name == "audit" }?.members.count, 1)
        XCTAssertEqual(match.deliveryCount, 3)
    }

    func testPublishedWildcardTokensAreOrdinaryTokens() {
        let index = SubjectIndex()
        let subscriptions = ["foo.*", "foo.>", "foo.bar", ">"].map { makeSubscription($0) }
        subscriptions.forEach(index.insert)
        XCTAssertEqual(Shape(index.match("foo.*")), Shape(expectedFor: "foo.*", among: subscriptions))
        XCTAssertEqual(index.match("foo.*").plain.count, 3)
        XCTAssertEqual(index.match("foo.>").plain.count, 3)
    }

    func testSubjectWithAnEmptyTokenMatchesNothing() {
        let index = SubjectIndex()
        ["foo.*.bar", ">", "*", "foo.>", "*.foo"].forEach { index.insert(makeSubscription($0)) }
        for subject in ["foo..bar", ".foo", "foo.", "", "."] {
            XCTAssertTrue(index.match(subject).isEmpty, subject)
        }
    }

    func testRemoveTakesOutOnlyThatSubscription() {
        let index = SubjectIndex()
        let first = makeSubscription("foo")
        let second = makeSubscription("foo")
        let queued = makeSubscription("foo", queue: "q")
        [first, second, queued].forEach(index.insert)
        XCTAssertTrue(index.remove(first))
        XCTAssertEqual(index.count, 2)
        let match = index.match("foo")
        XCTAssertEqual(match.plain.count, 1)
        XCTAssertTrue(match.plain[0] === second)
        XCTAssertTrue(index.remove(queued))
        XCTAssertTrue(index.match("foo").groups.isEmpty)
    }

    func testRemovingAnUnknownSubscriptionReturnsFalse() {
        let index = SubjectIndex()
        let inserted = makeSubscription("a.b", queue: "q")
        index.insert(inserted)
        XCTAssertFalse(index.remove(makeSubscription("a.b", queue: "q")))
        XCTAssertFalse(index.remove(makeSubscription("a.c")))
        XCTAssertFalse(index.remove(makeSubscription("a.*")))
        XCTAssertFalse(index.remove(makeSubscription("a.>")))
        XCTAssertTrue(index.remove(inserted))
        XCTAssertFalse(index.remove(inserted))
        XCTAssertEqual(index.count, 0)
    }

    func testRemovingEverythingPrunesEveryNode() {
        let index = SubjectIndex()
        let subjects = ["a", "a.b", "a.b.c", "a.*", "a.*.c", "a.>", "*.>", ">", "*", "x.y.z.w", "a.b.>"]
        var subscriptions = subjects.flatMap { [makeSubscription($0), makeSubscription($0, queue: "g")] }
        subscriptions.forEach(index.insert)
        XCTAssertGreaterThan(index.nodesBelowRoot, 0)
        // Remove in an order unrelated to insertion, checking partial pruning keeps the rest reachable.
        var generator = SeededGenerator(seed: 7)
        subscriptions.shuffle(using: &generator)
        while let removed = subscriptions.popLast() {
            XCTAssertTrue(index.remove(removed))
            for subject in ["a", "a.b", "a.b.c", "a.x.c", "x.y.z.w", "q"] {
                XCTAssertEqual(Shape(index.match(subject)), Shape(expectedFor: subject, among: subscriptions))
            }
        }
        XCTAssertEqual(index.count, 0)
        XCTAssertEqual(index.nodesBelowRoot, 0)
    }

    func testGenerationChangesOnEveryInsertAndRemove() {
        let index = SubjectIndex()
        let sub = makeSubscription("a")
        let start = index.generation
        index.insert(sub)
        XCTAssertEqual(index.generation, start + 1)
        _ = index.match("a")
        XCTAssertEqual(index.generation, start + 1)
        index.remove(sub)
        XCTAssertEqual(index.generation, start + 2)
    }

    func testTenThousandSubscriptions() {
        let index = SubjectIndex()
        var subscriptions: [Subscription] = []
        for number in 0..<10_000 {
            let subject: String
            switch number % 5 {
            case 0: subject = "_INBOX.\(number).reply"
            case 1: subject = "orders.\(number % 97).*"
            case 2: subject = "orders.\(number % 97).>"
            case 3: subject = "metrics.host\(number).cpu"
            default: subject = "jobs.\(number % 13).run"
            }
            subscriptions.append(makeSubscription(subject, queue: number % 3 == 0 ? "q\(number % 4)" : nil))
        }
        subscriptions.forEach(index.insert)
        XCTAssertEqual(index.count, 10_000)
        for subject in [
            "_INBOX.5.reply", "orders.12.new", "orders.12.new.eu", "metrics.host3.cpu", "jobs.4.run",
            "nothing.here", "orders.96.x",
        ] {
            XCTAssertEqual(Shape(index.match(subject)), Shape(expectedFor: subject, among: subscriptions), subject)
        }
        for removed in subscriptions { XCTAssertTrue(index.remove(removed)) }
        XCTAssertEqual(index.count, 0)
        XCTAssertEqual(index.nodesBelowRoot, 0)
    }

    func testManyLiteralChildrenSurviveGrowingAndShrinking() {
        let index = SubjectIndex()
        var subscriptions = (0..<3_000).map { makeSubscription("fan.\($0)") }
        subscriptions.forEach(index.insert)
        var generator = SeededGenerator(seed: 11)
        subscriptions.shuffle(using: &generator)
        while subscriptions.count > 10 {
            let removed = subscriptions.removeLast()
            XCTAssertTrue(index.remove(removed))
            XCTAssertTrue(index.match(removed.subject).isEmpty)
            if subscriptions.count % 97 == 0 {
                for kept in subscriptions { XCTAssertTrue(index.match(kept.subject).plain.first === kept) }
            }
        }
        for kept in subscriptions { XCTAssertTrue(index.match(kept.subject).plain.first === kept) }
    }

    func testSeveralThreadsMayInsertRemoveAndMatchAtOnce() {
        let index = SubjectIndex()
        let threads = 4
        let perThread = 2_000
        let done = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            let subscriptions = (0..<perThread).map {
                makeSubscription("t\(thread).\($0 % 50).x", queue: $0 % 2 == 0 ? "q" : nil)
            }
            for subscription in subscriptions { index.insert(subscription) }
            for number in 0..<perThread where !index.match("t\(thread).\(number % 50).x").isEmpty {
                done.add(1, ordering: .relaxed)
            }
            for subscription in subscriptions.prefix(perThread / 2) { index.remove(subscription) }
        }
        XCTAssertEqual(done.load(ordering: .relaxed), threads * perThread)
        XCTAssertEqual(index.count, threads * perThread / 2)
    }
}

// MARK: - Shared by the routing tests

/// A subscription from a detached client (no socket, never registered with a loop).
func makeSubscription(_ subject: String, queue: String? = nil) -> Subscription {
    Subscription(client: TestClients.detached(), subject: subject, queueGroup: queue, sid: Array("1".utf8))
}

/// Helpers shared by the routing tests.
enum RoutingTestSupport {
    /// A match as sets of identities, comparable regardless of order.
    struct MatchShape: Equatable, CustomStringConvertible {
        var plain: Set<ObjectIdentifier>
        var groups: [String: Set<ObjectIdentifier>]

        init(_ match: SubjectMatch) {
            plain = Set(match.plain.map(ObjectIdentifier.init))
            groups = [:]
            for group in match.groups {
                precondition(groups[group.name] == nil, "group \(group.name) appears twice in one match")
                groups[group.name] = Set(group.members.map(ObjectIdentifier.init))
            }
        }

        /// What `subject` should match among `subscriptions`, by the reference matcher.
        init(expectedFor subject: String, among subscriptions: [Subscription]) {
            plain = []
            groups = [:]
            for subscription in subscriptions where Subject.matches(pattern: subscription.subject, subject: subject) {
                if let name = subscription.queueGroup {
                    groups[name, default: []].insert(ObjectIdentifier(subscription))
                } else {
                    plain.insert(ObjectIdentifier(subscription))
                }
            }
        }

        var description: String { "plain: \(plain.count), groups: \(groups.mapValues(\.count))" }
    }
}
