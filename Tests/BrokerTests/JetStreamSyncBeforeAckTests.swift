@testable import Broker
import Store
import TestSupport
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// A publish ack leaves only after the store's sync returned (the message is on disk), at most one
/// sync per ack, and a failed sync turns the acks that waited for it into errors.
final class JetStreamSyncBeforeAckTests: JetStreamBrokerTestCase {
    /// Memory storage whose sync can be held and made to fail, counting syncs; a failed sync drops
    /// what was appended since the last one, as the file store does.
    final class GatedStorage: ForwardingStreamStorage, @unchecked Sendable {
        let syncs = LockedBox(0)
        let failNextSync = LockedBox(false)
        /// When set, `sync` signals `entered` and waits for `release`.
        let hold = LockedBox<(entered: DispatchSemaphore, release: DispatchSemaphore)?>(nil)
        private var unsynced: [UInt64] = []

        struct InjectedFailure: Error {}

        override func append(
            subject: String, headers: [UInt8], payload: [UInt8], timestamp: Int64?
        ) throws -> UInt64 {
            let sequence = try super.append(subject: subject, headers: headers, payload: payload, timestamp: timestamp)
            unsynced.append(sequence)
            return sequence
        }

        override func sync() throws {
            if let hold = hold.get() {
                hold.entered.signal()
                hold.release.wait()
            }
            syncs.set(syncs.get() + 1)
            defer { unsynced.removeAll() }
            guard failNextSync.get() else { return }
            failNextSync.set(false)
            for sequence in unsynced { try super.remove(sequence) }
            throw InjectedFailure()
        }
    }

    /// Makes stream JOBS on `job.>` and puts `GatedStorage` under it.
    func makeGatedStream(_ client: RawClient) -> GatedStorage {
        makeStream(client, inbox: "_INBOX.gate.api", retention: "limits", consumer: nil)
        let storage = GatedStorage()
        onEngine { engine in
            let old = engine.streams["JOBS"]!
            let stream = MessageStream(config: old.config, created: old.created, storage: storage)
            stream.captureSubscriptions = old.captureSubscriptions
            engine.streams["JOBS"] = stream
            engine.captureSubjects(of: stream)
        }
        return storage
    }

    /// Whether anything arrives on `client` within `milliseconds`.
    func somethingArrives(on client: RawClient, within milliseconds: Int32) -> Bool {
        var descriptor = pollfd(fd: client.fd, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, milliseconds) > 0
    }

    func testThePublishAckWaitsUntilTheSyncHasReturned() throws {
        let client = try inboxClient("gate")
        let storage = makeGatedStream(client)
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        storage.hold.set((entered, release))
        client.send("PUB job.a _INBOX.gate.ack 5\r\nfirst\r\n")
        XCTAssertEqual(entered.wait(timeout: .now() + 5), .success, "the publish reached the sync")
        XCTAssertFalse(
            somethingArrives(on: client, within: 300), "an ack arrived before the sync returned: \(client.unread)")
        storage.hold.set(nil)
        release.signal()
        let ack = client.read(until: "}\r\n")
        XCTAssertTrue(ack.contains(#""seq":1"#), ack)
        XCTAssertEqual(storage.syncs.get(), 1)
    }

    func testAPublishWhoseSyncFailedIsAnsweredWithAnErrorAndIsNotKept() throws {
        let client = try inboxClient("gate")
        let storage = makeGatedStream(client)
        let kept = publish(client, "job.a", "kept", inbox: "_INBOX.gate.ack")
        XCTAssertTrue(kept.contains(#""seq":1"#), kept)
        storage.failNextSync.set(true)
        let refused = publish(client, "job.a", "lost", inbox: "_INBOX.gate.ack")
        XCTAssertTrue(refused.contains("storage failed"), refused)
        XCTAssertFalse(refused.contains(#""seq":2"#), refused)
        XCTAssertEqual(onEngine { $0.streams["JOBS"]!.storage.state.messages }, 1)
    }

    func testOnePublishAtATimeCostsOneSyncEachAndPublishesWaitingTogetherShareOne() throws {
        let client = try inboxClient("gate")
        let storage = makeGatedStream(client)
        for number in 1...10 {
            let ack = publish(client, "job.a", "one", inbox: "_INBOX.gate.ack")
            XCTAssertTrue(ack.contains(#""seq":\#(number)"#), ack)
        }
        XCTAssertEqual(storage.syncs.get(), 10)
        // Hold the sync of one publish while 49 more arrive: they are stored and synced together.
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        storage.hold.set((entered, release))
        client.send("PUB job.a _INBOX.gate.burst 1\r\nx\r\n")
        XCTAssertEqual(entered.wait(timeout: .now() + 5), .success)
        storage.hold.set(nil)
        client.send(String(repeating: "PUB job.a _INBOX.gate.burst 1\r\ny\r\n", count: 49))
        XCTAssertTrue(eventually { self.engine.intake.waiting == 49 }, "waiting: \(engine.intake.waiting)")
        release.signal()
        let acks = client.read(until: #""seq":60"#)
        XCTAssertTrue(acks.contains(#""seq":60"#), acks)
        XCTAssertEqual(storage.syncs.get(), 12, "the held publish's sync, then one for the 49")
    }
}
