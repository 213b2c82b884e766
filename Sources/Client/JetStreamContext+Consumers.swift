/// Consumer management: `$JS.API.CONSUMER.*`.
extension JetStreamContext {
    /// Creates the consumer, or updates it when it exists. Uses
    /// `$JS.API.CONSUMER.CREATE.<stream>.<name>[.<filter>]` as nats.go does with servers from 2.9 on;
    /// when nothing answers that and the consumer is durable, falls back to the older
    /// `$JS.API.CONSUMER.DURABLE.CREATE.<stream>.<durable>`.
    @discardableResult
    public func addOrUpdateConsumer(stream: String, _ config: ConsumerConfig) throws(JetStreamError) -> ConsumerInfo {
        try Self.checkName(stream, "stream")
        if let name = config.name { try Self.checkName(name, "consumer") }
        if let durable = config.durableName { try Self.checkName(durable, "consumer") }
        if let name = config.name, let durable = config.durableName, name != durable {
            throw .invalidArgument("consumer name \"\(name)\" and durable name \"\(durable)\" differ")
        }
        let body = CreateRequest(streamName: stream, config: config)
        guard let name = config.effectiveName else {
            return try request("CONSUMER.CREATE." + stream, body: body, as: ConsumerInfo.self)
        }
        var subject = "CONSUMER.CREATE." + stream + "." + name
        if let filter = config.filterSubject, !filter.isEmpty { subject += "." + filter }
        do {
            return try request(subject, body: body, as: ConsumerInfo.self)
        } catch .timeout, .notEnabled {
            // A server before 2.9 has no subscriber for the extended subject; the durable form may answer.
            guard let durable = config.durableName else { throw .timeout }
            return try request("CONSUMER.DURABLE.CREATE." + stream + "." + durable, body: body, as: ConsumerInfo.self)
        }
    }

    /// The consumer's configuration and progress; the server's 10014 when there is no such consumer.
    public func consumerInfo(stream: String, consumer: String) throws(JetStreamError) -> ConsumerInfo {
        try Self.checkName(stream, "stream")
        try Self.checkName(consumer, "consumer")
        return try request("CONSUMER.INFO." + stream + "." + consumer, as: ConsumerInfo.self)
    }

    public func deleteConsumer(stream: String, consumer: String) throws(JetStreamError) {
        try Self.checkName(stream, "stream")
        try Self.checkName(consumer, "consumer")
        let answer = try request("CONSUMER.DELETE." + stream + "." + consumer, as: SuccessResponse.self)
        guard answer.success == true else { throw .malformedResponse("consumer delete answered without success") }
    }

    /// Names of the stream's consumers.
    public func consumerNames(stream: String) throws(JetStreamError) -> [String] {
        try Self.checkName(stream, "stream")
        var names: [String] = []
        while true {
            let query = NamesRequest(offset: names.count, subject: nil)
            let page = try request("CONSUMER.NAMES." + stream, body: query, as: NamesResponse.self)
            let found = page.consumers ?? []
            names += found
            if found.isEmpty || names.count >= (page.total ?? 0) { return names }
        }
    }

    /// A pull subscription on an existing consumer; checks the consumer exists first.
    public func pullSubscribe(stream: String, consumer: String) throws(JetStreamError) -> PullSubscription {
        _ = try consumerInfo(stream: stream, consumer: consumer)
        return try PullSubscription(context: self, stream: stream, consumer: consumer)
    }

    /// The body of a consumer create request.
    private struct CreateRequest: Encodable {
        var streamName: String
        var config: ConsumerConfig

        enum CodingKeys: String, CodingKey {
            case config
            case streamName = "stream_name"
        }
    }
}
