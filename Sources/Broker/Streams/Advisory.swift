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
