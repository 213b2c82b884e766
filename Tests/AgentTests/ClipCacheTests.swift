@testable import Agent
import Client
import Support
import TestSupport
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// The agent's clip cache: a clip is fetched once, kept under its digest and reused; the folder stays
/// under its bound by dropping the least recently used clips; a clip over the bound is refused.
/// Each clip is put once, which ffrtmp's broker already stores as the object store lays it out.
final class ClipCacheTests: XCTestCase {
    var broker: TestBroker!
    var connection: NATSConnection!
    var store: ObjectStore!
    var folder: TemporaryDirectory!

    override func setUpWithError() throws {
        broker = try TestBroker()
        connection = try NATSConnection.connect(url: broker.url)
        store = try ObjectStore.create(context: JetStreamContext(connection: connection), bucket: "clips")
        folder = try TemporaryDirectory()
    }

    override func tearDown() {
        connection?.close()
        broker?.shutdown()
    }

    func bytes(_ count: Int, _ value: UInt8) -> [UInt8] { [UInt8](repeating: value, count: count) }

    func cachedFiles() -> [String] { WorkDirectoryClaim.entries(of: folder.path + "/.clips").sorted() }

    func testAClipIsFetchedOnceVerifiedAndThenReused() throws {
        let content = bytes(200_000, 7)
        try store.put("talk.mp4", bytes: content)
        let cache = ClipCache(directory: folder.path + "/.clips", maximumBytes: 1 << 20)
        let first = try cache.clip(named: "talk.mp4", from: store)
        XCTAssertTrue(first.fetched)
        XCTAssertEqual(first.digest, ObjectDigest.text(of: content))
        XCTAssertEqual(try FileContents.read(first.path, limit: 1 << 20), content)
        let second = try cache.clip(named: "talk.mp4", from: store)
        XCTAssertFalse(second.fetched)
        XCTAssertEqual(second.path, first.path)
        XCTAssertEqual(cachedFiles().count, 1)
    }

    func testAFetchSaysItIsAliveAfterEachChunkAndAReuseFetchesNothing() throws {
        try store.put("long.mp4", bytes: bytes(300_000, 5))
        let cache = ClipCache(directory: folder.path + "/.clips", maximumBytes: 1 << 20)
        var signals = 0
        _ = try cache.clip(named: "long.mp4", from: store) { signals += 1 }
        XCTAssertEqual(signals, 3, "one per 128 KiB chunk")
        _ = try cache.clip(named: "long.mp4", from: store) { signals += 1 }
        XCTAssertEqual(signals, 3)
    }

    func testTheLeastRecentlyUsedClipsGoWhenANewOneWouldNotFit() throws {
        for (name, value) in [("a", UInt8(1)), ("b", 2), ("c", 3)] { try store.put(name, bytes: bytes(400, value)) }
        let cache = ClipCache(directory: folder.path + "/.clips", maximumBytes: 1000)
        let a = try cache.clip(named: "a", from: store)
        let b = try cache.clip(named: "b", from: store)
        // Make a older than b by a clear margin (mtimes have one-second steps here).
        var times = [timeval(tv_sec: 1000, tv_usec: 0), timeval(tv_sec: 1000, tv_usec: 0)]
        utimes(a.path, &times)
        _ = try cache.clip(named: "c", from: store)
        XCTAssertNotEqual(access(a.path, F_OK), 0, "a was the least recently used")
        XCTAssertEqual(access(b.path, F_OK), 0)
        XCTAssertEqual(cachedFiles().count, 2)
    }

    func testAClipLargerThanTheCacheIsRefusedWithoutFetching() throws {
        try store.put("huge", bytes: bytes(3000, 9))
        let cache = ClipCache(directory: folder.path + "/.clips", maximumBytes: 2999)
        XCTAssertThrowsError(try cache.clip(named: "huge", from: store)) { error in
            XCTAssertEqual(error as? ObjectStoreError, .tooLarge(name: "huge", size: 3000, limit: 2999))
        }
        XCTAssertEqual(cachedFiles(), [])
    }

    func testAMissingClipIsNamed() throws {
        let cache = ClipCache(directory: folder.path + "/.clips", maximumBytes: 1000)
        XCTAssertThrowsError(try cache.clip(named: "none", from: store)) { error in
            XCTAssertEqual(error as? ObjectStoreError, .objectNotFound(bucket: "clips", name: "none"))
        }
    }
}
