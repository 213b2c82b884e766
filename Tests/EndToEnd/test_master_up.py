"""`ffrtmp up` end to end: a job submitted with `ffrtmp pub` runs on the embedded agent, and the
master's API shows all of it: the result (valid against protocol/schemas/result.json), the job
with its events and telemetry series, the node, and Prometheus text with the result counted."""

from __future__ import annotations

from e2e_fleet import as_published, assert_valid, seconds_job
from e2e_master import submit_with_cli, succeeded_event_stored


def encoding_telemetry_and_succeeded_event_stored(detail: dict):
    """A check for `wait_json` on /api/jobs/<id>: the document once its events end with `succeeded`
    and its telemetry series holds a sample taken while ffmpeg was encoding (a frame count)."""
    encoding = any((sample["frame"] or 0) > 0 for sample in detail.get("telemetry") or [])
    return succeeded_event_stored(detail) if encoding else None


def test_up_shows_a_jobs_result_events_telemetry_node_and_metrics(up):
    service = up()
    job = seconds_job("up-job-1", duration_s=6, labels={"suite": "master"})  # seconds of work: telemetry
    submit_with_cli(service.broker_url, job)

    result = service.wait_json("/api/results", lambda d: [r for r in d["results"] if r["job_id"] == job["id"]],
                               timeout=60, describe="the result in /api/results")[0]
    assert_valid("result", as_published(result))
    assert result["status"] == "succeeded" and result["labels"] == {"suite": "master"}, result
    node = result["node_id"]

    listed = [j for j in service.json("/api/jobs")["jobs"] if j["job_id"] == job["id"]]
    assert len(listed) == 1 and listed[0]["state"] == "succeeded" and listed[0]["node_id"] == node, listed

    # The agent publishes the `succeeded` event after its result and the confirmed ack, on another
    # stream, so the master may store the result first; telemetry comes over core NATS, is decoded by
    # lower-priority threads and stored in batches every second (one sample per job every 5 s), so the
    # sample with frames may still be on its way too: wait for both rather than race them.
    detail = service.wait_json(f"/api/jobs/{job['id']}", encoding_telemetry_and_succeeded_event_stored,
                               timeout=15, describe="the job's succeeded event and a telemetry sample with frames")
    assert (detail["job_id"], detail["state"], detail["attempt"]) == (job["id"], "succeeded", 1), detail
    states = [event["state"] for event in detail["events"]]
    assert "started" in states and states[-1] == "succeeded", states
    assert detail["telemetry"], "no telemetry series stored for a job of several seconds"
    assert all(sample["node_id"] == node for sample in detail["telemetry"]), detail["telemetry"]
    assert any((sample["frame"] or 0) > 0 for sample in detail["telemetry"]), detail["telemetry"]
    assert detail["results"] == [result]

    nodes = {n["node_id"]: n for n in service.json("/api/nodes")["nodes"]}
    assert node in nodes and nodes[node]["status"] in ("available", "busy"), nodes
    proven = {c["name"] for c in nodes[node]["heartbeat"]["capabilities"] if c["proven"]}
    assert "cpu" in proven, nodes[node]

    assert service.json("/health")["status"] == "ok"
    metrics = service.metrics()
    succeeded = [s.value for s in metrics.get("ffrtmp_results_stored", []) if s.labels == {"status": "succeeded"}]
    assert succeeded and succeeded[0] >= 1, metrics.get("ffrtmp_results_stored")
    assert [s.value for s in metrics["ffrtmp_node_up"] if s.labels["node"] == node] == [1.0], metrics["ffrtmp_node_up"]
    assert metrics["ffrtmp_broker_connections"][0].value >= 2  # the embedded broker's figures too
