import Net

/// `/metrics`: the fleet for Prometheus, VictoriaMetrics or Grafana.
extension MasterAPI {
    func metrics() throws -> String {
        typealias Sample = PrometheusText.Sample
        var samples: [Sample] = []
        let now = Clock.monotonicNanoseconds()
        for node in fleet.nodes {
            let id = node.heartbeat.nodeID
            let up = fleet.status(of: node, now: now) != "offline"
            samples.append(
                Sample(
                    name: "ffrtmp_node_up", help: "1 while the node's heartbeats arrive, 0 once it is offline.",
                    labels: [("node", id)], value: up ? 1 : 0))
            samples.append(
                Sample(
                    name: "ffrtmp_node_slots", help: "Job slots of the node.", labels: [("node", id)],
                    value: Double(node.heartbeat.slotsTotal)))
            samples.append(
                Sample(
                    name: "ffrtmp_node_slots_busy", help: "Job slots in use.", labels: [("node", id)],
                    value: Double(node.heartbeat.slotsBusy)))
            guard up, let telemetry = node.telemetry else { continue }
            samples.append(
                Sample(
                    name: "ffrtmp_node_cpu_percent", help: "Host CPU use, percent of all cores.",
                    labels: [("node", id)],
                    value: telemetry.cpuPercent))
            samples.append(
                Sample(
                    name: "ffrtmp_node_memory_used_bytes", help: "Host memory in use.", labels: [("node", id)],
                    value: Double(telemetry.memoryUsedMegabytes) * 1_048_576))
            for reading in telemetry.power {
                samples.append(
                    Sample(
                        name: "ffrtmp_node_power_watts",
                        help:
                            "Power by node and domain over the last sampling interval; source says measured or estimated.",
                        labels: [("node", id), ("domain", reading.domain), ("source", reading.source.rawValue)],
                        value: reading.watts))
            }
            for job in telemetry.jobs {
                samples.append(
                    Sample(
                        name: "ffrtmp_job_fps", help: "Frames per second of a running job.",
                        labels: [("node", id), ("job", job.id)], value: job.fps))
            }
        }
        for queue in fleet.queues {
            samples.append(
                Sample(
                    name: "ffrtmp_queue_pending", help: "Jobs waiting in a capability's queue.",
                    labels: [("capability", queue.capability)], value: Double(queue.pending)))
            samples.append(
                Sample(
                    name: "ffrtmp_queue_running", help: "Jobs out at agents, not yet acknowledged.",
                    labels: [("capability", queue.capability)], value: Double(queue.running)))
        }
        for (state, count) in try store.jobCounts().sorted(by: { $0.key < $1.key }) {
            samples.append(
                Sample(
                    name: "ffrtmp_jobs", help: "Jobs known to the master by state.", labels: [("state", state)],
                    value: Double(count)))
        }
        for total in try store.resultTotals() {
            samples.append(
                Sample(
                    name: "ffrtmp_results_total", help: "Results stored, by status.", type: "counter",
                    labels: [("status", total.status)], value: Double(total.count)))
            samples.append(
                Sample(
                    name: "ffrtmp_result_energy_joules_total", help: "Energy of stored results, by status.",
                    type: "counter", labels: [("status", total.status)], value: total.joules))
        }
        let counters = fleet.counters
        for (kind, count) in [
            ("heartbeat", counters.heartbeats), ("telemetry", counters.telemetry), ("event", counters.events),
            ("result", counters.results), ("invalid", counters.invalid), ("store_failure", counters.storeFailures),
        ] {
            samples.append(
                Sample(
                    name: "ffrtmp_master_messages_total", help: "Messages the master took in since it started.",
                    type: "counter", labels: [("kind", kind)], value: Double(count)))
        }
        return PrometheusText.render(samples + extraMetrics())
    }
}
