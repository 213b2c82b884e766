import Net
import Support
/// What arrives on a pull subscription's inbox (messages and status replies), waiting for `fetch`.
///
/// The reader thread queues arrivals and wakes a waiting fetch only once its batch is complete or a
/// status arrives, not once per message: on a busy consumer a wake-up per message costs more than the
/// message itself.
///
/// `@unchecked Sendable`: `lock` guards every `var`.
final class PullInbox: @unchecked Sendable {
    private let lock = Lock()
    private let arrived: Condition
    private var queue: [Message] = []
    /// Whether `queue` holds a status reply (which may end the waiting fetch).
    private var holdsStatus = false
    /// Arrivals the waiting fetch needs; 0 when no fetch waits.
    private var wanted = 0

    init() { arrived = Condition(lock: lock) }

    /// A server status reply (`404`, `408`, `409`, `503`, heartbeats): headers with a status, no payload.
    static func isStatus(_ message: Message) -> Bool { message.status != nil && message.payload.isEmpty }

    /// Queues an arrival (reader thread).
    func receive(_ message: Message) {
        lock.withLock {
            queue.append(message)
            if Self.isStatus(message) { holdsStatus = true }
            if wanted > 0 && (holdsStatus || queue.count >= wanted) { arrived.signal() }
        }
    }

    /// Everything queued, once `count` arrivals or a status are there or `deadline` passed (then
    /// possibly nothing).
    func take(waitingFor count: Int, until deadline: Deadline) -> [Message] {
        lock.lock()
        defer { lock.unlock() }
        if queue.count < count && !holdsStatus {
            wanted = count
            while queue.count < count && !holdsStatus {
                if !arrived.wait(until: deadline) && deadline.hasPassed { break }
            }
            wanted = 0
        }
        let taken = queue
        queue = []
        holdsStatus = false
        return taken
    }

    /// Puts arrivals a fetch took but did not use back at the front, for the next fetch.
    func putBack(_ rest: ArraySlice<Message>) {
        guard !rest.isEmpty else { return }
        lock.withLock {
            queue = Array(rest) + queue
            holdsStatus = queue.contains(where: Self.isStatus)
        }
    }
}
