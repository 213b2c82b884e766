import Net
import Support
import Synchronization

extension Broker {
    /// Every open client connection, copied on its own loop (one short task per client loop) and
    /// sorted by client id. Call it from outside the broker's loops, while the broker runs.
    func connectionSnapshots() -> [ConnectionSnapshot] {
        let collected = Mutex<[ConnectionSnapshot]>([])
        for context in clientContexts {
            context.loop.runAndWait {
                let wallNow = Timestamp.nowNanoseconds()
                let monotonicNow = Clock.monotonicNanoseconds()
                let snapshots = context.connections.values.map {
                    $0.snapshot(wallNow: wallNow, monotonicNow: monotonicNow)
                }
                collected.withLock { $0.append(contentsOf: snapshots) }
            }
        }
        return collected.withLock { $0 }.sorted { $0.id < $1.id }
    }

    /// The subscribed subjects of the connections in `ids` that are still open: at most
    /// `ConnzQuery.maximumSubjectsListed` each and `ConnzQuery.maximumSubjectBytes` of subject text
    /// in all, so that one page of `/connz?subs=1` stays bounded.
    func subscribedSubjects(of ids: Set<UInt64>) -> [UInt64: [String]] {
        let collected = Mutex<(subjects: [UInt64: [String]], budget: Int)>(([:], ConnzQuery.maximumSubjectBytes))
        for context in clientContexts {
            context.loop.runAndWait {
                for id in ids {
                    guard let connection = context.connections[id] else { continue }
                    collected.withLock { state in
                        var listed: [String] = []
                        for subscription in connection.subscriptions.values.prefix(ConnzQuery.maximumSubjectsListed) {
                            state.budget -= subscription.subject.utf8.count
                            if state.budget < 0 { break }
                            listed.append(subscription.subject)
                        }
                        state.subjects[id] = listed
                    }
                }
            }
        }
        return collected.withLock { $0.subjects }
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
