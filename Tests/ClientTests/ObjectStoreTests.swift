@testable import Client
import Support
import TestSupport
import Wire
import XCTest

/// The object store against a real nats-server with JetStream, then against ffrtmp's broker: the
/// layout nats.go and nats-py read, replacement and removal, and meta from the network that lies
/// (wrong digest, sizes, subjects).
final class ObjectStoreTests: XCTestCase {
    var connection: NATSConnection!
    var context: JetStreamContext!

    override func tearDown() {
        connection?.close()
        connection = nil
    }

    /// Runs `body` connected to a fresh nats-server, then to a fresh ffrtmp broker.
    func onEachServer(_ body: () throws -> Void) throws {
        let directory = try TemporaryDirectory(prefix: "ffrtmp-objects")
        let server = try NATSServerProcess(arguments: ["-js", "-sd", directory.path])
        defer { server.stop() }
        try connect(server.url)
        try body()
        let broker = try TestBroker()
        defer { broker.shutdown() }
        try connect(broker.url)
        try body()
    }

    private func connect(_ url: String) throws {
        connection?.close()
        connection = try NATSConnection.connect(url: url, options: testOptions())
        context = JetStreamContext(connection: connection)
    }

    func bucket(_ name: String = "clips") throws -> ObjectStore {
        try ObjectStore.create(context: context, bucket: name)
    }

    /// Bytes that differ from one chunk to the next.
    func pattern(_ count: Int, seed: UInt64 = 1) -> [UInt8] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    func storedMessages(_ store: ObjectStore) throws -> UInt64 {
        try context.streamInfo(store.stream).state.messages
    }

    /// Publishes `info` as `name`'s meta, as a hostile or broken writer could.
    func forge(_ info: ObjectInfo, in store: ObjectStore) throws {
        try store.publishMeta(info)
    }

    func testAnObjectOfSeveralChunksComesBackWholeWithItsDigest() throws {
        try onEachServer {
            let store = try bucket()
            let bytes = pattern(300_001)
            let info = try store.put("talk.mp4", bytes: bytes, chunkSize: 65536)
            XCTAssertEqual(info.chunks, 5)
            XCTAssertEqual(info.size, 300_001)
            XCTAssertEqual(info.digest, ObjectDigest.text(of: bytes))
            XCTAssertEqual(try storedMessages(store), 6, "five chunks and one meta")
            let meta = try XCTUnwrap(try context.lastMessage(stream: "OBJ_clips", subject: "$O.clips.M.dGFsay5tcDQ="))
            XCTAssertEqual(try ObjectStore.decodeMeta(meta.payload), info)
            let (read, got) = try store.get("talk.mp4", maxSize: 1 << 20)
            XCTAssertEqual(got, bytes)
            XCTAssertEqual(read, info)
        }
    }

    func testAnEmptyObjectIsStoredAsAMetaWithoutChunks() throws {
        try onEachServer {
            let store = try bucket()
            let info = try store.put("empty", bytes: [])
            XCTAssertEqual(info.chunks, 0)
            XCTAssertEqual(info.digest, "SHA-256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU=")
            XCTAssertEqual(try store.get("empty", maxSize: 0).bytes, [])
        }
    }

    func testPuttingANameAgainReplacesItAndPurgesTheOldChunks() throws {
        try onEachServer {
            let store = try bucket()
            try store.put("clip", bytes: pattern(200_000), chunkSize: 65536)
            let second = pattern(1000, seed: 2)
            try store.put("clip", bytes: second)
            XCTAssertEqual(try store.get("clip", maxSize: 1 << 20).bytes, second)
            XCTAssertEqual(try storedMessages(store), 2, "one chunk and one meta left")
        }
    }

    func testARemovedObjectIsNotFoundAndItsChunksAreGone() throws {
        try onEachServer {
            let store = try bucket()
            try store.put("gone", bytes: pattern(10))
            try store.put("kept", bytes: pattern(10))
            try store.delete("gone")
            XCTAssertThrowsError(try store.get("gone", maxSize: 100)) { error in
                XCTAssertEqual(error as? ObjectStoreError, .objectNotFound(bucket: "clips", name: "gone"))
            }
            XCTAssertEqual(try store.list().map(\.name), ["kept"])
            XCTAssertEqual(try store.list(includeDeleted: true).map(\.name), ["gone", "kept"])
            XCTAssertEqual(try storedMessages(store), 3, "the deletion's meta, and the kept object's chunk and meta")
        }
    }

    func testListingGivesEachNameOnceSorted() throws {
        try onEachServer {
            let store = try bucket()
            XCTAssertEqual(try store.list(), [])
            for name in ["b", "a/x", "c", "b"] { try store.put(name, bytes: pattern(5)) }
            XCTAssertEqual(try store.list().map(\.name), ["a/x", "b", "c"])
        }
    }

    func testABucketHoldingChunksButNoMetaListsNothingAtOnce() throws {
        try onEachServer {
            let store = try bucket()
            try context.publish("$O.clips.C.orphan", payload: [1, 2, 3])
            let started = ContinuousClock.now
            XCTAssertEqual(try store.list(timeout: .seconds(30)), [])
            XCTAssertLessThan(ContinuousClock.now - started, .seconds(10))
        }
    }

