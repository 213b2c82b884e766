import Client

/// Declares streams and durable consumers on a server, idempotently: what is missing is created,
/// what differs in a declared setting is updated when the server allows the change, the rest is left
/// alone. Running it twice changes nothing the second time.
///
/// Only the settings a declaration makes are compared: a stream keeps extra subjects and limits an
/// operator added; its duplicate window counts as a minimum, its `max_bytes` and `max_msg_size` as
/// maximums (an operator's tighter bound stays, a looser one or none is brought down). A server refusal becomes a `.failed`
/// outcome carrying the server's text; only transport failures (no JetStream, timeouts) are thrown.
public struct JetStreamSetup: Sendable {
    public let context: JetStreamContext
    /// Report what would change without changing anything.
    public var dryRun: Bool
    /// Replicas for the streams (a nats-server cluster); nil: new streams get 1, existing keep theirs.
    public var replicas: Int?

    public init(context: JetStreamContext, dryRun: Bool = false, replicas: Int? = nil) {
        self.context = context
        self.dryRun = dryRun
        self.replicas = replicas
    }

    /// Declares ffrtmp's streams and job consumers (`FleetTopology`).
    public func applyFleet() throws(JetStreamError) -> [SetupOutcome] {
        try apply(streams: FleetTopology.streams, consumers: [FleetTopology.jobsStream: FleetTopology.jobConsumers])
    }

    /// Declares `streams`, then each stream's `consumers`; outcomes in that order.
    public func apply(streams: [StreamConfig], consumers: [String: [ConsumerConfig]])
        throws(JetStreamError) -> [SetupOutcome]
    {
        var outcomes: [SetupOutcome] = []
        for stream in streams {
            let outcome = try declareStream(stream)
            outcomes.append(outcome)
            for consumer in consumers[stream.name] ?? [] {
                let name = stream.name + "/" + (consumer.effectiveName ?? "?")
                if outcome.isFailure {
                    outcomes.append(
                        SetupOutcome(
                            kind: .consumer, name: name, action: .skipped,
                            error: "stream \(stream.name) is not in place"))
                } else if outcome.action == .wouldCreate {
                    outcomes.append(
                        SetupOutcome(
                            kind: .consumer, name: name, action: .wouldCreate,
                            summary: Self.summary(of: consumer)))
                } else {
                    outcomes.append(try declareConsumer(consumer, on: stream.name))
                }
            }
        }
        return outcomes
    }

    // MARK: streams

    func declareStream(_ declared: StreamConfig) throws(JetStreamError) -> SetupOutcome {
        var wanted = declared
        if let replicas { wanted.replicas = replicas }
        var outcome = SetupOutcome(kind: .stream, name: wanted.name, action: .unchanged)
        let current: StreamConfig
        do {
            current = try context.streamInfo(wanted.name).config
        } catch .server(_, JetStreamError.streamNotFoundCode, _) {
            return try createStream(wanted)
        }
        let changes = Self.streamChanges(from: current, to: wanted, replicasDeclared: replicas != nil)
        guard !changes.isEmpty else { return outcome }
        outcome.changes = changes
        if dryRun {
            outcome.action = .wouldUpdate
            return outcome
        }
        let merged = Self.merge(wanted, into: current, replicasDeclared: replicas != nil)
        do {
            try context.updateStream(merged)
            outcome.action = .updated
            return outcome
        } catch .server(_, _, let description) where changes.contains(where: { $0.field == "max_msgs_per_subject" }) {
            // Fall back without the per-subject limit: some servers refuse it.
            var without = merged
            without.maxMessagesPerSubject = current.maxMessagesPerSubject
            outcome.changes.removeAll { $0.field == "max_msgs_per_subject" }
            outcome.note = Self.perSubjectNote(description, wanted)
            if outcome.changes.isEmpty {
                outcome.action = .unchanged
                return outcome
            }
            return try update(without, outcome)
        } catch .server(_, _, let description) {
            return Self.refusedUpdate(outcome, description)
        }
    }

    private func createStream(_ wanted: StreamConfig) throws(JetStreamError) -> SetupOutcome {
        var outcome = SetupOutcome(
            kind: .stream, name: wanted.name, action: dryRun ? .wouldCreate : .created,
            summary: Self.summary(of: wanted))
        if dryRun { return outcome }
        do {
            try context.addStream(wanted)
        } catch .server(_, _, let description) where wanted.maxMessagesPerSubject > 0 {
            var without = wanted
            without.maxMessagesPerSubject = -1
            outcome.note = Self.perSubjectNote(description, wanted)
            outcome.summary = Self.summary(of: without)
            do {
                try context.addStream(without)
            } catch .server(_, _, let description) {
                return Self.refusedCreate(outcome, description)
            }
        } catch .server(_, _, let description) {
            return Self.refusedCreate(outcome, description)
        }
        return outcome
    }

    private func update(_ config: StreamConfig, _ outcome: SetupOutcome) throws(JetStreamError) -> SetupOutcome {
        do {
            try context.updateStream(config)
            var updated = outcome
            updated.action = .updated
            return updated
        } catch .server(_, _, let description) {
            return Self.refusedUpdate(outcome, description)
        }
    }

