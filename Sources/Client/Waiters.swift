import Support
/// A thread blocked in `flush` until the PONG for its PING arrives. Guarded by the connection's lock;
/// `condition` is bound to that lock.
final class PongWaiter {
    /// Where the round trip stands.
    enum State { case waiting, answered, failed }

    var state = State.waiting
    let condition: Condition

    init(condition: Condition) { self.condition = condition }

    func finish(_ state: State) {
        self.state = state
        condition.signal()
    }
}

/// A thread blocked in `request` until its reply arrives. Guarded by the connection's lock;
/// `condition` is bound to that lock.
final class RequestWaiter {
    /// The request's subject, for the no-responders error.
    let subject: String
    var result: Result<Message, ClientError>?
    let condition: Condition

    init(subject: String, condition: Condition) {
        self.subject = subject
        self.condition = condition
    }

    func finish(_ result: Result<Message, ClientError>) {
        self.result = result
        condition.signal()
    }
}
