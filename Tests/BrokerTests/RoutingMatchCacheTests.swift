import TestSupport
import XCTest
import Wire
@testable import Broker

/// The per-loop match cache: same answers as the index under churn, bounded size, queue spread.
final class RoutingMatchCacheTests: XCTestCase {
    private typealias Shape = RoutingTestSupport.MatchShape

    func testCachedResultsFollowTheIndexUnderChurn() {
        var generator = SeededGenerator(seed: 2024)
        let index = SubjectIndex()
        let cache = MatchCache(index: index, capacity: 64)
        var live: [Subscription] = []

        func randomPattern() -> String {
            let length = Int.random(in: 1...3, using: &generator)
            var tokens = (0..<length).map { _ in ["a", "b", "c", "*"].randomElement(using: &generator)! }
            if Int.random(in: 0..<3, using: &generator) == 0 { tokens[length - 1] = ">" }
            return tokens.joined(separator: ".")
        }
        func randomSubject() -> String {
            // Mostly literal tokens; sometimes a published `*` or `>`, which is routed as a literal.
            let length = Int.random(in: 1...4, using: &generator)
            let choices = ["a", "b", "c", "a", "b", "c", "*", ">"]
            return (0..<length).map { _ in choices.randomElement(using: &generator)! }.joined(separator: ".")
        }

        for step in 0..<20_000 {
            switch Int.random(in: 0..<20, using: &generator) {
            case 0:
                let queue = [nil, nil, "q1", "q2"].randomElement(using: &generator)!
                let subscription = makeSubscription(randomPattern(), queue: queue)
                index.insert(subscription)
                live.append(subscription)
            case 1 where !live.isEmpty:
                let removed = live.remove(at: Int.random(in: 0..<live.count, using: &generator))
                XCTAssertTrue(index.remove(removed))
            default:
                let subject = randomSubject()
                let cached = Shape(cache.match(subject))
                let expected = Shape(expectedFor: subject, among: live)
                if cached != expected {
                    XCTFail("step \(step): \(subject) cached \(cached) expected \(expected)")
                    return
                }
            }
        }
        XCTAssertGreaterThan(cache.hits, 1_000, "the test should exercise hits, not only misses")
        XCTAssertGreaterThan(cache.misses, 1_000)
    }

    func testHitReturnsTheSameMatchObject() {
        let index = SubjectIndex()
        index.insert(makeSubscription("orders.*"))
        let cache = MatchCache(index: index)
        let first = cache.match("orders.new")
        XCTAssertTrue(cache.match("orders.new") === first)
        XCTAssertEqual(cache.hits, 1)
        XCTAssertEqual(cache.misses, 1)
    }

    func testAnyIndexChangeEmptiesTheCache() {
        let index = SubjectIndex()
        let cache = MatchCache(index: index)
        XCTAssertTrue(cache.match("a.b").isEmpty)
        let late = makeSubscription("a.>")
        index.insert(late)
        XCTAssertTrue(cache.match("a.b").plain.first === late)
        index.insert(makeSubscription("unrelated"))
        _ = cache.match("a.b")
        XCTAssertEqual(cache.count, 1)
        XCTAssertEqual(cache.misses, 3)
    }

    func testUniqueSubjectsNeverGrowTheCachePastItsCapacity() {
        let index = SubjectIndex()
        let inbox = makeSubscription("_INBOX.client7.*")
        index.insert(inbox)
        let cache = MatchCache(index: index, capacity: 128)
        for number in 0..<20_000 {
            let match = cache.match("_INBOX.client7.\(number)")
            XCTAssertTrue(match.plain.first === inbox)
            XCTAssertLessThanOrEqual(cache.count, 128)
        }
        XCTAssertEqual(cache.misses, 20_000)
    }

    func testLongSubjectsAreBoundedByKeyBytes() {
        let index = SubjectIndex()
        index.insert(makeSubscription(">"))
        let cache = MatchCache(index: index, capacity: 8)  // 512 bytes of keys
        let long = String(repeating: "x", count: 200)
        for number in 0..<100 {
            XCTAssertEqual(cache.match("\(long).\(number)").plain.count, 1)
            XCTAssertLessThanOrEqual(cache.count, 2, "only two 200-byte keys fit in 512 bytes")
        }
        let tooLong = String(repeating: "y", count: 1_000)
        XCTAssertEqual(cache.match(tooLong).plain.count, 1)
        XCTAssertEqual(cache.match(tooLong).plain.count, 1)
        XCTAssertEqual(cache.hits, 0, "a subject longer than all key storage is never cached")
    }

