// TEMPORARY: replaced by the routing helper's SubjectIndex/MatchCache/SubjectMatch on merge.
import Synchronization
import Wire

public final class SubjectIndex: @unchecked Sendable {
    private let subscriptions = Mutex<[Subscription]>([])
    private let generationCounter = Atomic<UInt64>(0)
    public init() {}
    public var generation: UInt64 { generationCounter.load(ordering: .acquiring) }
    public var count: Int { subscriptions.withLock { $0.count } }
    public func insert(_ subscription: Subscription) {
        subscriptions.withLock { $0.append(subscription) }
        generationCounter.add(1, ordering: .releasing)
    }
    @discardableResult public func remove(_ subscription: Subscription) -> Bool {
        let removed = subscriptions.withLock { list -> Bool in
            guard let index = list.firstIndex(where: { $0 === subscription }) else { return false }
            list.remove(at: index)
            return true
        }
        generationCounter.add(1, ordering: .releasing)
        return removed
    }
    public func match(_ subject: UnsafeRawBufferPointer) -> SubjectMatch {
        let text = String(decoding: subject, as: UTF8.self)
        return subscriptions.withLock { list in
            var plain = ContiguousArray<Subscription>()
            var groups: [String: ContiguousArray<Subscription>] = [:]
            for sub in list where Subject.matches(pattern: sub.subject, subject: text) {
                if let queue = sub.queueGroup { groups[queue, default: []].append(sub) } else { plain.append(sub) }
            }
            return SubjectMatch(plain: plain, groups: ContiguousArray(groups.map { QueueGroupMatch(name: $0.key, members: $0.value) }))
        }
    }
}

public final class SubjectMatch {
    public let plain: ContiguousArray<Subscription>
    public let groups: ContiguousArray<QueueGroupMatch>
    init(plain: ContiguousArray<Subscription>, groups: ContiguousArray<QueueGroupMatch>) {
        self.plain = plain
        self.groups = groups
    }
    public var isEmpty: Bool { plain.isEmpty && groups.isEmpty }
}

public final class QueueGroupMatch {
    public let name: String
    public let members: ContiguousArray<Subscription>
    private var cursor = Int.random(in: 0..<1000)
    init(name: String, members: ContiguousArray<Subscription>) {
        self.name = name
        self.members = members
    }
    public func pick() -> Subscription {
        cursor &+= 1
        return members[cursor % members.count]
    }
}

public final class MatchCache {
    let index: SubjectIndex
    public init(index: SubjectIndex, capacity: Int = 4096) { self.index = index }
    public func match(_ subject: UnsafeRawBufferPointer) -> SubjectMatch { index.match(subject) }
}
