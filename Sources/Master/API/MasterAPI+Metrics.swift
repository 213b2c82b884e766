import Support

/// `/metrics`: the fleet for Prometheus, VictoriaMetrics or Grafana.
extension MasterAPI {
    func metrics() throws -> String {
        typealias Sample = PrometheusText.Sample
        var samples: [Sample] = []
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
                    name: "ffrtmp_results_stored",
                    help: "Results the store holds, by status (a gauge: retention prunes old ones).", type: "gauge",
                    labels: [("status", total.status)], value: Double(total.count)))
            samples.append(
                Sample(
                    name: "ffrtmp_result_energy_joules_stored",
                    help: "Energy of the results the store holds, by status (a gauge).", type: "gauge",
                    labels: [("status", total.status)], value: total.joules))
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
        let inboxTally = inbox?.tally ?? FleetInbox.Tally()
        for (kind, received, coalesced) in [
            ("heartbeat", inboxTally.heartbeats, inboxTally.coalescedHeartbeats),
            ("telemetry", inboxTally.telemetry, inboxTally.coalescedTelemetry),
        ] {
            samples.append(
                Sample(
                    name: "ffrtmp_master_received_total",
                    help: "Heartbeats and telemetry received from the broker, before decoding.", type: "counter",
                    labels: [("kind", kind)], value: Double(received)))
            samples.append(
                Sample(
                    name: "ffrtmp_master_coalesced_total",
                    help: "Received, but replaced by a newer message of the same node before being decoded.",
                    type: "counter", labels: [("kind", kind)], value: Double(coalesced)))
        }
        samples.append(
            Sample(
                name: "ffrtmp_master_inbox_overflowed_total",
                help: "Heartbeats and telemetry dropped undecoded: the inbox held as many subjects as it may.",
                type: "counter", value: Double(inboxTally.overflowed)))
        samples.append(
            Sample(
                name: "ffrtmp_master_inbox_waiting",
                help: "Heartbeats and telemetry received and waiting for a decoder (at most one per node).",
                value: Double(inbox?.waiting ?? 0)))
        for (refusal, count) in counters.refused.sorted(by: {
            ($0.key.kind, $0.key.reason) < ($1.key.kind, $1.key.reason)
        }) {
            samples.append(
                Sample(
                    name: "ffrtmp_master_messages_refused_total",
                    help: "Messages decoded but refused: a payload naming another node than its subject, a result "
                        + "from a node the attempt did not go to, a second success, a figure outside physical sense.",
                    type: "counter", labels: [("kind", refusal.kind), ("reason", refusal.reason)],
                    value: Double(count)))
        }
        samples.append(
            Sample(
                name: "ffrtmp_master_dead_letters_total",
                help: "Jobs marked failed because JetStream gave up on them (max deliveries or terminated).",
                type: "counter", value: Double(counters.deadLetters)))
        samples.append(
            Sample(
                name: "ffrtmp_master_results_unverified_total",
                help: "Results accepted before any started event from their node was seen (checked when it comes).",
                type: "counter", value: Double(counters.unverifiedResults)))
        samples.append(
            Sample(
                name: "ffrtmp_master_store_dropped_total",
                help: "Heartbeats and telemetry shown live but not stored: the store writer's queue was full.",
                type: "counter", value: Double(counters.storeDropped)))
        samples.append(
            Sample(
                name: "ffrtmp_master_store_queue", help: "Heartbeats and telemetry waiting for the store writer.",
                value: Double(storeQueue())))
        return nodeMetrics() + PrometheusText.render(samples + extraMetrics())
    }

    /// The per-node families (10 000 nodes make about 90 000 lines), in one pass over the
    /// nodes: each family gathers its lines in its own text, joined at the end.
    private func nodeMetrics() -> String {
        let now = Clock.monotonicNanoseconds()
        var up = PrometheusFamily("ffrtmp_node_up", help: "1 while the node's heartbeats arrive, 0 once it is offline.")
        var slots = PrometheusFamily("ffrtmp_node_slots", help: "Job slots of the node.")
        var busy = PrometheusFamily("ffrtmp_node_slots_busy", help: "Job slots in use.")
        var cpu = PrometheusFamily("ffrtmp_node_cpu_percent", help: "Host CPU use, percent of all cores.")
        var memory = PrometheusFamily("ffrtmp_node_memory_used_bytes", help: "Host memory in use.")
        var power = PrometheusFamily(
            "ffrtmp_node_power_watts",
            help: "Power by node and domain over the last sampling interval; source says measured or estimated.")
        var fps = PrometheusFamily("ffrtmp_job_fps", help: "Frames per second of a running job.")
        for node in fleet.nodes {
            let label = node.text.metricLabel
            let isUp = fleet.status(of: node, now: now) != "offline"
            up.add(label, isUp ? 1 : 0)
            slots.add(label, Double(node.heartbeat.slotsTotal))
            busy.add(label, Double(node.heartbeat.slotsBusy))
            guard isUp, let telemetry = node.telemetry else { continue }
            cpu.add(label, telemetry.cpuPercent)
            memory.add(label, Double(telemetry.memoryUsedMegabytes) * 1_048_576)
            for reading in telemetry.power {
                power.add(
                    label, reading.watts,
                    extra: ",domain=\"" + PrometheusText.escaped(reading.domain) + "\",source=\""
                        + reading.source.rawValue + "\"")
            }
            for job in telemetry.jobs {
                fps.add(label, job.fps, extra: ",job=\"" + PrometheusText.escaped(job.id) + "\"")
            }
        }
        return [up, slots, busy, cpu, memory, power, fps].reduce(into: "") { $0 += $1.text }
    }
}
