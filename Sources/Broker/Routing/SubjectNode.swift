/// One node of the subject trie: the subscriptions whose subject ends here, and the children for
/// the next token (literal tokens, `*` and `>`). The path from the root spells the subscribed
/// subject, so a node under `tail` has no children. Guarded by `SubjectIndex`'s lock.
final class SubjectNode {
    var literals = TokenTable()
    /// The child for a `*` token.
    var star: SubjectNode?
    /// The child for a final `>` token.
    var tail: SubjectNode?
    /// Subscriptions without a queue group; each matching message is delivered to all of them.
    var plain = ContiguousArray<Subscription>()
    /// Queue group subscriptions, one entry per group name.
    var groups = ContiguousArray<QueueGroupMembers>()

    /// True when the node holds nothing and can be pruned.
    var isEmpty: Bool {
        literals.isEmpty && star == nil && tail == nil && plain.isEmpty && groups.isEmpty
    }

    func add(_ subscription: Subscription) {
        guard let name = subscription.queueGroup else {
            plain.append(subscription)
            return
        }
        if let index = groups.firstIndex(where: { $0.name == name }) {
            groups[index].members.append(subscription)
        } else {
            groups.append(QueueGroupMembers(name: name, members: [subscription]))
        }
    }

    /// Removes `subscription` (by identity); false if it is not here. Order is not kept.
    func remove(_ subscription: Subscription) -> Bool {
        guard let name = subscription.queueGroup else {
            return Self.removeIdentical(subscription, from: &plain)
        }
        guard let index = groups.firstIndex(where: { $0.name == name }),
            Self.removeIdentical(subscription, from: &groups[index].members)
        else { return false }
        if groups[index].members.isEmpty {
            groups.swapAt(index, groups.count - 1)
            groups.removeLast()
        }
        return true
    }

    /// Swap-removes `subscription`: O(1) after the search, delivery order does not matter.
    private static func removeIdentical(
        _ subscription: Subscription,
        from subscriptions: inout ContiguousArray<Subscription>
    ) -> Bool {
        guard let index = subscriptions.firstIndex(where: { $0 === subscription }) else { return false }
        subscriptions.swapAt(index, subscriptions.count - 1)
        subscriptions.removeLast()
        return true
    }
}

/// The members of one queue group on one trie node.
struct QueueGroupMembers {
    let name: String
    var members: ContiguousArray<Subscription>
}