    func testBytesThatDoNotMatchTheDigestAreRefusedAndNoFileIsLeft() throws {
        try onEachServer {
            let store = try bucket()
            var info = try store.put("clip", bytes: pattern(100_000), chunkSize: 65536)
            info.digest = ObjectDigest.text(of: [1, 2, 3])
            try forge(info, in: store)
            XCTAssertThrowsError(try store.get("clip", maxSize: 1 << 20)) { error in
                guard case .digestMismatch = error as? ObjectStoreError else { return XCTFail("\(error)") }
            }
            let directory = try TemporaryDirectory()
            let path = directory.path + "/clip"
            XCTAssertThrowsError(try store.get("clip", toFile: path, maxSize: 1 << 20))
            XCTAssertNotEqual(access(path, F_OK), 0)
            XCTAssertNotEqual(access(path + ".partial", F_OK), 0)
        }
    }

    func testAnObjectOverTheLimitIsRefusedBeforeAnyChunkIsRead() throws {
        try onEachServer {
            let store = try bucket()
            try store.put("big", bytes: pattern(2000))
            var written = 0
            XCTAssertThrowsError(
                try store.get("big", maxSize: 1999) { (chunk: [UInt8]) throws(ObjectStoreError) in
                    written += chunk.count
                }
            ) { error in
                XCTAssertEqual(error as? ObjectStoreError, .tooLarge(name: "big", size: 2000, limit: 1999))
            }
            XCTAssertEqual(written, 0)
        }
    }

    func testMetaThatUnderstatesTheDataIsRefused() throws {
        try onEachServer {
            let store = try bucket()
            var info = try store.put("clip", bytes: pattern(100_000), chunkSize: 65536)
            info.size = 10
            info.chunks = 1
            try forge(info, in: store)
            XCTAssertThrowsError(try store.get("clip", maxSize: 1 << 20)) { error in
                guard case .incomplete = error as? ObjectStoreError else { return XCTFail("\(error)") }
            }
        }
    }

    func testMetaWithAHostileChunkSubjectOrALinkIsRefused() throws {
        try onEachServer {
            let store = try bucket()
            var info = try store.put("clip", bytes: pattern(10))
            for nuid in ["a.>", "*", "", "a b"] {
                info.nuid = nuid
                try forge(info, in: store)
                XCTAssertThrowsError(try store.get("clip", maxSize: 100), nuid) { error in
                    guard case .badMeta = error as? ObjectStoreError else { return XCTFail("\(nuid): \(error)") }
                }
            }
            info.nuid = "abc"
            info.options = ObjectInfo.Options(link: ObjectInfo.Options.Link(bucket: "other", name: "x"))
            try forge(info, in: store)
            XCTAssertThrowsError(try store.get("clip", maxSize: 100)) { error in
                guard case .badMeta = error as? ObjectStoreError else { return XCTFail("\(error)") }
            }
        }
    }

    func testAMissingBucketOrObjectIsNamed() throws {
        try onEachServer {
            XCTAssertThrowsError(try ObjectStore.open(context: context, bucket: "nope")) { error in
                XCTAssertEqual(error as? ObjectStoreError, .bucketNotFound("nope"))
            }
            let store = try bucket()
            XCTAssertThrowsError(try store.info("none")) { error in
                XCTAssertEqual(error as? ObjectStoreError, .objectNotFound(bucket: "clips", name: "none"))
            }
        }
    }

    func testAFileIsStoredAndFetchedThroughFiles() throws {
        try onEachServer {
            let store = try bucket()
            let directory = try TemporaryDirectory()
            let bytes = pattern(140_000, seed: 3)
            try directory.write("in.bin", bytes)
            let info = try store.put("in.bin", filePath: directory.path + "/in.bin")
            XCTAssertEqual(info.chunks, 2)
            try store.get("in.bin", toFile: directory.path + "/out.bin", maxSize: 1 << 20)
            XCTAssertEqual(try FileContents.read(directory.path + "/out.bin", limit: 1 << 20), bytes)
        }
    }
}

/// SHA-256 as the object store's meta writes it, and its base64url.
final class ObjectDigestTests: XCTestCase {
    func testTheDigestIsSHA256InPaddedBase64URL() {
        XCTAssertEqual(ObjectDigest.text(of: Array("abc".utf8)), "SHA-256=ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0=")
        let digest = ObjectDigest()
        digest.update(Array("a".utf8))
        digest.update(Array("bc".utf8))
        XCTAssertEqual(digest.finishText(), ObjectDigest.text(of: Array("abc".utf8)))
    }

    func testADigestTextIsReadInEitherCaseAndGarbageIsNot() {
        let text = "SHA-256=ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0="
        XCTAssertEqual(ObjectDigest.hash(of: text)?.count, 32)
        XCTAssertTrue(ObjectDigest.same(text, "sha-256=ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0"))
        for garbage in [
            "", "SHA-256=", "MD5=ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0=", "SHA-256=abc", "SHA-256=+/+/",
        ] {
            XCTAssertNil(ObjectDigest.hash(of: garbage), garbage)
        }
    }

    func testObjectNamesBecomeBase64URLSubjectTokens() throws {
        XCTAssertEqual(Base64URL.encode("a/b?.mp4"), "YS9iPy5tcDQ=")
        XCTAssertEqual(Base64URL.encode([0xFB, 0xFF]), "-_8=")
        XCTAssertEqual(Base64URL.decode("-_8"), [0xFB, 0xFF])
        XCTAssertFalse(ObjectStore.isValidBucket("a.b"))
        XCTAssertFalse(ObjectStore.isValidName(""))
        XCTAssertFalse(ObjectStore.isValidName("a\nb"))
    }
}
