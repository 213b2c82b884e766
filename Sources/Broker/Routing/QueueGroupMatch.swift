import Synchronization

/// The members of one queue group that match a subject (gathered from every matching pattern, so
/// `foo.*` and `foo.>` members of group `q` form one group); each message goes to one of them.
///
/// `pick()` goes round-robin, so members get equal shares (exactly, over a multiple of the member
/// count); the cursor starts at a different offset for each match so that short-lived matches do
/// not all favour the first member. nats-server picks at random per message instead; an even
/// spread without a random number per message is what clients can observe either way.
/// Not thread-safe: owned by one event loop, like the `SubjectMatch` that holds it.
final class QueueGroupMatch {
    let name: String
    let members: ContiguousArray<Subscription>
    private var cursor: Int

    /// `members` must not be empty.
    init(name: String, members: ContiguousArray<Subscription>) {
        precondition(!members.isEmpty, "a queue group match needs members")
        self.name = name
        self.members = members
        cursor = members.count == 1 ? 0 : Int(Self.nextStartingPoint() % UInt64(members.count))
    }

    /// The member that gets the next message.
    func pick() -> Subscription {
        let member = members[cursor]
        cursor += 1
        if cursor == members.count { cursor = 0 }
        return member
    }

    private static let startingPoints = Atomic<UInt64>(0)
    private static let seed = UInt64.random(in: 0...UInt64.max)

    /// A well-spread number from a shared counter (SplitMix64 finalizer): cheaper than asking the
    /// system for randomness on every match, and different on every call and every run.
    private static func nextStartingPoint() -> UInt64 {
        var value = seed &+ startingPoints.add(1, ordering: .relaxed).newValue &* 0x9E37_79B9_7F4A_7C15
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
