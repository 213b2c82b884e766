"""The dashboard in a real headless Chromium (Debian's `chromium`, driven over the DevTools
protocol; skipped, saying so, without it) on `ffrtmp up --demo`: no console error, exception or
failed load; the node, the jobs and the results appear; the live charts move; a job submitted
while the page is open shows up without a reload; markup in a result's text is shown as text, never
run; a click on a job opens its detail with its events. A screenshot of the whole page lands in
test-artifacts/dashboard/dashboard.png (also when the test fails)."""

from __future__ import annotations

import json
import time

import pytest

import interop_servers as servers
from cdp_browser import Browser, chromium_binary
from e2e_fleet import seconds_job
from e2e_master import publish_with_cli, submit_with_cli

SCREENSHOT = servers.REPO_ROOT / "test-artifacts" / "dashboard" / "dashboard.png"

pytestmark = pytest.mark.skipif(chromium_binary() is None,
                                reason="no chromium: `apt-get install chromium` (deployment/install-packages.sh) "
                                       "or set FFRTMP_CHROMIUM")


def text_of(selector: str) -> str:
    return f"(document.querySelector({json.dumps(selector)})?.textContent ?? '')"


@pytest.mark.timeout(180)
def test_the_dashboard_shows_the_fleet_live_without_errors(up, tmp_path):
    service = up("--demo")
    browser = Browser(tmp_path / "browser")
    try:
        browser.start()
        browser.open(service.base_url + "/")
        browser.wait_for(f"{text_of('#conn')} === 'live'", 10, "the event stream to be live")

        node = service.wait_json("/api/nodes", lambda d: d["nodes"] and d["nodes"][0]["node_id"], 10, "a node")
        browser.wait_for(f"{text_of('#nodes tbody')}.includes({json.dumps(node)})", 10, f"node {node} in Nodes")
        # Four demo encodes one after another (libx265 among them): tens of seconds on a loaded machine.
        demo = service.wait_json("/api/results", lambda d: len(d["results"]) >= 4 and d["results"], 100,
                                 "the 4 demo results")
        browser.wait_for("document.querySelectorAll('#summary tbody tr').length >= 1", 10,
                         "a row in the results summary")
        browser.wait_for(f"{text_of('#jobs tbody')}.includes({json.dumps(demo[0]['job_id'])})", 10,
                         "a demo job in Recent jobs")
        assert browser.evaluate("document.querySelectorAll('#compareChart circle').length") >= 1

        # A result whose free-text scenario is markup: shown as text in the table and the chart.
        hostile = dict(demo[0], job_id="hostile-1", scenario='<img src=x onerror="window.injected=1">')
        publish_with_cli(service.broker_url, f"result.{node}", hostile, "result-hostile-1-1")
        browser.wait_for(f"{text_of('#jobs tbody')}.includes('<img src=x')", 10, "the markup as text in Recent jobs")
        assert browser.evaluate("document.querySelectorAll('main img').length + (window.injected || 0)") == 0

        # Live: the power chart redraws from the fleet snapshots, and a new job appears unasked.
        points = "document.querySelector('#powerChart polyline')?.getAttribute('points')"
        before = browser.wait_for(points, 15, "a line in the power chart")
        job = seconds_job("live-job-1", duration_s=6)
        submit_with_cli(service.broker_url, job)
        browser.wait_for(f"{text_of('#running')}.includes('live-job-1')", 15, "the new job under Running jobs")
        browser.wait_for("document.querySelector('#fpsChart polyline') !== null", 10, "a line in the fps chart")
        browser.wait_for("[...document.querySelectorAll('#jobs tbody tr')].some(tr => "
                         "tr.textContent.includes('live-job-1') && tr.textContent.includes('succeeded'))", 40,
                         "live-job-1 succeeded in Recent jobs, without a reload")
        assert browser.evaluate(points) != before, "the power chart did not move"

        browser.evaluate("[...document.querySelectorAll('#jobs tbody tr')]"
                         ".find(tr => tr.textContent.includes('live-job-1')).click()")
        browser.wait_for("!document.getElementById('detail').hidden && "
                         f"{text_of('#detailId')} === 'live-job-1'", 10, "the job detail section")
        # Recent jobs says succeeded as soon as the result or the `succeeded` event is stored; the other
        # comes through another consumer a moment later, and the open detail redraws when it does.
        rows = "[...document.querySelectorAll('#detailBody tbody tr')].map(tr => tr.textContent)"
        browser.wait_for(f"{rows}.some(row => row.startsWith('succeeded')) && "
                         f"{text_of('#detailBody pre')}.includes('ffmpeg')", 10,
                         "the job's succeeded event and its ffmpeg command in the detail")
        events = browser.evaluate(rows)
        assert [row for row in events if row.startswith("started")], events
        assert [row for row in events if row.startswith("succeeded")], events
        assert "ffmpeg" in browser.evaluate("document.querySelector('#detailBody pre')?.textContent ?? ''")

        time.sleep(0.5)
        browser.evaluate("1")  # takes in what the page logged meanwhile
        assert not browser.errors, "the page logged errors:\n" + "\n".join(browser.errors)
    finally:
        if browser.socket is not None:
            browser.screenshot(SCREENSHOT)
        browser.close()
