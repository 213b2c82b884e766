import Broker
import Master

/// The embedded broker's figures on the master's `/metrics` (in `ffrtmp up`): the same families, names
/// and help as the broker's own monitoring port.
enum BrokerMetrics {
    static func samples(_ statistics: BrokerStatistics) -> [PrometheusText.Sample] {
        BrokerPrometheus.brokerSamples(statistics).map {
            PrometheusText.Sample(name: $0.name, help: $0.help, type: $0.type, value: Double($0.value))
        }
    }
}
