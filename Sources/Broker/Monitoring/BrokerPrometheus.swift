/// `/metrics`: the broker's totals in the Prometheus text format 0.0.4. The names of the shared
/// figures are those `ffrtmp up` publishes on the master's `/metrics`, so one dashboard reads both.
public enum BrokerPrometheus {
    /// One unlabelled sample with its family's help and type.
    public struct Sample: Equatable, Sendable {
        public var name: String
        public var help: String
        public var type: String
        public var value: Int
    }

    /// The broker's own families, named as both `/metrics` pages name them: the monitoring port's and,
    /// in `ffrtmp up`, the master's (so one dashboard and one set of alert rules read either).
    public static func brokerSamples(_ statistics: BrokerStatistics) -> [Sample] {
        [
            ("ffrtmp_broker_connections", "Client connections open.", "gauge", statistics.connections),
            ("ffrtmp_broker_subscriptions", "Subscriptions registered.", "gauge", statistics.subscriptions),
            ("ffrtmp_broker_messages_in_total", "Messages received from clients.", "counter", statistics.messagesIn),
            (
                "ffrtmp_broker_messages_out_total", "Messages delivered to subscriptions.", "counter",
                statistics.messagesOut
            ),
            (
                "ffrtmp_broker_bytes_in_total", "Bytes read from client sockets, protocol included.", "counter",
                statistics.bytesIn
            ),
            ("ffrtmp_broker_bytes_out_total", "Payload bytes delivered.", "counter", statistics.bytesOut),
            (
                "ffrtmp_broker_slow_consumers_total", "Clients cut off as slow consumers.", "counter",
                statistics.slowConsumers
            ),
        ].map { Sample(name: $0.0, help: $0.1, type: $0.2, value: $0.3) }
    }

    /// The samples for `statistics`, plus JetStream's when it runs.
    static func samples(
        _ statistics: BrokerStatistics, acceptedConnections: Int, started: Int64, residentBytes: Int?,
        jetStream: JetStreamSnapshot?
    ) -> [Sample] {
        var samples = brokerSamples(statistics)
        samples += [
            Sample(
                name: "ffrtmp_broker_connections_accepted_total", help: "Client connections accepted since start.",
                type: "counter", value: acceptedConnections),
            Sample(
                name: "process_start_time_seconds", help: "Start time of the process since the Unix epoch in seconds.",
                type: "gauge", value: Int(started / 1_000_000_000)),
        ]
        if let residentBytes {
            samples.append(
                Sample(
                    name: "process_resident_memory_bytes", help: "Resident memory size in bytes.", type: "gauge",
                    value: residentBytes))
        }
        if let jetStream {
            samples += [
                ("streams", "Streams.", "gauge", jetStream.streams),
                ("consumers", "Consumers over every stream.", "gauge", jetStream.consumers),
                ("messages", "Messages stored over every stream.", "gauge", jetStream.messages),
                ("bytes", "Bytes stored over every stream.", "gauge", Int(jetStream.bytes)),
                ("api_requests_total", "JetStream API requests.", "counter", jetStream.apiRequests),
                ("api_errors_total", "JetStream API requests answered with an error.", "counter", jetStream.apiErrors),
            ].map { Sample(name: "ffrtmp_broker_jetstream_" + $0.0, help: $0.1, type: $0.2, value: $0.3) }
        }
        return samples
    }

    /// The exposition of `samples`: `# HELP`, `# TYPE` and the value for each.
    static func render(_ samples: [Sample]) -> String {
        var text = ""
        for sample in samples {
            text += "# HELP \(sample.name) \(sample.help)\n# TYPE \(sample.name) \(sample.type)\n"
            text += "\(sample.name) \(sample.value)\n"
        }
        return text
    }
}
