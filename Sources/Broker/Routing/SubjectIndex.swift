import Synchronization
import Wire

/// Every subscription of the server, in a trie keyed by subject token (literal children, a `*`
/// child and a `>` child per node), answering "who gets a message published to this subject".
///
/// Shared by all event-loop threads. `@unchecked Sendable` because every access to the trie and the
/// counters happens inside `lock`; only `generation` is read outside it, and it is an atomic.
/// Each loop puts a `MatchCache` in front of `match`; `generation` tells the caches when to forget.
final class SubjectIndex: @unchecked Sendable {
    /// Guards `root`, `subscriptionCount` and `nodeCount`.
    private let lock = Mutex<Void>(())
    private let root = SubjectNode()
    private var subscriptionCount = 0
    /// Trie nodes below the root; returns to 0 when every subscription is removed (pruning).
    private var nodeCount = 0
    private let changes = Atomic<UInt64>(0)

    /// Bumped on every insert and successful remove; read without the lock.
    var generation: UInt64 { changes.load(ordering: .acquiring) }

    /// How many subscriptions the index holds.
    var count: Int { lock.withLock { _ in subscriptionCount } }

    /// How many trie nodes exist below the root (for tests of pruning).
    var nodesBelowRoot: Int { lock.withLock { _ in nodeCount } }

    /// Adds a subscription whose subject is a valid subscribe subject (the parser checked it).
    func insert(_ subscription: Subscription) {
        var subject = subscription.subject
        subject.withUTF8 { utf8 in
            let bytes = UnsafeRawBufferPointer(utf8)
            precondition(Subject.isValidSubscribe(bytes), "invalid subject reached the subject index")
            lock.withLock { _ in
                var node = root
                var tokens = SubjectTokenizer(bytes)
                while let token = tokens.next() {
                    node = child(of: node, for: token)
                }
                node.add(subscription)
                subscriptionCount += 1
                changes.add(1, ordering: .releasing)
            }
        }
    }

    /// Removes a subscription (by identity) and prunes the nodes it leaves empty; false if the
    /// subscription is not in the index.
    @discardableResult func remove(_ subscription: Subscription) -> Bool {
        var subject = subscription.subject
        return subject.withUTF8 { utf8 in
            lock.withLock { _ in
                var tokens = SubjectTokenizer(UnsafeRawBufferPointer(utf8))
                guard remove(subscription, below: root, tokens: &tokens) else { return false }
                subscriptionCount -= 1
                changes.add(1, ordering: .releasing)
                return true
            }
        }
    }

    /// Who gets a message published to `subject`. A fresh result each call (except the shared,
    /// immutable `SubjectMatch.empty`); a subject with an empty token matches nothing.
    func match(_ subject: UnsafeRawBufferPointer) -> SubjectMatch {
        var tokenCount = 1
        for byte in subject where byte == UInt8(ascii: ".") { tokenCount += 1 }
        return withUnsafeTemporaryAllocation(of: HashedToken.self, capacity: tokenCount) { tokens in
            // Tokens and their hashes are computed before taking the lock.
            var tokenizer = SubjectTokenizer(subject)
            var index = 0
            while let token = tokenizer.next() {
                if token.isEmpty { return .empty }
                tokens.initializeElement(at: index, to: HashedToken(bytes: token, hash: ByteHash.hash(token)))
                index += 1
            }
            // HashedToken is a trivial type: the buffer needs no deinitialization.
            let hashedTokens = UnsafeBufferPointer(tokens)
            var collector = MatchCollector()
            lock.withLock { _ in Self.collect(from: root, tokens: hashedTokens, into: &collector) }
            return collector.makeMatch()
        }
    }

    func match(_ subject: String) -> SubjectMatch {
        var subject = subject
        return subject.withUTF8 { match(UnsafeRawBufferPointer($0)) }
    }

    // MARK: trie walks (all under the lock)

    /// Adds to `collector` every node below `start` whose pattern matches `tokens`.
    private static func collect(
        from start: SubjectNode, tokens: UnsafeBufferPointer<HashedToken>,
        into collector: inout MatchCollector
    ) {
        var node = start
        var index = 0
        // Follow literal children in a loop; only `*` branches recurse.
        while index < tokens.count {
            if let tail = node.tail { collector.add(tail) }
            if let star = node.star {
                collect(from: star, tokens: UnsafeBufferPointer(rebasing: tokens[(index + 1)...]), into: &collector)
            }
            let token = tokens[index]
            guard let literal = node.literals.find(token.bytes, hash: token.hash) else { return }
            node = literal
            index += 1
        }
        collector.add(node)
    }

    /// The child of `node` for a subscribed token, created if missing.
    private func child(of node: SubjectNode, for token: UnsafeRawBufferPointer) -> SubjectNode {
        if Subject.isTailWildcard(token) {
            if let tail = node.tail { return tail }
            node.tail = makeNode()
            return node.tail!
        }
        if Subject.isSingleTokenWildcard(token) {
            if let star = node.star { return star }
            node.star = makeNode()
            return node.star!
        }
        let hash = ByteHash.hash(token)
        if let literal = node.literals.find(token, hash: hash) { return literal }
        let literal = makeNode()
        node.literals.insert(token, hash: hash, node: literal)
        return literal
    }

    private func makeNode() -> SubjectNode {
        nodeCount += 1
        return SubjectNode()
    }

    /// Removes `subscription` from the node the remaining `tokens` lead to below `node`, then
    /// detaches each child left empty on the way back up.
    private func remove(
        _ subscription: Subscription, below node: SubjectNode,
        tokens: inout SubjectTokenizer
    ) -> Bool {
        guard let token = tokens.next() else { return node.remove(subscription) }
        if Subject.isTailWildcard(token) {
            guard let tail = node.tail, remove(subscription, below: tail, tokens: &tokens) else { return false }
            if tail.isEmpty { node.tail = nil; nodeCount -= 1 }
        } else if Subject.isSingleTokenWildcard(token) {
            guard let star = node.star, remove(subscription, below: star, tokens: &tokens) else { return false }
            if star.isEmpty { node.star = nil; nodeCount -= 1 }
        } else {
            let hash = ByteHash.hash(token)
            guard let literal = node.literals.find(token, hash: hash),
                remove(subscription, below: literal, tokens: &tokens)
            else { return false }
            if literal.isEmpty { node.literals.remove(token, hash: hash); nodeCount -= 1 }
        }
        return true
    }
}

/// One token of a published subject with its hash, computed once per match.
private struct HashedToken {
    let bytes: UnsafeRawBufferPointer
    let hash: UInt64
}

/// Gathers the subscriptions of matching nodes, merging queue groups of the same name.
private struct MatchCollector {
    var plain = ContiguousArray<Subscription>()
    var groups = ContiguousArray<QueueGroupMembers>()

    mutating func add(_ node: SubjectNode) {
        // Assigning shares the node's storage (copy on write): one matching node costs no copy.
        if plain.isEmpty { plain = node.plain } else { plain.append(contentsOf: node.plain) }
        for group in node.groups {
            if let index = groups.firstIndex(where: { $0.name == group.name }) {
                groups[index].members.append(contentsOf: group.members)
            } else {
                groups.append(group)
            }
        }
    }

    func makeMatch() -> SubjectMatch {
        if plain.isEmpty && groups.isEmpty { return .empty }
        var matches = ContiguousArray<QueueGroupMatch>()
        matches.reserveCapacity(groups.count)
        for group in groups { matches.append(QueueGroupMatch(name: group.name, members: group.members)) }
        return SubjectMatch(plain: plain, groups: matches)
    }
}
