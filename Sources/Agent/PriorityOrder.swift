import Model

/// The order a pull thread asks its capability's priority queues in: high, normal, batch, so an
/// urgent job never waits behind batch work. The starvation guard: after `patience` high jobs in a
/// row, normal is asked before high once; after `patience` jobs without a batch one, batch is asked
/// first once.
struct PriorityOrder: Sendable, Equatable {
    static let patience = 8
    /// High-priority jobs taken in a row.
    private(set) var highStreak = 0
    /// Jobs taken since the last batch one.
    private(set) var sinceBatch = 0

    /// The classes to ask, in order.
    var classes: [PriorityClass] {
        var order: [PriorityClass] = highStreak >= Self.patience ? [.normal, .high] : [.high, .normal]
        if sinceBatch >= Self.patience { order.insert(.batch, at: 0) } else { order.append(.batch) }
        return order
    }

    /// Notes a job taken from `priority`'s queue.
    mutating func took(_ priority: PriorityClass) {
        highStreak = priority == .high ? highStreak + 1 : 0
        sinceBatch = priority == .batch ? 0 : sinceBatch + 1
    }
}
