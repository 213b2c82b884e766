import Support

/// Flow-control answers published to `$JS.FC.<stream>.<consumer>.<id>` (the reply subject of a push
/// consumer's `100 FlowControl Request`). Anything else on `$JS.FC.>` is ignored.
extension JetStream {
    func handleFlowControlAnswer(_ answer: InboundMessage) {
        let tokens = answer.subject.split(separator: ".", omittingEmptySubsequences: false)
        guard tokens.count == 5, tokens[0] == "$JS", tokens[1] == "FC",
            let consumer = streams[String(tokens[2])]?.consumers[String(tokens[3])]
        else { return }
        consumer.flowControlAnswered(on: answer.subject, now: Timestamp.nowNanoseconds(), output: self)
    }
}
