import Client
import Model
import Net
import Support

/// Taking in what the fleet publishes: heartbeats and telemetry (core subscriptions: live view
/// at once, store in batches through `StoreWriter`), lifecycle events and results (durable
/// feeds, store then acknowledge).
extension Master {
    func take(heartbeat message: Message) {
        guard let heartbeat = decode(Heartbeat.self, message.payload) else { return }
        let (now, monotonic) = (Timestamp.nowNanoseconds(), Clock.monotonicNanoseconds())
        let json = message.string
        fleet.heard(heartbeat, json: json, at: monotonic, unix: now)
        queueForStore(.heartbeat(heartbeat, json: json, at: now, monotonic: monotonic))
    }

    func take(telemetry message: Message) {
        guard let sample = decode(TelemetrySample.self, message.payload) else { return }
        let (now, monotonic) = (Timestamp.nowNanoseconds(), Clock.monotonicNanoseconds())
        fleet.heard(sample, json: message.string, at: monotonic, unix: now)
        queueForStore(.telemetry(sample, at: now, monotonic: monotonic))
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
        do {
            try store.record(event, sequence: message.metadata.streamSequence)
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
        do {
            try store.record(result, json: message.string)
        } catch {
            fleet.count { $0.storeFailures += 1 }
            return .failed("\(error)")
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
