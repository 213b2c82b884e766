/// `/metrics`: the broker's totals in the Prometheus text format 0.0.4. The names of the shared
/// figures are those `ffrtmp up` publishes on the master's `/metrics`, so one dashboard reads both.
enum BrokerPrometheus {
    /// One unlabelled sample with its family's help and type.
    struct Sample: Equatable {
        var name: String
        var help: String
        var type: String
        var value: Int
    }

    /// The samples for `statistics`, plus JetStream's when it runs.
    static func samples(
        _ statistics: BrokerStatistics, acceptedConnections: Int, started: Int64, residentBytes: Int?,
        jetStream: JetStreamSnapshot?
    ) -> [Sample] {
        var samples = [
            Sample(
                name: "ffrtmp_broker_connections", help: "Client connections open.", type: "gauge",
                value: statistics.connections),
            Sample(
                name: "ffrtmp_broker_connections_accepted_total", help: "Client connections accepted since start.",
                type: "counter", value: acceptedConnections),
            Sample(
                name: "ffrtmp_broker_subscriptions", help: "Subscriptions registered.", type: "gauge",
                value: statistics.subscriptions),
            Sample(
                name: "ffrtmp_broker_messages_in_total", help: "Messages received from clients.", type: "counter",
                value: statistics.messagesIn),
            Sample(
                name: "ffrtmp_broker_messages_out_total", help: "Messages delivered to subscriptions.",
                type: "counter", value: statistics.messagesOut),
            Sample(
                name: "ffrtmp_broker_bytes_in_total", help: "Bytes read from client sockets, protocol included.",
                type: "counter", value: statistics.bytesIn),
            Sample(
                name: "ffrtmp_broker_bytes_out_total", help: "Payload bytes delivered.", type: "counter",
                value: statistics.bytesOut),
            Sample(
                name: "ffrtmp_broker_slow_consumers_total", help: "Clients cut off as slow consumers.",
                type: "counter", value: statistics.slowConsumers),
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