    /// The declared settings of `wanted` that `current` lacks.
    static func streamChanges(
        from current: StreamConfig, to wanted: StreamConfig,
        replicasDeclared: Bool
    ) -> [SetupChange] {
        var changes: [SetupChange] = []
        func differ(_ field: String, _ current: String, _ wanted: String) {
            if current != wanted { changes.append(SetupChange(field: field, current: current, wanted: wanted)) }
        }
        let missing = wanted.subjects.filter { !current.subjects.contains($0) }
        if !missing.isEmpty {
            let wanted = current.subjects + missing
            differ("subjects", current.subjects.joined(separator: ","), wanted.joined(separator: ","))
        }
        differ("retention", current.retention.rawValue, wanted.retention.rawValue)
        differ("storage", current.storage.rawValue, wanted.storage.rawValue)
        differ("discard", current.discard.rawValue, wanted.discard.rawValue)
        differ("no_ack", String(current.noAck), String(wanted.noAck))
        differ("max_age", DurationText.format(current.maxAge), DurationText.format(wanted.maxAge))
        if current.duplicateWindow < wanted.duplicateWindow {
            differ(
                "duplicate_window", DurationText.format(current.duplicateWindow),
                DurationText.format(wanted.duplicateWindow))
        }
        if wanted.maxMessagesPerSubject > 0 {
            differ("max_msgs_per_subject", String(current.maxMessagesPerSubject), String(wanted.maxMessagesPerSubject))
        }
        if exceeds(current.maxBytes, wanted.maxBytes) {
            differ("max_bytes", String(current.maxBytes), String(wanted.maxBytes))
        }
        if exceeds(Int64(current.maxMessageSize), Int64(wanted.maxMessageSize)) {
            differ("max_msg_size", String(current.maxMessageSize), String(wanted.maxMessageSize))
        }
        if replicasDeclared { differ("num_replicas", String(current.replicas), String(wanted.replicas)) }
        return changes
    }

    /// `current` with the declared settings of `wanted` laid over it.
    static func merge(_ wanted: StreamConfig, into current: StreamConfig, replicasDeclared: Bool) -> StreamConfig {
        var merged = current
        merged.subjects = current.subjects + wanted.subjects.filter { !current.subjects.contains($0) }
        merged.retention = wanted.retention
        merged.storage = wanted.storage
        merged.discard = wanted.discard
        merged.noAck = wanted.noAck
        merged.maxAge = wanted.maxAge
        merged.duplicateWindow = max(current.duplicateWindow, wanted.duplicateWindow)
        if wanted.maxMessagesPerSubject > 0 { merged.maxMessagesPerSubject = wanted.maxMessagesPerSubject }
        if exceeds(current.maxBytes, wanted.maxBytes) { merged.maxBytes = wanted.maxBytes }
        if exceeds(Int64(current.maxMessageSize), Int64(wanted.maxMessageSize)) {
            merged.maxMessageSize = wanted.maxMessageSize
        }
        if replicasDeclared { merged.replicas = wanted.replicas }
        return merged
    }

    /// Whether a current limit is looser than a declared maximum (-1 or 0: no limit at all).
    static func exceeds(_ current: Int64, _ declared: Int64) -> Bool {
        declared > 0 && (current <= 0 || current > declared)
    }

    static func summary(of config: StreamConfig) -> String {
        var parts = [
            "subjects " + config.subjects.joined(separator: ","), config.retention.rawValue,
            config.storage.rawValue + " storage",
        ]
        if config.maxAge > .zero { parts.append("max age " + DurationText.format(config.maxAge)) }
        if config.retention == .workqueue {
            parts.append("duplicate window " + DurationText.format(config.duplicateWindow))
        }
        if config.maxMessagesPerSubject > 0 { parts.append("\(config.maxMessagesPerSubject) per subject") }
        if config.maxBytes > 0 { parts.append("max bytes \(config.maxBytes)") }
        if config.maxMessageSize > 0 { parts.append("max message size \(config.maxMessageSize)") }
        if config.replicas > 1 { parts.append("\(config.replicas) replicas") }
        if config.noAck { parts.append("no ack") }
        return parts.joined(separator: ", ")
    }

    private static func perSubjectNote(_ description: String, _ wanted: StreamConfig) -> String {
        "the server refused max_msgs_per_subject=\(wanted.maxMessagesPerSubject) (\(description)); "
            + "\(wanted.name) keeps every message until max_age instead"
    }

    private static func refusedCreate(_ outcome: SetupOutcome, _ description: String) -> SetupOutcome {
        var failed = outcome
        failed.action = .failed
        failed.error = "cannot create \(outcome.kind.rawValue) \(outcome.name): \(description)"
        return failed
    }

    private static func refusedUpdate(_ outcome: SetupOutcome, _ description: String) -> SetupOutcome {
        var failed = outcome
        failed.action = .failed
        let differences = outcome.changes.map(\.description).joined(separator: ", ")
        failed.error =
            "\(outcome.kind.rawValue) \(outcome.name) exists with different settings (\(differences)) "
            + "and the server refused to change them: \(description)"
        return failed
    }
}
