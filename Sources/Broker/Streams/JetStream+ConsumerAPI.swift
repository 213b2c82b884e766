import FoundationEssentials
import Support
import Wire

/// `$JS.API.CONSUMER.*`: create (durable and ephemeral pull consumers, ephemeral push consumers),
/// info, delete, names, list.
extension JetStream {
    private struct CreateRequest: Decodable {
        var stream_name: String?
        var config: ConsumerConfig?
        var action: String?
    }

    func createConsumer(
        stream streamName: String, nameInSubject: String?, filterInSubject: String?,
        body: [UInt8], now: Int64, durableInSubject: Bool = false
    ) -> APIAnswer {
        let type = "consumer_create_response"
        let request: CreateRequest
        do {
            request = try JSONDecoder().decode(CreateRequest.self, from: Data(body))
        } catch {
            return .failure(type, .invalidJSON("\(error)"))
        }
        guard let stream = streams[streamName] else { return .failure(type, .streamNotFound) }
        if let named = request.stream_name, !named.isEmpty, named != streamName {
            return .failure(type, .streamNameMismatch)
        }
        var config = request.config ?? ConsumerConfig()
        if durableInSubject && config.durableName == nil { config.durableName = nameInSubject }
        if let nameInSubject {
            let requested = config.durableName ?? config.name
            if let requested, requested != nameInSubject { return .failure(type, .consumerNameMismatch) }
            if config.name == nil { config.name = nameInSubject }
        }
        if let filterInSubject {
            // nats-server: the filter in the subject must be the body's filter.
            if config.filters != [filterInSubject] {
                return .failure(
                    type,
                    JetStreamError(
                        code: 400, errorCode: 10131,
                        description: "Consumer create request did not match filtered subject from create subject"))
            }
        }
        if let durable = config.durableName, config.name == nil { config.name = durable }
        let name = config.name ?? JetStream.randomConsumerName()
        config.name = name
        if config.durableName == nil && config.inactiveThreshold == nil { config.inactiveThreshold = 5_000_000_000 }
        if let error = validate(config, name: name, for: stream) { return .failure(type, error) }
        if let existing = stream.consumers[name] {
            if existing.config.ackPolicy != config.ackPolicy { return .failure(type, .ackPolicyUpdate) }
            if request.action == "create" && !sameSettings(existing.config, config) {
                return .failure(
                    type, JetStreamError(code: 400, errorCode: 10148, description: "consumer already exists"))
            }
            if !sameSettings(existing.config, config) {
                existing.config = config
                if existing.isDurable {
                    try? directory.saveConsumer(
                        stream: stream.name,
                        .init(
                            name: name, config: config,
                            created: existing.created))
                }
            }
            return .success(info(of: existing, type: type, now: now))
        }
        if stream.config.maxConsumers > 0 && stream.consumers.count >= stream.config.maxConsumers {
            return .failure(
                type, JetStreamError(code: 400, errorCode: 10026, description: "maximum consumers limit reached"))
        }
        do {
            if config.durableName != nil && stream.config.storage == .file {
                try directory.saveConsumer(stream: stream.name, .init(name: name, config: config, created: now))
            }
            let consumer = try attachConsumer(name: name, config: config, created: now, to: stream, now: now)
            // A push consumer whose client already subscribes starts delivering at the end of this
            // turn, after the answer (as nats-server orders them).
            if consumer.push != nil { needsDispatch(stream) }
            logger.info(
                "consumer created",
                [
                    "stream": stream.name, "consumer": name, "filter": config.filters.joined(separator: ","),
                ])
            return .success(info(of: consumer, type: type, now: now))
        } catch {
            return .failure(type, .storeFailed("cannot create consumer: \(error)"))
        }
    }

    func consumerInfo(stream: String, consumer: String, now: Int64) -> APIAnswer {
        let type = "consumer_info_response"
        guard let owner = streams[stream] else { return .failure(type, .streamNotFound) }
        guard let found = owner.consumers[consumer] else { return .failure(type, .consumerNotFound) }
        return .success(info(of: found, type: type, now: now))
    }

    func deleteConsumer(stream: String, consumer: String) -> APIAnswer {
        let type = "consumer_delete_response"
        guard let owner = streams[stream] else { return .failure(type, .streamNotFound) }
        guard let found = owner.consumers[consumer] else { return .failure(type, .consumerNotFound) }
        found.cancelWaiting(output: self)
        forget(found)
        owner.consumers[consumer] = nil
        do {
            try found.persistence.destroy()
            try directory.removeConsumer(stream: stream, consumer: consumer)
        } catch {
            logger.warning("consumer files not removed", ["stream": stream, "consumer": consumer, "error": error])
        }
        return .success(APIResponse.Success(type: "io.nats.jetstream.api.v1.\(type)"))
    }

    func consumerNames(stream: String) -> APIAnswer {
        guard let owner = streams[stream] else { return .failure("consumer_names_response", .streamNotFound) }
        let names = owner.consumers.keys.sorted()
        return .success(APIResponse.ConsumerNames(total: names.count, consumers: names))
    }

