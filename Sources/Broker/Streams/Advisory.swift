import FoundationEssentials
import Support

/// JetStream advisories the broker publishes under `$JS.EVENT.ADVISORY.>`.
enum Advisory {
    private struct MaxDeliveries: Encodable {
        var type = "io.nats.jetstream.advisory.v1.max_deliver"
        var id: String
        var timestamp: String
        var stream: String
        var consumer: String
        var stream_seq: UInt64
        var deliveries: Int
    }

    private struct Terminated: Encodable {
        var type = "io.nats.jetstream.advisory.v1.terminated"
        var id: String
        var timestamp: String
        var stream: String
        var consumer: String
        var consumer_seq: UInt64
        var stream_seq: UInt64
        var deliveries: Int
        /// Omitted when the `+TERM` gave none, as nats-server omits it.
        var reason: String?
    }

    /// A consumer's client gave up on a message with `+TERM` (with an optional reason); it will not
    /// be delivered again. Fields as nats-server 2.15 sends them (no `domain`: we have none).
    static func terminated(
        stream: String, consumer: String, consumerSequence: UInt64, streamSequence: UInt64, deliveries: Int,
        reason: String, now: Int64
    ) -> [UInt8] {
        APIResponse.encode(
            Terminated(
                id: "\(stream).\(consumer).\(streamSequence).\(now)", timestamp: Timestamp.rfc3339(nanoseconds: now),
                stream: stream, consumer: consumer, consumer_seq: consumerSequence, stream_seq: streamSequence,
                deliveries: deliveries, reason: reason.isEmpty ? nil : reason))
    }

    /// A message reached `max_deliver` deliveries without an ack and will not be delivered again.
    static func maxDeliveries(
        stream: String, consumer: String, streamSequence: UInt64, deliveries: Int,
        now: Int64
    ) -> [UInt8] {
        APIResponse.encode(
            MaxDeliveries(
                id: "\(stream).\(consumer).\(streamSequence).\(now)", timestamp: Timestamp.rfc3339(nanoseconds: now),
                stream: stream, consumer: consumer, stream_seq: streamSequence, deliveries: deliveries))
    }
}
