import Synchronization

/// Fan-out of live updates to whoever watches (the dashboard's Server-Sent Events streams):
/// `fleet` snapshots and `job` changes. A subscriber returns false once it is gone and is
/// forgotten then. Thread-safe; publishing never blocks on a slow subscriber (each stream has
/// its own bounded buffer).
public final class LiveUpdates: Sendable {
    public typealias Subscriber = @Sendable (_ event: String, _ data: String) -> Bool

    private let subscribers = Mutex<[UInt64: Subscriber]>([:])
    private let nextID = Atomic<UInt64>(1)

    public init() {}

    /// Adds a subscriber; returns its id for `unsubscribe`.
    @discardableResult
    public func subscribe(_ subscriber: @escaping Subscriber) -> UInt64 {
        let id = nextID.wrappingAdd(1, ordering: .relaxed).oldValue
        subscribers.withLock { $0[id] = subscriber }
        return id
    }

    public func unsubscribe(_ id: UInt64) { _ = subscribers.withLock { $0.removeValue(forKey: id) } }

    public var count: Int { subscribers.withLock { $0.count } }

    /// Sends to every subscriber, dropping those that report they are gone.
    public func publish(event: String, data: String) {
        let current = subscribers.withLock { $0 }
        for (id, subscriber) in current where !subscriber(event, data) { unsubscribe(id) }
    }
}
