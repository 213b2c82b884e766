import Net
import Synchronization
import Wire

/// What one event loop owns in the broker: its connections, its match cache, the shared read
/// buffer, the list of connections with output to flush at the end of the current read, and its
/// counters. Touched only on that loop's thread, except the relaxed counters read by stats.
final class LoopContext: @unchecked Sendable {
    let loop: EventLoop
    let matchCache: MatchCache
    /// Input is read here first; only a frame split across reads is copied to the connection.
    let readBuffer: ByteBuffer
    /// TLS connections read ciphertext here before decrypting into `readBuffer`.
    let cipherBuffer: ByteBuffer
    var connections: [UInt64: ClientConnection] = [:]
    private var connectionsToFlush: [ClientConnection] = []
    /// This loop's clients that stopped reading until a lagging subscriber drains (or their limit).
    private var waitingPublishers: [ClientConnection] = []
    /// When the tick last checked every connection's timers (monotonic ns).
    var lastConnectionCheck: UInt64 = 0
    /// Increments each time `flushMarked` runs, so a connection is marked at most once per batch.
    private(set) var flushGeneration: UInt64 = 1
    let counters = LoopCounters()

    init(loop: EventLoop, index: SubjectIndex, readBufferSize: Int) {
        self.loop = loop
        matchCache = MatchCache(index: index)
        readBuffer = ByteBuffer(capacity: readBufferSize)
        cipherBuffer = ByteBuffer(capacity: min(readBufferSize, 64 * 1024))
    }

    var index: Int { loop.index }

    /// Remembers that `client` has new output to write when the current batch ends.
    @inline(__always)
    func markForFlush(_ client: ClientConnection) {
        if client.flushMarks[index] == flushGeneration { return }
        client.flushMarks[index] = flushGeneration
        connectionsToFlush.append(client)
    }

    /// Files `client` as waiting for a lagging subscriber, so its wait limit is kept.
    func startWaiting(_ client: ClientConnection) {
        waitingPublishers.append(client)
    }

    func forgetWaiting(_ client: ClientConnection) {
        waitingPublishers.removeAll { $0 === client }
    }

    /// The earliest wait limit among this loop's waiting publishers, for the loop's timer.
    func nextWaitLimit() -> UInt64? {
        guard !waitingPublishers.isEmpty else { return nil }
        return waitingPublishers.lazy.map(\.waitingForSubscriberUntil).min()
    }

    /// Lets every publisher whose wait limit passed read again.
    func endExpiredWaits(now: UInt64) {
        guard !waitingPublishers.isEmpty else { return }
        for client in waitingPublishers where client.waitingForSubscriberUntil <= now {
            client.stopWaitingForSubscriber(timedOut: true)
        }
    }

    /// Writes every marked connection's output: one write per connection per batch.
    func flushMarked() {
        guard !connectionsToFlush.isEmpty else { return }
        flushGeneration &+= 1
        for client in connectionsToFlush { client.flushOutbound() }
        connectionsToFlush.removeAll(keepingCapacity: true)
    }
}

/// Message and byte counters of one loop: written only by that loop (plain load+store, no atomic
/// read-modify-write on the hot path), read by anyone for stats.
final class LoopCounters: Sendable {
    let messagesIn = Atomic<Int>(0)
    let bytesIn = Atomic<Int>(0)
    let messagesOut = Atomic<Int>(0)
    let bytesOut = Atomic<Int>(0)

    @inline(__always)
    func bump(_ counter: borrowing Atomic<Int>, by amount: Int) {
        counter.store(counter.load(ordering: .relaxed) &+ amount, ordering: .relaxed)
    }
}
