"""deployment/prometheus/ffrtmp-alerts.yml: promtool accepts it, its unit tests pass, and every
ffrtmp_* metric it names is one the master (or the embedded broker) really exports."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "deployment" / "prometheus" / "ffrtmp-alerts.yml"
RULE_TESTS = REPO / "deployment" / "prometheus" / "ffrtmp-alerts.test.yml"
NEEDS_PROMTOOL = pytest.mark.skipif(shutil.which("promtool") is None,
                                    reason="promtool is absent (Debian package prometheus)")


def promtool(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(["promtool", *arguments], capture_output=True, text=True, timeout=120, cwd=RULES.parent)


@NEEDS_PROMTOOL
def test_promtool_accepts_the_rules():
    result = promtool("check", "rules", RULES.name)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 rules found" in result.stdout


@NEEDS_PROMTOOL
def test_the_rules_unit_tests_pass():
    result = promtool("test", "rules", RULE_TESTS.name)
    assert result.returncode == 0, result.stdout + result.stderr


@NEEDS_PROMTOOL
def test_promtool_rule_tests_can_fail(tmp_path: Path):
    # The same tests against rules whose heartbeat alert never fires must fail.
    broken = RULES.read_text().replace("expr: ffrtmp_node_up == 0", "expr: ffrtmp_node_up == 2")
    (tmp_path / RULES.name).write_text(broken)
    (tmp_path / RULE_TESTS.name).write_text(RULE_TESTS.read_text())
    result = subprocess.run(["promtool", "test", "rules", RULE_TESTS.name], capture_output=True, text=True,
                            timeout=120, cwd=tmp_path)
    assert result.returncode != 0


def test_every_ffrtmp_metric_in_the_rules_is_exported():
    exported = set()
    for source in [*(REPO / "Sources" / "Master").rglob("*.swift"), REPO / "Sources/Broker/Monitoring/BrokerPrometheus.swift"]:
        exported.update(re.findall(r'"(ffrtmp_[a-z_]+)"', source.read_text()))
    named = set(re.findall(r"\b(ffrtmp_[a-z_]+)\b", "\n".join(
        line for line in RULES.read_text().splitlines() if not line.lstrip().startswith("#"))))
    assert named, "the rules name no ffrtmp metric"
    assert named <= exported, f"not exported: {sorted(named - exported)}"
