/// Sends what a consumer hands out: messages to a pull request's inbox or a push consumer's deliver
/// subject, status replies, advisories.
protocol ConsumerOutput: AnyObject {
    func deliver(_ message: StreamMessage, to inbox: ReplyInbox, ackSubject: String)
    /// An HMSG with only a status header block (`NATS/1.0 404 No Messages`…) to `inbox`.
    func sendStatus(_ code: Int, _ description: String, extraHeaders: [(String, String)], to inbox: ReplyInbox)
    func publishAdvisory(subject: String, json: [UInt8])
    /// A `100 FlowControl Request` status to a push consumer's deliver subject, answered on `reply`.
    func sendFlowControlRequest(to subject: String, reply: String)
    /// Whether any subscription matches a push consumer's deliver subject.
    func hasInterest(in subject: String) -> Bool
}

extension ConsumerOutput {
    /// Outputs that serve only pull consumers send no flow control and see no push interest.
    func sendFlowControlRequest(to subject: String, reply: String) {}
    func hasInterest(in subject: String) -> Bool { false }
}
