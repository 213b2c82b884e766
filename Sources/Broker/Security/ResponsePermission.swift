/// nats-server's `allow_responses`: a client may publish to the reply subject of a message it was
/// delivered, `maxMessages` times within `expiresNanoseconds` of the delivery, even where its publish
/// permissions do not allow that subject. A responder role needs it: it cannot know its requesters'
/// inboxes in advance.
public struct ResponsePermission: Sendable, Equatable {
    /// nats-server's defaults: one reply, within two minutes.
    public static let defaultMaxMessages = 1
    public static let defaultExpiresNanoseconds: Int64 = 120_000_000_000

    /// Replies allowed per delivered message; 0 or less: any number (within the expiry).
    public var maxMessages: Int
    /// How long after the delivery the reply subject stays open; 0 or less: no limit.
    public var expiresNanoseconds: Int64

    public init(
        maxMessages: Int = ResponsePermission.defaultMaxMessages,
        expiresNanoseconds: Int64 = ResponsePermission.defaultExpiresNanoseconds
    ) {
        self.maxMessages = maxMessages
        self.expiresNanoseconds = expiresNanoseconds
    }
}

/// The reply subjects a client with `allow_responses` may answer on now: recorded at delivery, used
/// up by its responses. Bounded: past `limit` entries the expired and used ones are dropped, and
/// when that frees nothing new deliveries open no reply subject (a responder that cannot answer is
/// better than a broker that grows without bound).
struct ResponseGrants {
    private struct Grant {
        var deliveredAt: UInt64
        var responses: Int
    }

    let permission: ResponsePermission
    let limit: Int
    private var grants: [String: Grant] = [:]

    init(permission: ResponsePermission, limit: Int = 4096) {
        self.permission = permission
        self.limit = limit
    }

    var count: Int { grants.count }

    /// A message with reply subject `reply` was delivered at `now` (monotonic nanoseconds).
    mutating func record(_ reply: String, now: UInt64) {
        if grants.count >= limit && grants[reply] == nil {
            grants = grants.filter { isOpen($0.value, now: now) }
            if grants.count >= limit { return }
        }
        grants[reply] = Grant(deliveredAt: now, responses: 0)
    }

    /// Whether a response may be published to `subject` at `now`; counts it when it may.
    mutating func consume(_ subject: String, now: UInt64) -> Bool {
        guard var grant = grants[subject], isOpen(grant, now: now) else {
            grants[subject] = nil
            return false
        }
        grant.responses += 1
        if permission.maxMessages > 0 && grant.responses >= permission.maxMessages {
            grants[subject] = nil
        } else {
            grants[subject] = grant
        }
        return true
    }

    private func isOpen(_ grant: Grant, now: UInt64) -> Bool {
        if permission.maxMessages > 0 && grant.responses >= permission.maxMessages { return false }
        guard permission.expiresNanoseconds > 0 else { return true }
        return now &- grant.deliveredAt <= UInt64(permission.expiresNanoseconds)
    }
}
