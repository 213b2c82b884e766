import FoundationEssentials
import Support
import Wire

/// `$JS.API.STREAM.*`: create, update, info, delete, purge, names, list, message get/delete.
extension JetStream {
    func createStream(named name: String, body: [UInt8], now: Int64) -> APIAnswer {
        let type = "stream_create_response"
        var config: StreamConfig
        switch decodeStreamConfig(body, name: name) {
        case .success(let decoded): config = decoded
        case .failure(let error): return .failure(type, error)
        }
        if config.subjects.isEmpty { config.subjects = [config.name] }
        if let existing = streams[config.name] {
            guard existing.config == config else { return .failure(type, .streamNameInUse) }
            var answer = info(of: existing, type: type, now: now)
            answer.did_create = true
            return .success(answer)
        }
        if let error = validate(config, replacing: nil) { return .failure(type, error) }
        if config.sealed {
            return .failure(
                type,
                JetStreamError(
                    code: 500, errorCode: 10052, description: "stream configuration for create can not be sealed"))
        }
        do {
            try directory.saveStream(.init(config: config, created: now))
            let stream = try openStream(config: config, created: now)
            logger.info("stream created", ["stream": config.name, "subjects": config.subjects.joined(separator: ",")])
            var answer = info(of: stream, type: type, now: now)
            answer.did_create = true
            return .success(answer)
        } catch {
            return .failure(type, .storeFailed("cannot create stream: \(error)"))
        }
    }

    func updateStream(named name: String, body: [UInt8], now: Int64) -> APIAnswer {
        let type = "stream_update_response"
        var config: StreamConfig
        switch decodeStreamConfig(body, name: name) {
        case .success(let decoded): config = decoded
        case .failure(let error): return .failure(type, error)
        }
        guard let stream = streams[config.name] else { return .failure(type, .streamNotFound) }
        if config.subjects.isEmpty { config.subjects = stream.config.subjects }
        if config.storage != stream.config.storage { return .failure(type, .storageTypeChange) }
        if config.retention != stream.config.retention {
            return .failure(
                type,
                JetStreamError(
                    code: 500, errorCode: 10052,
                    description: "stream configuration update can not change retention policy to/from workqueue"))
        }
        if let error = validate(config, replacing: stream) { return .failure(type, error) }
        do {
            try directory.saveStream(.init(config: config, created: stream.created))
        } catch {
            return .failure(type, .storeFailed("cannot save stream: \(error)"))
        }
        stream.config = config
        captureSubjects(of: stream)
        _ = stream.discardOldestBeyondLimits()
        needsSyncAfterRemovals(stream)
        return .success(info(of: stream, type: type, now: now))
    }

    func streamInfo(named name: String, now: Int64) -> APIAnswer {
        guard let stream = streams[name] else { return .failure("stream_info_response", .streamNotFound) }
        return .success(info(of: stream, type: "stream_info_response", now: now))
    }

    func deleteStream(named name: String) -> APIAnswer {
        let type = "stream_delete_response"
        guard let stream = streams[name] else { return .failure(type, .streamNotFound) }
        do {
            try removeStream(stream)
        } catch {
            return .failure(type, .storeFailed("cannot delete stream: \(error)"))
        }
        logger.info("stream deleted", ["stream": name])
        return .success(APIResponse.Success(type: "io.nats.jetstream.api.v1.\(type)"))
    }

    func purgeStream(named name: String, body: [UInt8]) -> APIAnswer {
        let type = "stream_purge_response"
        guard let stream = streams[name] else { return .failure(type, .streamNotFound) }
        if stream.config.denyPurge || stream.config.sealed {
            return .failure(
                type, JetStreamError(code: 500, errorCode: 10110, description: "stream purge not permitted"))
        }
        let request: PurgeRequest
        switch PurgeRequest.parse(body) {
        case .success(let parsed): request = parsed
        case .failure(let error): return .failure(type, error)
        }
        do {
            let purged = try stream.purge(request)
            needsSyncAfterRemovals(stream)
            return .success(APIResponse.Success(type: "io.nats.jetstream.api.v1.\(type)", purged: UInt64(purged)))
        } catch {
            return .failure(type, .storeFailed("\(error)"))
        }
    }

    private struct NamesFilter: Decodable { var subject: String? }

    func streamNames(body: [UInt8]) -> APIAnswer {
        var names = streams.keys.sorted()
        if !body.isEmpty, let filter = try? JSONDecoder().decode(NamesFilter.self, from: Data(body)),
            let subject = filter.subject, !subject.isEmpty
        {
            names = names.filter { name in
                streams[name]!.config.subjects.contains { Subject.patternsOverlap($0, subject) }
            }
        }
        return .success(APIResponse.StreamNames(total: names.count, streams: names))
    }

    func streamList(now: Int64) -> APIAnswer {
        let infos = streams.keys.sorted().map { info(of: streams[$0]!, type: nil, now: now) }
        return .success(APIResponse.StreamList(total: infos.count, streams: infos))
    }

    private struct MessageRequest: Decodable {
        var seq: UInt64?
        var last_by_subj: String?
    }

