import Client
import Fleet
import FoundationEssentials
import Model

/// A job JetStream gave up on, from one of its advisories on the JOBS stream:
/// `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.JOBS.<consumer>` (every delivery's ack wait ran
/// out: the job stays `started` forever unless someone says so) or
/// `$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.JOBS.<consumer>` (an agent sent +TERM). Field
/// names are nats-server's: `stream`, `consumer`, `stream_seq`, `deliveries`, and `reason` for a
/// termination.
struct DeadLetter: Equatable, Sendable {
    /// Why the job was given up on.
    enum Cause: Equatable, Sendable {
        case maxDeliveries
        case terminated(reason: String)
    }

    /// The stream `ffrtmp setup` declares to keep these advisories while no master runs
    /// (limits retention, `subjects`); the master follows it when it exists.
    static let streamName = FleetTopology.advisoriesStream

    /// The subjects the master follows.
    static let subjects = FleetTopology.advisorySubjects

    let cause: Cause
    let consumer: String
    /// The job message's sequence in JOBS.
    let streamSequence: UInt64
    let deliveries: Int

    /// The advisory as nats-server (and our broker) writes it; nil for anything else, or one about
    /// another stream.
    init?(subject: String, payload: [UInt8]) {
        struct Advisory: Decodable {
            var stream: String
            var consumer: String
            var stream_seq: UInt64
            var deliveries: Int?
            var reason: String?
        }
        guard let advisory = try? MessageCoding.decode(Advisory.self, from: payload),
            advisory.stream == FleetTopology.jobsStream, advisory.stream_seq > 0
        else { return nil }
        if subject.hasPrefix("$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.") {
            cause = .maxDeliveries
        } else if subject.hasPrefix("$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.") {
            cause = .terminated(reason: String((advisory.reason ?? "").prefix(200)))
        } else {
            return nil
        }
        consumer = advisory.consumer
        streamSequence = advisory.stream_seq
        deliveries = max(0, min(advisory.deliveries ?? 0, ReportedValueBounds.maximumAttempt))
    }

    /// The job's failure message: `max deliveries reached (5 attempts)`, `terminated: <reason>`.
    var message: String {
        switch cause {
        case .maxDeliveries:
            "max deliveries reached (\(deliveries) attempt\(deliveries == 1 ? "" : "s"))"
        case .terminated(let reason):
            "terminated: " + (reason.isEmpty ? "no reason given" : reason)
        }
    }

    /// The key of its row in the events table: negative, so it never meets an EVENTS stream
    /// sequence, and the same for the same advisory (stored once however often it comes).
    var eventKey: Int64 {
        // Masked to 61 bits, so doubling and negating cannot overflow; real sequences are far smaller.
        let sequence = Int64(truncatingIfNeeded: streamSequence & 0x1FFF_FFFF_FFFF_FFFF)
        return -(sequence * 2 + (cause == .maxDeliveries ? 1 : 2))
    }

    /// The job id of a JOBS message (`$JS.API.STREAM.MSG.GET` answer): the spec's `id`, else its
    /// `Nats-Msg-Id` header, which the submitter sets to the id. Nil when neither is a valid id.
    static func jobID(inStoredMessage answer: [UInt8]) -> String? {
        struct Answer: Decodable {
            struct Stored: Decodable {
                var data: String?
                var hdrs: String?
            }
            var message: Stored
        }
        struct Spec: Decodable { var id: String }
        guard let stored = try? MessageCoding.decode(Answer.self, from: answer).message else { return nil }
        if let data = stored.data.flatMap({ Data(base64Encoded: $0) }),
            let spec = try? MessageCoding.decode(Spec.self, from: Array(data)), Identifier.isValid(spec.id)
        {
            return spec.id
        }
        guard let headers = stored.hdrs.flatMap({ Data(base64Encoded: $0) }) else { return nil }
        let lines = String(decoding: headers, as: UTF8.self).split(whereSeparator: \.isNewline)
        for line in lines {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "nats-msg-id" else { continue }
            let id = String(parts[1].filter { $0 != " " && $0 != "\t" })
            return Identifier.isValid(id) ? id : nil
        }
        return nil
    }
}
