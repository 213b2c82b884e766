import XCTest

@testable import TLS

/// The keys sealing session tickets: rotation, and how long an old key still opens tickets.
final class TicketKeyRingTests: XCTestCase {
    func testTheSameKeySealsUntilTheRotationIntervalHasPassed() throws {
        let ring = try TicketKeyRing(rotationInterval: 60, now: 1000)
        let first = try XCTUnwrap(ring.keyForSealing(now: 1000))
        XCTAssertEqual(ring.keyForSealing(now: 1059)?.name, first.name)
        let second = try XCTUnwrap(ring.keyForSealing(now: 1060))
        XCTAssertNotEqual(second.name, first.name)
        XCTAssertNotEqual(second.cipherKey, first.cipherKey)
        XCTAssertNotEqual(second.macKey, first.macKey)
    }

    func testAKeyOpensTicketsForOneMoreIntervalAfterItWasReplacedAndThenIsForgotten() throws {
        let ring = try TicketKeyRing(rotationInterval: 60, now: 1000)
        let first = try XCTUnwrap(ring.keyForSealing(now: 1000))
        XCTAssertNotNil(find(first, in: ring, now: 1030))
        XCTAssertEqual(find(first, in: ring, now: 1070)?.cipherKey, first.cipherKey, "replaced, still kept")
        XCTAssertNil(find(first, in: ring, now: 1130), "two rotations later it is gone")
    }

    func testAnUnknownKeyNameFindsNothing() throws {
        let ring = try TicketKeyRing(rotationInterval: 60, now: 1000)
        let unknown = TicketKeyRing.Key(
            name: [UInt8](repeating: 7, count: TicketKeyRing.nameLength), cipherKey: [], macKey: [], createdAt: 1000)
        XCTAssertNil(find(unknown, in: ring, now: 1000))
    }

    func testKeysAreRandomAndOfTheSizesOpenSSLExpects() throws {
        let one = try XCTUnwrap(TicketKeyRing.Key.generate(at: 0))
        let other = try XCTUnwrap(TicketKeyRing.Key.generate(at: 0))
        XCTAssertEqual([one.name.count, one.cipherKey.count, one.macKey.count], [16, 32, 32])
        XCTAssertNotEqual(one.name, other.name)
        XCTAssertNotEqual(one.cipherKey, other.cipherKey)
    }

    private func find(_ key: TicketKeyRing.Key, in ring: TicketKeyRing, now: Int) -> TicketKeyRing.Key? {
        key.name.withUnsafeBufferPointer { ring.key(named: $0, now: now) }
    }
}
