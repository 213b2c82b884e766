import Net
import Support
/// The bounded queue behind a `subscribeSync` subscription: the reader thread pushes, `nextMessage`
/// pops. When full, new messages are dropped and counted (the subscriber is too slow).
///
/// `@unchecked Sendable`: `lock` guards every `var`.
final class MessageQueue: @unchecked Sendable {
    private let lock = Lock()
    private let available: Condition
    private var messages: [Message] = []
    /// Index of the oldest message in `messages`; the slots before it are spent.
    private var head = 0
    private var isClosed = false
    private var droppedTotal = 0
    let limit: Int

    init(limit: Int) {
        self.limit = max(1, limit)
        available = Condition(lock: lock)
    }

    var count: Int { lock.withLock { messages.count - head } }

    var dropped: Int { lock.withLock { droppedTotal } }

    /// Adds a message; false when the queue was full (or closed) and the message was dropped.
    func push(_ message: Message) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard !isClosed, messages.count - head < limit else {
            droppedTotal += 1
            return false
        }
        messages.append(message)
        available.signal()
        return true
    }

    /// The oldest message, waiting until `deadline`; `.timeout` then, `.closed` once closed and empty.
    func pop(until deadline: Deadline) throws(ClientError) -> Message {
        lock.lock()
        defer { lock.unlock() }
        while head == messages.count {
            if isClosed { throw .closed }
            if !available.wait(until: deadline) && head == messages.count {
                if isClosed { throw .closed }
                throw .timeout
            }
        }
        let message = messages[head]
        head += 1
        if head == messages.count {
            messages.removeAll(keepingCapacity: messages.capacity <= 1024)
            head = 0
        } else if head >= 1024 && head * 2 >= messages.count {
            messages.removeFirst(head)
            head = 0
        }
        return message
    }

    /// No more messages will come: waiters get what is queued, then `.closed`.
    func close() {
        lock.withLock {
            isClosed = true
            available.broadcast()
        }
    }
}
