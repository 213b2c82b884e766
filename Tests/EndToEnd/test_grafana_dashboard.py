"""deployment/grafana/ffrtmp-dashboard.json is a Grafana dashboard whose queries only name metrics
the master really exports: the file is checked for shape (datasource variable, one datasource on
every panel, unique ids, panels on the 24-column grid), and every `ffrtmp_*` name in its queries
is found in /metrics of `ffrtmp up` scraped while a job runs (some series exist only then)."""

from __future__ import annotations

import json
import re
import time

import interop_servers as servers
from e2e_fleet import seconds_job
from e2e_master import submit_with_cli

DASHBOARD = servers.REPO_ROOT / "deployment" / "grafana" / "ffrtmp-dashboard.json"
DATASOURCE = {"type": "prometheus", "uid": "${DS_PROMETHEUS}"}
METRIC = re.compile(r"\bffrtmp_[a-z0-9_]+")


def load() -> dict:
    return json.loads(DASHBOARD.read_text())


def queries(dashboard: dict) -> list[str]:
    """Every PromQL text: panel targets and query variables."""
    texts = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    texts += [v["query"]["query"] for v in dashboard["templating"]["list"] if v["type"] == "query"]
    return texts


def test_the_grafana_dashboard_is_a_well_formed_model():
    dashboard = load()
    assert dashboard["uid"] and dashboard["title"] and dashboard["schemaVersion"] >= 36
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert variables["DS_PROMETHEUS"]["type"] == "datasource" and variables["DS_PROMETHEUS"]["query"] == "prometheus"
    panels = dashboard["panels"]
    assert len({p["id"] for p in panels}) == len(panels), "panel ids repeat"
    for panel in panels:
        grid = panel["gridPos"]
        assert grid["x"] + grid["w"] <= 24 and grid["h"] > 0, panel["title"]
        if panel["type"] == "row":
            continue
        assert panel["datasource"] == DATASOURCE, panel["title"]
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            assert target["datasource"] == DATASOURCE and target["expr"].strip(), (panel["title"], target)
            assert target["expr"].count("(") == target["expr"].count(")"), target["expr"]
            assert target["expr"].count("{") == target["expr"].count("}"), target["expr"]
    titles = " ".join(p["title"].lower() for p in panels)
    for topic in ("node up", "power", "cpu", "queue", "fps", "results", "energy", "broker"):
        assert topic in titles, f"no panel about {topic}"


def test_every_metric_the_dashboard_queries_is_exported(up):
    wanted = {name for text in queries(load()) for name in METRIC.findall(text)}
    service = up()
    submit_with_cli(service.broker_url, seconds_job("grafana-job-1", duration_s=6))
    seen: set[str] = set()
    deadline = time.monotonic() + 40
    while not wanted <= seen and time.monotonic() < deadline:
        seen |= set(service.metrics())
        time.sleep(0.2)
    assert not wanted - seen, f"queried but never exported: {sorted(wanted - seen)}; exported: {sorted(seen)}"
