import Support

/// What one benchmark run measured, printed for people or as one JSON line.
struct BenchResult {
    let configuration: BenchConfiguration
    /// From the first publish to the last delivery (pub: to the PONG after the last publish).
    let seconds: Double
    /// Request round trips in nanoseconds, sorted (reqrep only).
    var latencies: [UInt64] = []

    var messagesPerSecond: Double { Double(configuration.messages) / seconds }
    var megabytesPerSecond: Double { Double(configuration.messages * configuration.size) / seconds / 1e6 }
    var deliveriesPerSecond: Double { Double(configuration.expectedDeliveries) / seconds }
    var requestsPerSecond: Double { Double(configuration.requests) / seconds }

    /// The latency at `percent` (0–100) in microseconds.
    func latency(_ percent: Double) -> Double {
        guard !latencies.isEmpty else { return 0 }
        let index = min(latencies.count - 1, Int((Double(latencies.count) * percent / 100).rounded(.down)))
        return Double(latencies[index]) / 1000
    }

    var meanLatency: Double {
        latencies.isEmpty ? 0 : Double(latencies.reduce(0, +)) / Double(latencies.count) / 1000
    }

    var json: String {
        var object = JSONObject()
        object.add("mode", configuration.mode.rawValue)
        object.add("server", configuration.server)
        object.add("size", configuration.size)
        object.add("seconds", seconds, digits: 4)
        if configuration.mode == .reqrep {
            object.add("count", configuration.requests)
            object.add("rps", requestsPerSecond, digits: 1)
            object.add("p50_us", latency(50), digits: 1)
            object.add("p90_us", latency(90), digits: 1)
            object.add("p99_us", latency(99), digits: 1)
            object.add("max_us", latency(100), digits: 1)
            object.add("mean_us", meanLatency, digits: 1)
        } else {
            object.add("msgs", configuration.messages)
            object.add("subs", configuration.mode == .pub ? 0 : configuration.subscribers)
            object.add("msgs_per_sec", messagesPerSecond, digits: 0)
            object.add("mb_per_sec", megabytesPerSecond, digits: 1)
            if configuration.expectedDeliveries > 0 {
                object.add("deliveries_per_sec", deliveriesPerSecond, digits: 0)
            }
        }
        return object.text
    }

    var humanText: String {
        let configuration = configuration
        let timing = String(format3(seconds)) + " s"
        switch configuration.mode {
        case .reqrep:
            return "reqrep: \(grouped(configuration.requests)) requests of \(configuration.size) B, one at a time\n"
                + "  \(grouped(Int(requestsPerSecond))) requests/s in \(timing)\n"
                + "  latency µs: p50 \(format1(latency(50)))  p90 \(format1(latency(90)))  p99 \(format1(latency(99)))"
                + "  max \(format1(latency(100)))  mean \(format1(meanLatency))\n"
        case .jsPub, .jsPull:
            let what = configuration.mode == .jsPub ? "published with acks" : "fetched and acked"
            return "\(configuration.mode.rawValue): \(grouped(configuration.messages)) msgs of \(configuration.size) B "
                + "\(what), window \(configuration.window)\n"
                + "  \(grouped(Int(messagesPerSecond))) msgs/s  in \(timing)\n"
        case .fleet:
            preconditionFailure("fleet runs report through BenchFleetReport")
        case .pub, .pubsub, .queue, .fanout:
            let shape: String
            switch configuration.mode {
            case .pub: shape = "1 publisher, no subscribers"
            case .pubsub: shape = "1 publisher → 1 subscriber"
            case .queue: shape = "1 publisher → queue group of \(configuration.subscribers)"
            default: shape = "1 publisher → \(configuration.subscribers) subscribers"
            }
            var text =
                "\(configuration.mode.rawValue): \(grouped(configuration.messages)) msgs of "
                + "\(configuration.size) B, \(shape)\n"
                + "  \(grouped(Int(messagesPerSecond))) msgs/s  \(format1(megabytesPerSecond)) MB/s  in \(timing)\n"
            if configuration.mode == .fanout {
                text += "  \(grouped(Int(deliveriesPerSecond))) deliveries/s\n"
            }
            return text
        }
    }

    private func grouped(_ value: Int) -> String {
        let digits = Array(String(value))
        var text = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { text += "," }
            text.append(digit)
        }
        return text
    }

    private func format1(_ value: Double) -> String { String((value * 10).rounded() / 10) }

    private func format3(_ value: Double) -> String { String((value * 1000).rounded() / 1000) }
}
