import Wire

/// One subscription: a client's `SUB`, or an internal one of the broker's own (the JetStream API,
/// a stream capturing its subjects). The subject index stores these and delivery walks them.
///
/// The subject index and per-loop match caches hold subscriptions strongly; the client's table
/// of subscriptions is cleared when it closes, so the reference to `client` forms no lasting cycle.
/// `@unchecked Sendable`: its mutable fields change only under the client's outbound lock.
public final class Subscription: @unchecked Sendable {
    /// The connection that receives the messages; nil for an internal subscription.
    let client: ClientConnection?
    /// Receives the messages of an internal subscription; nil for a client's.
    let internalSubscriber: InternalSubscriber?
    /// The subscribed subject, possibly with `*` and `>` wildcards (already validated).
    public let subject: String
    /// The queue group name, when the subscription shares messages with its group.
    public let queueGroup: String?
    /// The subscription id chosen by the client, as sent back in MSG lines.
    let sid: [UInt8]
    /// `sid`'s bytes in memory this subscription owns, so that encoding a MSG line reads them without
    /// retaining and releasing the array's storage once per message.
    let sidBytes: UnsafeRawBufferPointer
    /// `client` without reference counting, for delivery: valid while this subscription lives,
    /// since `client` holds the same object strongly (see `withClient`).
    private let unmanagedClient: Unmanaged<ClientConnection>?
    /// Auto-unsubscribe after this many deliveries in total (0: never). Guarded by the client's
    /// outbound lock, like `deliveredCount`.
    var maxDeliveries = 0
    var deliveredCount = 0
    /// For a wildcard subscription that some deny pattern overlaps: each delivered subject is
    /// checked against these rules. Nil (the usual case) costs nothing per message.
    var deliveryFilter: SubjectPermissions?
    /// Set (under the client's outbound lock) once the subscription is removed, so a message
    /// routed through a stale match cache entry is not delivered.
    var isRemoved = false

    init(client: ClientConnection, subject: String, queueGroup: String?, sid: [UInt8]) {
        self.client = client
        unmanagedClient = Unmanaged.passUnretained(client)
        internalSubscriber = nil
        self.subject = subject
        self.queueGroup = queueGroup
        self.sid = sid
        sidBytes = Self.copy(sid)
    }

    /// An internal subscription of the broker's own.
    init(internal subscriber: InternalSubscriber, subject: String, queueGroup: String? = nil) {
        client = nil
        unmanagedClient = nil
        internalSubscriber = subscriber
        self.subject = subject
        self.queueGroup = queueGroup
        sid = []
        sidBytes = UnsafeRawBufferPointer(start: nil, count: 0)
    }

    deinit {
        sidBytes.deallocate()
    }

    /// Calls `body` with the receiving client, borrowed: no retain and release per message. Safe
    /// because `client` is a constant strong reference to the same object, and the caller holds
    /// this subscription for the call. Nil for an internal subscription.
    @inline(__always)
    func withClient<Result>(_ body: (ClientConnection) -> Result) -> Result? {
        guard let unmanagedClient else { return nil }
        return unmanagedClient._withUnsafeGuaranteedRef(body)
    }

    private static func copy(_ bytes: [UInt8]) -> UnsafeRawBufferPointer {
        guard !bytes.isEmpty else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
        storage.copyBytes(from: bytes)
        return UnsafeRawBufferPointer(storage)
    }
}

/// Receives messages routed to an internal subscription.
protocol InternalSubscriber: AnyObject, Sendable {
    /// Called on the publishing loop's thread, for each message on a matching subject. The frame's
    /// views die when this returns: copy what you keep, and return quickly.
    func receive(_ frame: PublishFrame, for subscription: Subscription, from publisher: ClientConnection?)
}