    func consumerList(stream: String, now: Int64) -> APIAnswer {
        guard let owner = streams[stream] else { return .failure("consumer_list_response", .streamNotFound) }
        let infos = owner.consumers.keys.sorted().map { info(of: owner.consumers[$0]!, type: nil, now: now) }
        return .success(APIResponse.ConsumerList(total: infos.count, consumers: infos))
    }

    func info(of consumer: Consumer, type: String?, now: Int64) -> APIResponse.ConsumerInfo {
        APIResponse.ConsumerInfo(
            type: type.map { "io.nats.jetstream.api.v1.\($0)" }, stream_name: consumer.stream.name, name: consumer.name,
            created: APIResponse.timestamp(consumer.created), config: consumer.config,
            delivered: .init(
                consumer_seq: consumer.deliveredConsumerSequence,
                stream_seq: consumer.deliveredStreamSequence),
            ack_floor: .init(
                consumer_seq: consumer.ackFloorConsumerSequence,
                stream_seq: consumer.ackFloorStreamSequence),
            num_ack_pending: consumer.pending.count, num_redelivered: consumer.numberRedelivered,
            num_waiting: consumer.waiting.count, num_pending: consumer.numberPending,
            push_bound: consumer.push.map { hasInterest(in: $0.deliverSubject) }, ts: APIResponse.timestamp(now))
    }

    // MARK: helpers

    private func validate(_ config: ConsumerConfig, name: String, for stream: MessageStream) -> JetStreamError? {
        if !JetStream.isValidName(name) {
            return JetStreamError(code: 400, errorCode: 10128, description: "consumer name is invalid")
        }
        if let error = validatePush(config, for: stream) { return error }
        if let error = validateDurations(config) { return error }
        if config.deliverPolicy == .byStartTime { return .notSupported("deliver_policy by_start_time") }
        if config.replicas > 1 { return .replicasNotSupported }
        for filter in config.filters where !Subject.isValidSubscribe(filter) { return .invalidSubject }
        guard stream.config.retention == .workqueue else { return nil }
        if config.ackPolicy != .explicit { return .workQueueNeedsExplicitAck }
        for other in stream.consumers.values where other.name != name {
            let otherFilters = other.config.filters
            if config.filters.isEmpty { return .workQueueMultipleUnfiltered }
            if otherFilters.isEmpty { return .workQueueFilterNotUnique }
            for mine in config.filters where otherFilters.contains(where: { Subject.patternsOverlap($0, mine) }) {
                return .workQueueFilterNotUnique
            }
        }
        return nil
    }

    /// Push consumers as nats-py's ordered consumer makes them: ephemeral, `ack_policy: none`, with
    /// flow control (which bounds what is in flight) and heartbeats. nats-server's refusals for a
    /// bad deliver subject or heartbeat; ours for what we do not implement.
    private func validatePush(_ config: ConsumerConfig, for stream: MessageStream) -> JetStreamError? {
        guard let deliverSubject = config.deliverSubject else { return nil }
        if !Subject.isValidPublish(deliverSubject) {
            return JetStreamError(code: 400, errorCode: 10079, description: "consumer deliver subject has wildcards")
        }
        if stream.captures(deliverSubject) {
            return JetStreamError(code: 400, errorCode: 10081, description: "consumer deliver subject forms a cycle")
        }
        if config.idleHeartbeat > 0 && config.idleHeartbeat < PushDelivery.minimumHeartbeat {
            return JetStreamError(
                code: 400, errorCode: 10083, description: "consumer idle heartbeat needs to be >= 100ms")
        }
        if config.flowControl && config.idleHeartbeat == 0 {
            return JetStreamError(
                code: 400, errorCode: 10108, description: "consumer with flow control also needs heartbeats")
        }
        if config.durableName != nil { return .notSupported("durable push consumers") }
        if config.deliverGroup != nil { return .notSupported("push consumers with deliver_group") }
        if config.ackPolicy != .none { return .notSupported("push consumers with acknowledgements (ack_policy)") }
        if !config.flowControl { return .notSupported("push consumers without flow_control") }
        return nil
    }

    /// Durations off the wire, checked before anything adds them to a clock: nats-server's refusals.
    private func validateDurations(_ config: ConsumerConfig) -> JetStreamError? {
        if config.ackWait < 0 { return .ackWaitNegative }
        guard let backoff = config.backoff, !backoff.isEmpty else { return nil }
        if backoff.contains(where: { $0 < 0 }) { return .backoffNegative }
        if config.maxDeliver > 0 && backoff.count > config.maxDeliver { return .maxDeliverBackoff }
        return nil
    }

    /// Settings compared when a create names an existing consumer.
    private func sameSettings(_ left: ConsumerConfig, _ right: ConsumerConfig) -> Bool {
        left.filters == right.filters && left.ackWait == right.ackWait && left.maxDeliver == right.maxDeliver
            && left.maxAckPending == right.maxAckPending && left.deliverPolicy == right.deliverPolicy
            && left.backoff == right.backoff && left.maxWaiting == right.maxWaiting
    }

    /// An 8-character name for an ephemeral consumer.
    static func randomConsumerName() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<8).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }
}