    func getMessage(stream name: String, body: [UInt8]) -> APIAnswer {
        let type = "stream_msg_get_response"
        guard let stream = streams[name] else { return .failure(type, .streamNotFound) }
        let request: MessageRequest
        switch decodeMessageRequest(body) {
        case .success(let decoded): request = decoded
        case .failure(let error): return .failure(type, error)
        }
        guard let sequence = request.seq ?? request.last_by_subj.map({ stream.lastSequence(matching: $0) ?? 0 }),
            request.seq != 0
        else { return .failure(type, .badRequest) }
        guard sequence > 0, let message = try? stream.storage.message(at: sequence) else {
            return .failure(type, .noMessageFound)
        }
        return .success(
            APIResponse.MessageGet(
                message: .init(
                    subject: message.subject, seq: message.sequence,
                    hdrs: message.headers.isEmpty ? nil : Data(message.headers).base64EncodedString(),
                    data: Data(message.payload).base64EncodedString(), time: APIResponse.timestamp(message.timestamp))))
    }

    func deleteMessage(stream name: String, body: [UInt8]) -> APIAnswer {
        let type = "stream_msg_delete_response"
        guard let stream = streams[name] else { return .failure(type, .streamNotFound) }
        if stream.config.denyDelete || stream.config.sealed {
            return .failure(
                type, JetStreamError(code: 500, errorCode: 10057, description: "message delete not permitted"))
        }
        let request: MessageRequest
        switch decodeMessageRequest(body) {
        case .success(let decoded): request = decoded
        case .failure(let error): return .failure(type, error)
        }
        guard let sequence = request.seq, sequence != 0 else { return .failure(type, .badRequest) }
        guard (try? stream.storage.remove(sequence)) == true else { return .failure(type, .noMessageFound) }
        stream.noteRemovals()
        needsSyncAfterRemovals(stream)
        return .success(APIResponse.Success(type: "io.nats.jetstream.api.v1.\(type)"))
    }

    // MARK: helpers

    /// A message get/delete body; a sequence that is no `UInt64` (negative, fractional, too large)
    /// is invalid JSON, as nats-server reports it.
    private func decodeMessageRequest(_ body: [UInt8]) -> Result<MessageRequest, JetStreamError> {
        guard !body.isEmpty else { return .failure(.badRequest) }
        do {
            return .success(try JSONDecoder().decode(MessageRequest.self, from: Data(body)))
        } catch {
            return .failure(.invalidJSON("\(error)"))
        }
    }

    func info(of stream: MessageStream, type: String?, now: Int64) -> APIResponse.StreamInfo {
        let state = stream.storage.state
        return APIResponse.StreamInfo(
            type: type.map { "io.nats.jetstream.api.v1.\($0)" }, config: stream.config,
            created: APIResponse.timestamp(stream.created),
            state: .init(
                messages: UInt64(clamping: state.messages), bytes: UInt64(clamping: state.bytes),
                first_seq: state.messages == 0 && state.lastSequence == 0 ? 0 : state.firstSequence,
                first_ts: APIResponse.timestamp(state.firstTimestamp), last_seq: state.lastSequence,
                last_ts: APIResponse.timestamp(state.lastTimestamp), consumer_count: stream.consumers.count),
            ts: APIResponse.timestamp(now))
    }

    private func decodeStreamConfig(_ body: [UInt8], name: String) -> Result<StreamConfig, JetStreamError> {
        let config: StreamConfig
        do {
            config = try JSONDecoder().decode(StreamConfig.self, from: Data(body))
        } catch {
            return .failure(.invalidJSON("\(error)"))
        }
        var named = config
        if named.name.isEmpty { named.name = name }
        guard named.name == name else { return .failure(.streamNameMismatch) }
        return .success(named)
    }

    /// Checks a new or updated configuration; nil when acceptable.
    private func validate(_ config: StreamConfig, replacing existing: MessageStream?) -> JetStreamError? {
        if !JetStream.isValidName(config.name) {
            return JetStreamError(code: 400, errorCode: 10057, description: "invalid stream name")
        }
        if config.replicas > 1 { return .replicasNotSupported }
        if config.hasMirrorOrSources { return .notSupported("stream mirrors and sources") }
        if config.maxAge < 0 { return .maxAgeNegative }
        if config.duplicateWindow < 0 { return .duplicateWindowNegative }
        if config.maxMessageSize > Int64(Int32.max) {
            // nats-server holds max_msg_size in an int32 and refuses a larger value as invalid JSON.
            return .invalidJSON("max_msg_size \(config.maxMessageSize) does not fit in 32 bits")
        }
        if config.duplicateWindowGiven && config.maxAge > 0 && config.duplicateWindow > config.maxAge {
            return JetStreamError(
                code: 500, errorCode: 10052,
                description: "duplicates window can not be larger then max age")
        }
        if config.retention == .interest { return .notSupported("interest retention") }
        for subject in config.subjects where !Subject.isValidSubscribe(subject) {
            return .invalidSubject
        }
        if !config.noAck {
            if config.subjects.contains(">") {
                return JetStreamError(
                    code: 500, errorCode: 10052, description: "capturing all subjects requires no-ack to be true")
            }
            if config.subjects.contains(where: { Subject.patternsOverlap($0, "$JS.>") }) {
                return JetStreamError(
                    code: 500, errorCode: 10052,
                    description: "subjects that overlap with jetstream api require no-ack to be true")
            }
        }
        for other in streams.values where other !== existing {
            for mine in config.subjects {
                if other.config.subjects.contains(where: { Subject.patternsOverlap($0, mine) }) {
                    return .subjectsOverlap
                }
            }
        }
        return nil
    }

    /// Stream and consumer names: no dots, wildcards, whitespace or path separators.
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 255 && name != "." && name != ".."
            && !name.contains(where: { ".*> \t\r\n/\\".contains($0) || $0.asciiValue.map { $0 < 0x20 } == true })
    }

    func needsSyncAfterRemovals(_ stream: MessageStream) {
        needsSync(stream)
    }
}
