import Broker
import Master

/// The embedded broker's figures on the master's `/metrics` (in `ffrtmp up`).
enum BrokerMetrics {
    static func samples(_ statistics: BrokerStatistics) -> [PrometheusText.Sample] {
        [
            ("ffrtmp_broker_connections", "Client connections open.", "gauge", statistics.connections),
            ("ffrtmp_broker_subscriptions", "Subscriptions registered.", "gauge", statistics.subscriptions),
            ("ffrtmp_broker_messages_in_total", "Messages received from clients.", "counter", statistics.messagesIn),
            ("ffrtmp_broker_messages_out_total", "Messages delivered to clients.", "counter", statistics.messagesOut),
            ("ffrtmp_broker_bytes_in_total", "Payload bytes received.", "counter", statistics.bytesIn),
            ("ffrtmp_broker_bytes_out_total", "Payload bytes delivered.", "counter", statistics.bytesOut),
            (
                "ffrtmp_broker_slow_consumers_total", "Clients cut off as slow consumers.", "counter",
                statistics.slowConsumers
            ),
        ].map { PrometheusText.Sample(name: $0.0, help: $0.1, type: $0.2, value: Double($0.3)) }
    }
}
