import Client

/// Declaring durable consumers: created when missing, updated when a declared setting differs.
extension JetStreamSetup {
    func declareConsumer(_ wanted: ConsumerConfig, on stream: String) throws(JetStreamError) -> SetupOutcome {
        let consumerName = wanted.effectiveName ?? ""
        var outcome = SetupOutcome(kind: .consumer, name: stream + "/" + consumerName, action: .unchanged)
        let current: ConsumerConfig
        do {
            current = try context.consumerInfo(stream: stream, consumer: consumerName).config
        } catch .server(_, JetStreamError.consumerNotFoundCode, _) {
            outcome.summary = Self.summary(of: wanted)
            outcome.action = dryRun ? .wouldCreate : .created
            if dryRun { return outcome }
            do {
                try context.addOrUpdateConsumer(stream: stream, wanted)
            } catch .server(_, _, let description) {
                outcome.action = .failed
                outcome.error = "cannot create consumer \(outcome.name): \(description)"
            }
            return outcome
        }
        outcome.changes = Self.consumerChanges(from: current, to: wanted)
        guard !outcome.changes.isEmpty else { return outcome }
        if dryRun {
            outcome.action = .wouldUpdate
            return outcome
        }
        do {
            try context.addOrUpdateConsumer(stream: stream, Self.merge(wanted, into: current))
            outcome.action = .updated
        } catch .server(_, _, let description) {
            outcome.action = .failed
            let differences = outcome.changes.map(\.description).joined(separator: ", ")
            outcome.error =
                "consumer \(outcome.name) exists with different settings (\(differences)) "
                + "and the server refused to change them: \(description)"
        }
        return outcome
    }

    /// The declared settings of `wanted` that `current` lacks.
    static func consumerChanges(from current: ConsumerConfig, to wanted: ConsumerConfig) -> [SetupChange] {
        var changes: [SetupChange] = []
        func differ(_ field: String, _ current: String, _ wanted: String) {
            if current != wanted { changes.append(SetupChange(field: field, current: current, wanted: wanted)) }
        }
        differ("filter_subject", current.filterSubject ?? "(none)", wanted.filterSubject ?? "(none)")
        differ("ack_policy", current.ackPolicy.rawValue, wanted.ackPolicy.rawValue)
        differ("ack_wait", DurationText.format(current.ackWait), DurationText.format(wanted.ackWait))
        differ("max_deliver", String(current.maxDeliver), String(wanted.maxDeliver))
        if let pending = wanted.maxAckPending {
            differ("max_ack_pending", current.maxAckPending.map(String.init) ?? "(default)", String(pending))
        }
        return changes
    }

    /// `current` with the declared settings of `wanted` laid over it.
    static func merge(_ wanted: ConsumerConfig, into current: ConsumerConfig) -> ConsumerConfig {
        var merged = current
        merged.durableName = wanted.durableName ?? current.durableName
        merged.filterSubject = wanted.filterSubject
        merged.ackPolicy = wanted.ackPolicy
        merged.ackWait = wanted.ackWait
        merged.maxDeliver = wanted.maxDeliver
        if let pending = wanted.maxAckPending { merged.maxAckPending = pending }
        return merged
    }

    static func summary(of config: ConsumerConfig) -> String {
        var parts = [
            "filter " + (config.filterSubject ?? "(none)"), "ack " + config.ackPolicy.rawValue,
            "ack wait " + DurationText.format(config.ackWait),
        ]
        if config.maxDeliver > 0 { parts.append("max deliver \(config.maxDeliver)") }
        if let pending = config.maxAckPending { parts.append("max ack pending \(pending)") }
        return parts.joined(separator: ", ")
    }
}
