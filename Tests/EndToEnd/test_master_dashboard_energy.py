"""The dashboard's comparison in a real headless Chromium (skipped, saying so, without it) on
`ffrtmp up --demo` with a region and a pricing file: each configuration's cost at its region's
price; the gross/net toggle asks the summary for net energy, and rows without an idle baseline
(the demo's jobs have no --settle) say "no baseline" instead of a number."""

from __future__ import annotations

import json

import pytest

from cdp_browser import Browser, chromium_binary

pytestmark = pytest.mark.skipif(chromium_binary() is None,
                                reason="no chromium: `apt-get install chromium` (deployment/install-packages.sh) "
                                       "or set FFRTMP_CHROMIUM")

SUMMARY_TEXT = "(document.querySelector('#summary tbody')?.textContent ?? '')"


def test_the_comparison_shows_cost_by_region_and_switches_to_net_energy(up, tmp_path):
    pricing = tmp_path / "pricing.json"
    pricing.write_text(json.dumps({"regions": {"eu-west-1": {"usd_per_kwh": 0.3, "g_co2_per_kwh": 250}}}))
    service = up("--demo", "--region", "eu-west-1", "--pricing", str(pricing))
    browser = Browser(tmp_path / "browser")
    try:
        browser.start()
        browser.open(service.base_url + "/")
        summary = service.wait_json("/api/summary", lambda d: len(d["summary"]) >= 4 and d["summary"], 150,
                                    "the 4 demo configurations")
        assert all(row["region_cost"]["status"] == "priced" for row in summary), summary
        browser.wait_for(f"{SUMMARY_TEXT}.includes('g CO2')", 15, "a cost in the comparison table")
        assert "unavailable" not in browser.evaluate(SUMMARY_TEXT)
        assert browser.evaluate("document.querySelectorAll('#compareChart circle').length") >= 1

        browser.evaluate("(() => { const s = document.getElementById('energyBasis'); s.value = 'net';"
                         " s.dispatchEvent(new Event('change')); })()")
        browser.wait_for(f"{SUMMARY_TEXT}.includes('no baseline')", 15, "rows without a baseline saying so")
        headers = browser.evaluate("[...document.querySelectorAll('#summary th')].map(th => th.textContent)")
        assert "net J/frame" in headers, headers
        assert browser.evaluate("document.querySelectorAll('#compareChart circle').length") == 0
        assert "no baseline" in browser.evaluate("document.getElementById('basisNote').textContent")

        # The pricing file changed: the next refresh shows the region as unpriced, never a guess.
        pricing.write_text(json.dumps({"regions": {"us-east-1": {"usd_per_kwh": 0.1, "g_co2_per_kwh": 400}}}))
        browser.evaluate("(() => { const s = document.getElementById('energyBasis'); s.value = 'gross';"
                         " s.dispatchEvent(new Event('change')); })()")
        browser.wait_for(f"{SUMMARY_TEXT}.includes('unavailable')", 15, "the cost unavailable after repricing")
        browser.evaluate("1")
        assert not browser.errors, "the page logged errors:\n" + "\n".join(browser.errors)
    finally:
        browser.close()
