"""A benchmark campaign end to end on `ffrtmp up`: `ffrtmp submit --name camp --repeat 3` of
2 encoders × 2 sizes (1 s generated clips at 160x90 and 320x180, SSIM measured) gives 12 jobs in
one run; the summary has 4 rows of n = 3 with a spread (a 95 % interval), one per configuration,
never folded; `results --summary --json` honours its filters; `ffrtmp runs` lists the run;
`ffrtmp report` writes one self-contained page that headless Chromium renders without a console
error (screenshot in test-artifacts/report/report.png; the summary table as text next to it);
`cancel --run` of a finished run cancels nothing; the dashboard's chart shows the 4 points with
error bars."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import time

import pytest

import interop_servers as servers
from cdp_browser import Browser, chromium_binary

ARTIFACTS = servers.REPO_ROOT / "test-artifacts" / "report"


def cli(*arguments: str, timeout: float = 60) -> str:
    done = subprocess.run([str(servers.ffrtmp_binary()), *arguments], capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, f"ffrtmp {' '.join(arguments)} exited {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_a_campaign_compares_configurations_like_with_like_and_reports_them(up, tmp_path):
    service = up()
    master = ["--master", service.base_url]
    submitted = cli("submit", "-s", service.broker_url, "--id", "camp", "--name", "camp",
                    "--encoders", "libx264,libx265", "--resolutions", "160x90,320x180", "--fps", "30",
                    "--duration", "1", "--input", "generated", "--quality", "ssim", "--repeat", "3")
    assert submitted.count("camp-") == 12, submitted

    service.wait_json("/api/runs", lambda d: [r for r in d["runs"] if r["jobs"] == 12 and r["pending"] == 0],
                      timeout=300, describe="the 12 jobs of run camp to finish")
    # A job's state may come from its `succeeded` event (EVENTS), which the master can store before
    # its result (RESULTS, another consumer); the summary counts results: wait for all 12.
    service.wait_json("/api/results?run=camp&limit=1000", lambda d: len(d["results"]) >= 12, timeout=15,
                      describe="the 12 results of run camp in /api/results")
    detail = service.json("/api/runs/camp")
    assert len(detail["jobs"]) == 12 and len(detail["summary"]) == 4, detail
    run = detail["run"]
    assert (run["succeeded"], run["failed"]) == (12, 0), run
    assert run["finished_at"] and run["started_at"] <= run["finished_at"], run

    rows = service.json("/api/summary?run=camp")["summary"]
    assert len(rows) == 4, [row["configuration_key"] for row in rows]
    assert len({row["configuration_key"] for row in rows}) == 4, "two configurations folded into one row"
    for row in rows:
        assert row["runs"] == 3, row
        perframe = row["stats"]["j_per_frame"]
        assert perframe["n"] == 3 and perframe["sd"] is not None and perframe["ci95"] is not None, row
        assert perframe["ci_low"] <= perframe["mean"] <= perframe["ci_high"], perframe
        assert row["stats"]["ssim"]["n"] == 3, row["stats"]
        assert row["hardware_key"].startswith("node="), row
    sizes = sorted((row["configuration"]["encoder"], row["configuration"]["resolution"]) for row in rows)
    assert sizes == [("libx264", "160x90"), ("libx264", "320x180"), ("libx265", "160x90"), ("libx265", "320x180")]

    filtered = json.loads(cli("results", *master, "--summary", "--json", "--run", "camp", "--encoder", "libx265"))
    assert [row["encoder"] for row in filtered["summary"]] == ["libx265", "libx265"], filtered
    assert json.loads(cli("results", *master, "--summary", "--json", "--run", "nope"))["summary"] == []
    results = json.loads(cli("results", *master, "--json", "--run", "camp", "--limit", "1000"))["results"]
    assert len(results) == 12, len(results)

    runs = json.loads(cli("runs", *master, "--json"))["runs"]
    assert [(r["run_id"], r["jobs"], r["succeeded"]) for r in runs] == [("camp", 12, 12)], runs
    assert "camp" in cli("runs", *master)

    table = cli("results", *master, "--summary", "--run", "camp")
    assert table.count("± ") >= 8, table
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "summary.txt").write_text(table)

    rows_csv = list(csv.DictReader(io.StringIO(cli("report", *master, "--run", "camp", "--csv"))))
    assert len(rows_csv) == 4 and all(r["n"] == "3" for r in rows_csv), rows_csv

    page = tmp_path / "camp.html"
    cli("report", *master, "--run", "camp", "--out", str(page))
    html = page.read_text()
    assert "<svg" in html and "http://" not in html and "https://" not in html and "<script" not in html
    (ARTIFACTS / "report.html").write_text(html)

    assert "no job left to cancel" in cli("cancel", "-s", service.broker_url, *master, "--run", "camp")

    if chromium_binary() is None:
        pytest.skip("no chromium to render the report")
    browser = Browser(tmp_path / "browser")
    try:
        browser.start()
        browser.open(page.as_uri())
        assert browser.evaluate("document.querySelectorAll('table tr').length") == 5
        assert browser.evaluate("document.querySelectorAll('table tr')[0].children.length") == \
            browser.evaluate("document.querySelectorAll('table tr')[1].children.length"), "a header per column"
        assert browser.evaluate("document.querySelectorAll('svg circle').length") >= 8  # two charts, 4 points each
        browser.screenshot(ARTIFACTS / "report.png")
        time.sleep(0.3)
        browser.evaluate("1")
        assert not browser.errors, "the report logged errors:\n" + "\n".join(browser.errors)

        # The dashboard's chart shows the same 4 configurations, each with its interval as error bars.
        browser.open(service.base_url + "/")
        browser.wait_for("document.querySelectorAll('#compareChart circle').length === 4", 15, "4 points in the chart")
        browser.wait_for("document.querySelectorAll('#compareChart line.errorbar').length >= 4", 5, "error bars")
        browser.screenshot(ARTIFACTS / "dashboard.png")
        browser.evaluate("1")
        assert not browser.errors, "the dashboard logged errors:\n" + "\n".join(browser.errors)
    finally:
        browser.close()


def test_confidence_repeats_rounds_until_the_variation_is_small_or_five_rounds_ran(up):
    service = up()
    output = cli("submit", "-s", service.broker_url, "--master", service.base_url, "--id", "conf", "--name", "conf",
                 "--encoder", "libx264", "--resolution", "160x90", "--fps", "30", "--duration", "1",
                 "--input", "generated", "--confidence", timeout=300)
    rounds = [line for line in output.splitlines() if "round" in line and "done" in line]
    assert 2 <= len(rounds) <= 5, output
    row = service.json("/api/summary?run=conf")["summary"]
    assert len(row) == 1 and row[0]["runs"] == len(rounds), (output, row)
    cv = row[0]["stats"]["j_per_frame"]["cv"]
    if len(rounds) < 5:
        assert cv < 0.05 and rounds[-1].endswith("under 5 % everywhere, done"), (output, row)
    else:
        assert "after 5 rounds" in output, output
