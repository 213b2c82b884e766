import Support

/// The fleet report for people (a summary and a timeline every 5 s) and as one JSON line.
extension BenchFleetReport {
    var humanText: String {
        var text =
            "fleet: \(options.agents) agents over \(options.connections) connections, heartbeat every "
            + "\(seconds(options.heartbeatInterval)) s, telemetry every \(seconds(options.telemetryInterval)) s, "
            + "\(seconds(options.duration)) s\n"
        text +=
            "  offered   \(fixed(offeredPerSecond, 0)) msgs/s (telemetry \(fixed(options.offeredTelemetryPerSecond, 0)))\n"
        text +=
            "  published \(fixed(achievedPerSecond, 0)) msgs/s: \(publishedTelemetry) telemetry + "
            + "\(publishedHeartbeats) heartbeats in \(fixed(publishSeconds, 2)) s\n"
        guard options.master != nil else { return text }
        for (name, window) in [("first 10 s", firstWindow), ("last 10 s", lastWindow)] {
            guard let window else { continue }
            text +=
                "  master, \(name): published \(fixed(window.publishedPerSecond, 0)) telemetry/s, taken in "
                + "\(fixed(window.ingestedPerSecond, 0))/s, backlog \(fixed(window.meanBacklog, 0))\n"
        }
        text +=
            "  master: largest backlog \(fixed(maxBacklog, 0)) samples; of the telemetry taken in, decoded "
            + "\(fixed(decodedTelemetry, 0)), coalesced \(fixed(coalescedTelemetry, 0)); store writes dropped "
            + "\(fixed(dropped, 0)); "
        text +=
            drainSeconds.map { "caught up \(fixed($0, 1)) s after the last publish\n" } ?? "NOT caught up 10 s after\n"
        text +=
            "  /api/nodes page: p50 \(fixed(nodesLatency(50), 1)) ms  p99 \(fixed(nodesLatency(99), 1)) ms  max "
            + "\(fixed(nodesLatency(100), 1)) ms over \(nodes.count) requests; \(nodesSeen) nodes listed, "
            + "\(offlineAtEnd) offline, \(failedNodeRequests) failed, \(nodes.last?.bytes ?? 0) bytes\n"
        text +=
            "  /api/fleet: p50 \(fixed(fleetLatency(50), 1)) ms  p99 \(fixed(fleetLatency(99), 1)) ms  max "
            + "\(fixed(fleetLatency(100), 1)) ms\n"
        text += "  t(s)  published/s  taken in/s  backlog  nodes  /api/nodes ms   (rates over the rows' spans)\n"
        var previous = ingest.first
        for reading in ingest.dropFirst() {
            guard let last = previous, reading.at - last.at >= 4.5 || reading.at == ingest.last?.at else { continue }
            previous = reading
            let span = reading.at - last.at
            let node = nodes.last { $0.at <= reading.at + 0.5 }
            text +=
                "  \(pad(fixed(reading.at, 0), 4))  "
                + pad(fixed(Double(reading.publishedTelemetry - last.publishedTelemetry) / span, 0), 11) + "  "
                + pad(fixed((reading.telemetry - last.telemetry) / span, 0), 10) + "  "
                + pad(fixed(Double(reading.publishedTelemetry) - reading.telemetry, 0), 7) + "  "
                + pad(String(node?.nodes ?? 0), 5) + "  " + pad(fixed(node?.milliseconds ?? 0, 1), 13) + "\n"
        }
        for error in probeErrors.prefix(5) { text += "  probe error: \(error)\n" }
        return text
    }

    var json: String {
        var object = JSONObject()
        object.add("mode", "fleet")
        object.add("server", server)
        object.add("agents", options.agents)
        object.add("connections", options.connections)
        object.add("seconds", publishSeconds, digits: 3)
        object.add("offered_msgs_per_sec", offeredPerSecond, digits: 1)
        object.add("published_msgs_per_sec", achievedPerSecond, digits: 1)
        object.add("published_telemetry", publishedTelemetry)
        object.add("published_heartbeats", publishedHeartbeats)
        guard options.master != nil else { return object.text }
        for (name, window) in [("first_10s", firstWindow), ("last_10s", lastWindow)] {
            guard let window else { continue }
            var part = JSONObject()
            part.add("from", window.from, digits: 2)
            part.add("to", window.to, digits: 2)
            part.add("published_telemetry_per_sec", window.publishedPerSecond, digits: 1)
            part.add("ingested_telemetry_per_sec", window.ingestedPerSecond, digits: 1)
            part.add("mean_backlog", window.meanBacklog, digits: 1)
            object.add(name, raw: part.text)
        }
        object.add("max_backlog", maxBacklog, digits: 0)
        object.add("store_dropped", dropped, digits: 0)
        object.add("drain_seconds", raw: drainSeconds.map { Self.fixed($0, 2) } ?? "null")
        object.add("nodes_p50_ms", nodesLatency(50), digits: 2)
        object.add("nodes_p99_ms", nodesLatency(99), digits: 2)
        object.add("nodes_max_ms", nodesLatency(100), digits: 2)
        object.add("nodes_requests", nodes.count)
        object.add("nodes_failed", failedNodeRequests)
        object.add("nodes_seen", nodesSeen)
        object.add("nodes_offline", offlineAtEnd)
        object.add("telemetry_decoded", decodedTelemetry, digits: 0)
        object.add("telemetry_coalesced", coalescedTelemetry, digits: 0)
        object.add("fleet_p50_ms", fleetLatency(50), digits: 2)
        object.add("fleet_p99_ms", fleetLatency(99), digits: 2)
        object.add("fleet_max_ms", fleetLatency(100), digits: 2)
        let timeline = ingest.map { reading in
            "[\(Self.fixed(reading.at, 2)),\(reading.publishedTelemetry),"
                + "\(Self.fixed(reading.telemetry, 0))]"
        }
        object.add("ingest_timeline", raw: "[" + timeline.joined(separator: ",") + "]")
        return object.text
    }

    private func seconds(_ nanoseconds: Int64) -> String { fixed(Double(nanoseconds) / 1e9, 3) }

    private func fixed(_ value: Double, _ digits: Int) -> String { Self.fixed(value, digits) }

    /// `value` rounded to `digits` decimals; whole numbers without a fraction.
    static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return "null" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        return digits == 0 || rounded == rounded.rounded() ? String(Int64(rounded)) : String(rounded)
    }

    private func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
