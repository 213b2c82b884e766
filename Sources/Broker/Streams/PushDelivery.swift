/// A push consumer's delivery state: where it sends, how much is in flight, the flow-control
/// request it waits on, and when it last spoke (for idle heartbeats).
///
/// Outbound is bounded by a byte window, as nats-server bounds it: past half the window a
/// `100 FlowControl Request` goes out with a reply subject; at the full window delivery pauses
/// until the client answers it. The answer gives back what was in flight when the request was
/// sent and doubles the window (a slow start, as nats-server's), up to `maximumWindow`. A client
/// that never answers thus holds at most one window of messages in flight, and each heartbeat names
/// the unanswered request (`Nats-Consumer-Stalled`) so that it can answer late.
struct PushDelivery {
    /// nats-server's first window: 2 MiB of subjects, reply subjects, headers and payloads.
    static let initialWindow = 2 * 1024 * 1024
    /// The largest window answers grow it to.
    static let maximumWindow = 16 * 1024 * 1024
    /// The shortest idle heartbeat interval used, whatever the configuration asks (a hostile
    /// nanosecond interval must not turn the JetStream thread into a heartbeat pump).
    static let minimumHeartbeat: Int64 = 100_000_000
    /// How often a consumer without interest on its deliver subject looks again.
    static let interestPollInterval: Int64 = 20_000_000
    /// How often a consumer with interest checks that it still has it.
    static let interestRecheckInterval: Int64 = 1_000_000_000

    let deliverSubject: String
    let flowControl: Bool
    /// Nanoseconds; 0: no heartbeats.
    let heartbeat: Int64
    /// Bytes delivered and not yet given back by a flow-control answer.
    private(set) var inFlight = 0
    /// How many bytes may be in flight now.
    private(set) var window = Self.initialWindow
    /// The reply subject of the flow-control request waiting for its answer, and what it gives back.
    private(set) var awaitedAnswer: (subject: String, bytes: Int)?
    /// Wall-clock nanoseconds of the last message or status sent.
    private(set) var lastSent: Int64
    /// Whether someone subscribes to the deliver subject (looked at whenever the consumer delivers
    /// and on its ticks).
    private(set) var hasInterest = false
    /// When to look for interest again (wall-clock nanoseconds): soon while there is none, so that
    /// delivery starts right after the client subscribes; about once a second while there is.
    private(set) var nextLook: Int64

    init(deliverSubject: String, flowControl: Bool, idleHeartbeat: Int64, now: Int64) {
        self.deliverSubject = deliverSubject
        self.flowControl = flowControl
        heartbeat = idleHeartbeat > 0 ? max(idleHeartbeat, Self.minimumHeartbeat) : 0
        lastSent = now
        nextLook = now
    }

    /// Records whether the deliver subject has a subscriber now.
    mutating func look(interested: Bool, now: Int64) {
        hasInterest = interested
        nextLook = now.addingClamped(interested ? Self.interestRecheckInterval : Self.interestPollInterval)
    }

    /// Whether another message may go out now.
    var canSend: Bool { hasInterest && (!flowControl || inFlight < window) }

    /// Records a message of `bytes` sent; true when a flow-control request should follow it.
    mutating func sent(bytes: Int, now: Int64) -> Bool {
        lastSent = now
        guard flowControl else { return false }
        inFlight += bytes
        return awaitedAnswer == nil && inFlight > window / 2
    }

    /// Records the flow-control request sent with reply `subject`.
    mutating func requested(answerOn subject: String, now: Int64) {
        awaitedAnswer = (subject, inFlight)
        lastSent = now
    }

    /// A message arrived on `subject`: when it answers the awaited request, what it covered is no
    /// longer in flight. Returns whether it did.
    mutating func answered(on subject: String) -> Bool {
        guard let awaited = awaitedAnswer, awaited.subject == subject else { return false }
        inFlight = max(0, inFlight - awaited.bytes)
        awaitedAnswer = nil
        window = min(window * 2, Self.maximumWindow)
        return true
    }

    /// When the next idle heartbeat is due (wall-clock nanoseconds); nil without heartbeats.
    var nextHeartbeat: Int64? { heartbeat > 0 ? lastSent.addingClamped(heartbeat) : nil }

    /// Whether an idle heartbeat is due now; records it as sent when it is.
    mutating func heartbeatDue(now: Int64) -> Bool {
        guard hasInterest, let due = nextHeartbeat, due <= now else { return false }
        lastSent = now
        return true
    }
}
