import Client
import Model
import Support

#if canImport(Glibc)
    import Glibc
#endif

/// Taking in what the fleet publishes: heartbeats and telemetry (core subscriptions, filed in the
/// `FleetInbox`, decoded by the decoder threads: live view at once, store in batches through
/// `StoreWriter`), lifecycle events and results (durable
/// feeds, store then acknowledge).
///
/// The sender is trusted, not the payload: a heartbeat, sample, result or `started` event whose
/// `node_id` is not its subject's node token is refused, and so is one with a figure outside physical sense
/// (`ReportedValueBounds`). Each refusal is counted by kind and reason (`MessageRefusal`).
extension Master {
    /// A decoder thread: takes its inbox shard's messages as they come and handles each as
    /// `take(heartbeat:)` and `take(telemetry:)` do, until the inbox is closed and empty.
    ///
    /// The thread runs at nice 10 (Linux: nice is per thread): when the CPU is short the NATS
    /// reader, which only files messages, goes first, so the broker never sees the master as a
    /// slow consumer; the decoders get less done and more samples are coalesced instead.
    func decode(_ shard: FleetInboxShard) {
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
        while true {
            let batch = shard.take(waitingUpTo: 0.1)
            for message in batch.heartbeats { take(heartbeat: message) }
            for message in batch.telemetry { take(telemetry: message) }
            if batch.closed { return }
        }
    }

    func take(heartbeat message: Message) {
        guard let heartbeat = decode(Heartbeat.self, message.payload) else { return }
        guard admit(heartbeat.nodeID, heartbeat.implausibleField, kind: "heartbeat", subject: message.subject) else {
            return
        }
        let (now, monotonic) = (Timestamp.nowNanoseconds(), Clock.monotonicNanoseconds())
        let json = message.string
        fleet.heard(heartbeat, json: json, at: monotonic, unix: now)
        queueForStore(.heartbeat(heartbeat, json: json, at: now, monotonic: monotonic))
    }

    func take(telemetry message: Message) {
        // The quick scan reads what agents write; anything else goes to the full decoder, which names a fault.
        guard
            let sample = TelemetrySample.quickDecoded(from: message.payload)
                ?? decode(TelemetrySample.self, message.payload)
        else { return }
        guard admit(sample.nodeID, sample.implausibleField, kind: "telemetry", subject: message.subject) else {
            return
        }
        let (now, monotonic) = (Timestamp.nowNanoseconds(), Clock.monotonicNanoseconds())
        fleet.heard(sample, json: message.string, at: monotonic, unix: now)
        queueForStore(.telemetry(sample, at: now, monotonic: monotonic))
    }

    /// True when `node` is the subject's node token (`hb.<node>`, `metrics.<node>`) and no field is
    /// implausible; otherwise counts the refusal.
    private func admit(_ node: String, _ implausibleField: String?, kind: String, subject: String) -> Bool {
        let prefix = kind == "heartbeat" ? Subjects.heartbeatPrefix : Subjects.metricsPrefix
        var refusal: MessageRefusal?
        if MessageRefusal.node(of: subject, after: prefix) != Substring(node) {
            refusal = .nodeMismatch(kind)
        } else if let implausibleField {
            refusal = .implausible(kind, field: implausibleField)
        }
        guard let refusal else { return true }
        refuse(refusal, subject: subject)
        return false
    }

    /// Counts a refused message and logs it at debug (a forging node must not flood the log).
    func refuse(_ refusal: MessageRefusal, subject: String) {
        fleet.count { $0.refused[refusal, default: 0] += 1 }
        logger.debug("refused a message", ["subject": subject, "kind": refusal.kind, "reason": refusal.reason])
    }

    /// Hands a record to the store writer; counts it when the writer's queue is full.
    private func queueForStore(_ record: FleetRecord) {
        if !writer.submit(record) { fleet.count { $0.storeDropped += 1 } }
    }

    func take(event message: JetStreamMessage) -> DurableFeed.Disposition {
        let event: JobEvent
        do {
            event = try MessageCoding.decode(JobEvent.self, from: message.payload)
        } catch {
            fleet.count { $0.invalid += 1 }
            return .invalid("\(error)")
        }
        if let refusal = MessageRefusal.unprovenStart(event, subject: message.subject)
            ?? event.implausibleField.map({ MessageRefusal.implausible("event", field: $0) })
        {
            refuse(refusal, subject: message.subject)
            return .refused(refusal.reason)
        }
        do {
            let queued =
                event.state == .queued ? try? MessageCoding.decode(QueuedJobEvent.self, from: message.payload) : nil
            let recording = try store.record(event, sequence: message.metadata.streamSequence, queued: queued)
            if case .revokedResult = recording {
                refuse(MessageRefusal(kind: "result", reason: "not_assigned"), subject: message.subject)
            }
        } catch {
            fleet.count { $0.storeFailures += 1 }
            return .failed("\(error)")
        }
        fleet.count { $0.events += 1 }
        live.publish(event: "job", data: message.string)
        return .stored
    }

    func take(result message: JetStreamMessage) -> DurableFeed.Disposition {
        let result: JobResult
        do {
            result = try MessageCoding.decode(JobResult.self, from: message.payload)
        } catch {
            fleet.count { $0.invalid += 1 }
            return .invalid("\(error)")
        }
        let recording: MasterStore.ResultRecording
        do {
            let decision = ResultAdmission.decide(
                result, subject: message.subject,
                startedBy: try store.startedNode(ofJob: result.jobID, attempt: result.attempt))
            switch decision {
            case .refuse(let refusal):
                refuse(refusal, subject: message.subject)
                return .refused(refusal.reason)
            case .accept(let verified):
                if !verified { fleet.count { $0.unverifiedResults += 1 } }
                recording = try store.record(result, json: message.string, verified: verified)
            }
        } catch {
            fleet.count { $0.storeFailures += 1 }
            return .failed("\(error)")
        }
        switch recording {
        case .duplicateSuccess:
            let refusal = MessageRefusal(kind: "result", reason: "duplicate_success")
            refuse(refusal, subject: message.subject)
            return .refused(refusal.reason)
        case .replacedUnverified:
            // The unverified success it replaced leaves the store: the job still counts once.
            refuse(MessageRefusal(kind: "result", reason: "duplicate_success"), subject: message.subject)
        case .stored:
            break
        }
        fleet.count { $0.results += 1 }
        var update = JSONWriter()
        update.add("job_id", result.jobID)
        update.add("state", result.status.rawValue)
        update.add("attempt", result.attempt)
        live.publish(event: "job", data: update.text)
        return .stored
    }

    /// A heartbeat or telemetry sample, or nil (counted and logged at debug) when it is not one.
    private func decode<Value: Decodable>(_ type: Value.Type, _ payload: [UInt8]) -> Value? {
        do {
            return try MessageCoding.decode(type, from: payload)
        } catch {
            fleet.count { $0.invalid += 1 }
            logger.debug("ignored a message that is not valid", ["kind": "\(type)", "error": "\(error)"])
            return nil
        }
    }
}
