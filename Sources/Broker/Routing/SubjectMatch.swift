/// The subscriptions a message published to one subject goes to: every `plain` subscription gets
/// a copy, and each queue group in `groups` gets one copy for one of its members (`pick()`).
///
/// A match is owned by one event loop and is not thread-safe: picking a queue member moves the
/// group's cursor. `SubjectIndex.match` returns a fresh object on every call; a `MatchCache`
/// (one per loop) hands the same object out again until the index changes. The subscriptions may
/// have been removed since the match was made; delivery checks `Subscription.isRemoved`.
final class SubjectMatch {
    /// The match for a subject nobody is subscribed to. Immutable, so it may be shared.
    nonisolated(unsafe) static let empty = SubjectMatch(plain: [], groups: [])

    let plain: ContiguousArray<Subscription>
    let groups: ContiguousArray<QueueGroupMatch>

    init(plain: ContiguousArray<Subscription>, groups: ContiguousArray<QueueGroupMatch>) {
        self.plain = plain
        self.groups = groups
    }

    var isEmpty: Bool { plain.isEmpty && groups.isEmpty }

    /// How many messages one publish produces: one per plain subscription, one per group.
    var deliveryCount: Int { plain.count + groups.count }
}
