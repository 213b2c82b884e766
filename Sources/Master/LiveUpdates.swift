import Synchronization

/// One watcher of live updates (a dashboard's Server-Sent Events stream).
public struct LiveViewer: Sendable {
    /// Sends one event; false once the viewer is gone (it is forgotten then).
    public let send: @Sendable (_ event: String, _ data: String) -> Bool
    /// Bytes the viewer has queued but not yet written: the fleet feed sends no faster than it drains.
    public let bufferedBytes: @Sendable () -> Int

    public init(
        send: @escaping @Sendable (_ event: String, _ data: String) -> Bool,
        bufferedBytes: @escaping @Sendable () -> Int = { 0 }
    ) {
        self.send = send
        self.bufferedBytes = bufferedBytes
    }
}

/// Fan-out of live updates to whoever watches: `job` changes to everyone at once, and the fleet
/// (`FleetFeed`): a snapshot per viewer, paged as fast as that viewer reads, then changes only.
/// Thread-safe; publishing never blocks on a slow viewer (each stream has its own bounded buffer).
public final class LiveUpdates: Sendable {
    public typealias Subscriber = @Sendable (_ event: String, _ data: String) -> Bool

    private struct State {
        var viewers: [UInt64: LiveViewer] = [:]
        /// Viewers still receiving a fleet snapshot: the listing index of the next node to send.
        var catchingUp: [UInt64: Int] = [:]
    }

    private let state = Mutex(State())
    private let nextID = Atomic<UInt64>(1)

    public init() {}

    /// Adds a viewer, which gets a fleet snapshot first; returns its id for `unsubscribe`.
    @discardableResult
    public func subscribe(_ viewer: LiveViewer) -> UInt64 {
        let id = nextID.wrappingAdd(1, ordering: .relaxed).oldValue
        state.withLock {
            $0.viewers[id] = viewer
            $0.catchingUp[id] = 0
        }
        return id
    }

    /// Adds a viewer that writes at once (nothing queued).
    @discardableResult
    public func subscribe(_ subscriber: @escaping Subscriber) -> UInt64 { subscribe(LiveViewer(send: subscriber)) }

    public func unsubscribe(_ id: UInt64) {
        state.withLock {
            $0.viewers[id] = nil
            $0.catchingUp[id] = nil
        }
    }

    public var count: Int { state.withLock { $0.viewers.count } }

    /// Sends to every viewer, dropping those that report they are gone.
    public func publish(event: String, data: String) {
        let current = state.withLock { $0.viewers }
        for (id, viewer) in current where !viewer.send(event, data) { unsubscribe(id) }
    }

    // MARK: the fleet feed's side (one thread)

    /// Every viewer, and where its snapshot stands (nil: it has one and follows changes).
    func viewers() -> [(id: UInt64, viewer: LiveViewer, snapshotNext: Int?)] {
        state.withLock { state in state.viewers.map { ($0.key, $0.value, state.catchingUp[$0.key]) } }
    }

    /// Records how far a viewer's snapshot went (nil: done; 0: start again).
    func setSnapshotNext(_ next: Int?, for id: UInt64) {
        state.withLock { state in
            guard state.viewers[id] != nil else { return }
            state.catchingUp[id] = next
        }
    }

    /// Sends to one viewer; false (and forgotten) when it is gone.
    func send(event: String, data: String, to id: UInt64, _ viewer: LiveViewer) -> Bool {
        if viewer.send(event, data) { return true }
        unsubscribe(id)
        return false
    }
}
