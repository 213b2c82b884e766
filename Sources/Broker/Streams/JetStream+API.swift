import FoundationEssentials
import Support

/// Dispatches `$JS.API.…` requests. Unknown requests get no answer (nats-server's behaviour:
/// the client times out).
extension JetStream {
    func handleAPIRequest(_ request: InboundMessage) {
        let prefix = "$JS.API."
        guard request.subject.hasPrefix(prefix) else { return }
        let tokens = request.subject.dropFirst(prefix.count).split(separator: ".", omittingEmptySubsequences: false)
            .map(String.init)
        apiRequests += 1
        let now = Timestamp.nowNanoseconds()
        guard let answer = route(tokens, request, now: now) else { return }
        if answer.isError { apiErrors += 1 }
        guard !request.reply.isEmpty else { return }
        send(to: request.replyInbox, payload: answer.body)
    }

    /// A response body and whether it reports an error.
    struct APIAnswer {
        var body: [UInt8]
        var isError: Bool

        static func success<Body: Encodable>(_ body: Body) -> APIAnswer {
            APIAnswer(body: APIResponse.encode(body), isError: false)
        }

        static func failure(_ type: String, _ error: JetStreamError) -> APIAnswer {
            APIAnswer(body: APIResponse.failure(type, error), isError: true)
        }
    }

    private func route(_ tokens: [String], _ request: InboundMessage, now: Int64) -> APIAnswer? {
        switch (tokens.first, tokens.count) {
        case ("INFO", 1):
            return accountInfo()
        case ("STREAM", 2...):
            return routeStream(Array(tokens.dropFirst()), request, now: now)
        case ("CONSUMER", 2...):
            return routeConsumer(Array(tokens.dropFirst()), request, now: now)
        case ("DIRECT", 3...) where tokens[1] == "GET":
            directGet(tokens[2...], request)
            return nil
        default:
            return nil
        }
    }

    private func routeStream(_ tokens: [String], _ request: InboundMessage, now: Int64) -> APIAnswer? {
        switch (tokens[0], tokens.count) {
        case ("CREATE", 2): return createStream(named: tokens[1], body: request.payload, now: now)
        case ("UPDATE", 2): return updateStream(named: tokens[1], body: request.payload, now: now)
        case ("INFO", 2): return streamInfo(named: tokens[1], now: now)
        case ("DELETE", 2): return deleteStream(named: tokens[1])
        case ("PURGE", 2): return purgeStream(named: tokens[1], body: request.payload)
        case ("NAMES", 1): return streamNames(body: request.payload)
        case ("LIST", 1): return streamList(now: now)
        case ("MSG", 3) where tokens[1] == "GET": return getMessage(stream: tokens[2], body: request.payload)
        case ("MSG", 3) where tokens[1] == "DELETE": return deleteMessage(stream: tokens[2], body: request.payload)
        default: return nil
        }
    }

    private func routeConsumer(_ tokens: [String], _ request: InboundMessage, now: Int64) -> APIAnswer? {
        switch (tokens[0], tokens.count) {
        case ("CREATE", 2...):
            let name = tokens.count >= 3 ? tokens[2] : nil
            let filter = tokens.count >= 4 ? tokens[3...].joined(separator: ".") : nil
            return createConsumer(
                stream: tokens[1], nameInSubject: name, filterInSubject: filter,
                body: request.payload, now: now)
        case ("DURABLE", 4) where tokens[1] == "CREATE":
            return createConsumer(
                stream: tokens[2], nameInSubject: tokens[3], filterInSubject: nil,
                body: request.payload, now: now, durableInSubject: true)
        case ("INFO", 3): return consumerInfo(stream: tokens[1], consumer: tokens[2], now: now)
        case ("DELETE", 3): return deleteConsumer(stream: tokens[1], consumer: tokens[2])
        case ("NAMES", 2): return consumerNames(stream: tokens[1])
        case ("LIST", 2): return consumerList(stream: tokens[1], now: now)
        case ("MSG", 4) where tokens[1] == "NEXT":
            pull(stream: tokens[2], consumer: tokens[3], request, now: now)
            return nil
        default: return nil
        }
    }

    private func accountInfo() -> APIAnswer {
        var storage: Int64 = 0
        var consumers = 0
        for stream in streams.values {
            storage += Int64(stream.storage.state.bytes)
            consumers += stream.consumers.count
        }
        return .success(
            APIResponse.AccountInfo(
                storage: storage, streams: streams.count, consumers: consumers,
                api: .init(total: apiRequests, errors: apiErrors)))
    }

    // MARK: pulling

    /// `CONSUMER.MSG.NEXT`: queue a pull request. For an unknown consumer nats-server has no
    /// subscriber at all, so the requester sees "no responders"; we answer the same way.
    private func pull(stream streamName: String, consumer consumerName: String, _ request: InboundMessage, now: Int64) {
        guard !request.reply.isEmpty else { return }
        guard let consumer = streams[streamName]?.consumers[consumerName] else {
            if request.publisherWantsNoResponders {
                let header = "NATS/1.0 503\r\nNats-Subject: \(request.subject)\r\n\r\n"
                send(to: request.replyInbox, headers: Array(header.utf8), payload: [])
            }
            return
        }
        switch PullRequest.parse(body: request.payload, reply: request.replyInbox, now: now) {
        case .success(let pullRequest):
            consumer.add(pullRequest, now: now, output: self)
        case .failure(let refusal):
            sendStatus(400, refusal.description, extraHeaders: [], to: request.replyInbox)
            return
        }
        needsSync(consumer)
    }
}
