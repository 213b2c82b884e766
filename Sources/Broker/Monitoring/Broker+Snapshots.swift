import Net
import Support
import Synchronization

extension Broker {
    /// Every open client connection, copied on its own loop (one short task per client loop) and
    /// sorted by client id. Call it from outside the broker's loops, while the broker runs.
    func connectionSnapshots(listingSubjects: Bool) -> [ConnectionSnapshot] {
        let collected = Mutex<[ConnectionSnapshot]>([])
        for context in clientContexts {
            context.loop.runAndWait {
                let wallNow = Timestamp.nowNanoseconds()
                let monotonicNow = Clock.monotonicNanoseconds()
                let snapshots = context.connections.values.map {
                    $0.snapshot(wallNow: wallNow, monotonicNow: monotonicNow, listingSubjects: listingSubjects)
                }
                collected.withLock { $0.append(contentsOf: snapshots) }
            }
        }
        return collected.withLock { $0 }.sorted { $0.id < $1.id }
    }

    /// JetStream's totals, copied on its loop; nil when JetStream is off.
    func jetStreamSnapshot() -> JetStreamSnapshot? {
        guard let jetStream else { return nil }
        let collected = Mutex<JetStreamSnapshot?>(nil)
        jetStream.loop.runAndWait {
            let snapshot = jetStream.snapshot()
            collected.withLock { $0 = snapshot }
        }
        return collected.withLock { $0 }
    }
}