    func testQueueGroupPicksAreSpreadEvenly() {
        let index = SubjectIndex()
        let members = (0..<4).map { _ in makeSubscription("work.*", queue: "workers") }
        members.forEach(index.insert)
        let cache = MatchCache(index: index)
        var picks: [ObjectIdentifier: Int] = [:]
        for _ in 0..<40_000 {
            let match = cache.match("work.item")
            XCTAssertEqual(match.groups.count, 1)
            picks[ObjectIdentifier(match.groups[0].pick()), default: 0] += 1
        }
        XCTAssertEqual(picks.count, 4)
        for member in members { XCTAssertEqual(picks[ObjectIdentifier(member)], 10_000) }
    }

    func testFreshMatchesStartTheirRoundRobinAtSpreadOffsets() {
        let index = SubjectIndex()
        let members = (0..<4).map { _ in makeSubscription("work.*", queue: "workers") }
        members.forEach(index.insert)
        var picks: [ObjectIdentifier: Int] = [:]
        for _ in 0..<40_000 {
            picks[ObjectIdentifier(index.match("work.item").groups[0].pick()), default: 0] += 1
        }
        // One pick per fresh match: each share is random, so allow 5 % (about 6 standard deviations).
        for member in members { XCTAssertEqual(Double(picks[ObjectIdentifier(member)] ?? 0), 10_000, accuracy: 500) }
    }

    /// On a realistic index the cache answers what the index answers; prints match rates on the way
    /// (run in release for real numbers).
    func testCachedMatchesEqualIndexMatchesAndPrintsRates() {
        let index = SubjectIndex()
        for number in 0..<1_000 {
            switch number % 4 {
            case 0: index.insert(makeSubscription("orders.region\(number % 20).customer\(number).created"))
            case 1: index.insert(makeSubscription("orders.region\(number % 20).*.updated"))
            case 2: index.insert(makeSubscription("metrics.host\(number).>", queue: "collectors"))
            default: index.insert(makeSubscription("_INBOX.client\(number).*"))
            }
        }
        let subjects = (0..<256).map { number -> [UInt8] in
            switch number % 4 {
            case 0: Array("orders.region\(number % 20).customer\(number).created".utf8)
            case 1: Array("orders.region\(number % 20).customer\(number).updated".utf8)
            case 2: Array("metrics.host\(number + 2).cpu.user".utf8)
            default: Array("_INBOX.client\(number + 3).\(number)".utf8)
            }
        }
        let cache = MatchCache(index: index)
        for subject in subjects {
            let cached = subject.withUnsafeBytes { Shape(cache.match($0)) }
            let direct = subject.withUnsafeBytes { Shape(index.match($0)) }
            XCTAssertEqual(cached, direct, String(decoding: subject, as: UTF8.self))
        }
        let deliveries = subjects.map { subject in subject.withUnsafeBytes { index.match($0).deliveryCount } }
        XCTAssertGreaterThan(deliveries.reduce(0, +), 0)
        let cachedRate = Self.rate(subjects) { cache.match($0) }
        let uncachedRate = Self.rate(subjects) { index.match($0) }
        let uniqueRate = Self.uniqueInboxRate(cache)
        print(
            "match rates, 1000 subscriptions: cached \(cachedRate) /s, uncached \(uncachedRate) /s, "
                + "cache misses on unique inbox subjects \(uniqueRate) /s")
    }

    /// Matches per second over about 0.3 s, cycling through `subjects`.
    private static func rate(_ subjects: [[UInt8]], _ body: (UnsafeRawBufferPointer) -> SubjectMatch) -> Int {
        var matches = 0
        var deliveries = 0
        let clock = ContinuousClock()
        let start = clock.now
        while clock.now - start < .milliseconds(300) {
            for subject in subjects {
                deliveries &+= subject.withUnsafeBytes { body($0).deliveryCount }
            }
            matches += subjects.count
        }
        XCTAssertGreaterThan(deliveries, 0)
        return Int(Double(matches) / (clock.now - start).seconds)
    }

    /// Misses per second when every subject is new (replies to unique inboxes).
    private static func uniqueInboxRate(_ cache: MatchCache) -> Int {
        var subject = Array("_INBOX.client3.000000000".utf8)
        var matches = 0
        let clock = ContinuousClock()
        let start = clock.now
        while clock.now - start < .milliseconds(300) {
            for _ in 0..<1_000 {
                Self.increment(&subject)
                _ = subject.withUnsafeBytes { cache.match($0) }
            }
            matches += 1_000
        }
        return Int(Double(matches) / (clock.now - start).seconds)
    }

    /// Counts up the trailing decimal digits of `subject`.
    private static func increment(_ subject: inout [UInt8]) {
        var position = subject.count - 1
        while subject[position] == UInt8(ascii: "9") {
            subject[position] = UInt8(ascii: "0")
            position -= 1
        }
        subject[position] += 1
    }
}

private extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
