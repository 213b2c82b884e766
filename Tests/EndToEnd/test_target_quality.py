"""Target-quality mode end to end on `ffrtmp up`: `ffrtmp submit --target-ssim 0.9` of a 1 s
160x120 generated clip; the agent searches crf with real ffmpeg (Debian's, so SSIM) and the
stored result's `target_search` lists at most 6 probes, each with its crf, score and energy; the
chosen crf reached the target and every cheaper probe missed it; the result's SSIM and energy
are the chosen probe's. The summary then gives J/frame per quality point for SSIM only (no PSNR
or VMAF was measured: absent, not zero)."""

from __future__ import annotations

import json
import subprocess

import interop_servers as servers


def cli(*arguments: str, timeout: float = 60) -> str:
    done = subprocess.run([str(servers.ffrtmp_binary()), *arguments], capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, f"ffrtmp {' '.join(arguments)} exited {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_a_target_ssim_job_searches_crf_and_reports_every_probe(up):
    service = up()
    master = ["--master", service.base_url]
    cli("submit", "-s", service.broker_url, "--id", "target-1", "--encoder", "libx264", "--preset", "ultrafast",
        "--resolution", "160x120", "--fps", "15", "--duration", "1", "--input", "generated",
        "--target-ssim", "0.9")
    service.wait_json("/api/jobs?limit=10", lambda d: [j for j in d["jobs"]
                                                       if j["job_id"] == "target-1" and j["state"] == "succeeded"],
                      timeout=240, describe="the target-quality job to succeed")
    # The job's state may come from its `succeeded` event (EVENTS), which the master can store before
    # the result (RESULTS, another consumer): wait for the result that the CLI reads next.
    service.wait_json("/api/results", lambda d: [r for r in d["results"] if r["job_id"] == "target-1"],
                      timeout=15, describe="the target-quality job's result in /api/results")
    results = json.loads(cli("results", *master, "--json"))["results"]
    result = next(r for r in results if r["job_id"] == "target-1")
    search = result["target_search"]
    assert search["target"] == {"metric": "ssim", "score": 0.9}, search
    assert search["reached"] is True, search
    probes = search["probes"]
    assert 2 <= len(probes) <= 6, probes
    assert all("e_total_j" in probe and "score" in probe for probe in probes), probes
    chosen = next(probe for probe in probes if probe["crf"] == search["crf"])
    assert chosen["score"] >= 0.9, chosen
    assert all(probe["score"] < 0.9 for probe in probes if probe["crf"] > search["crf"]), probes
    assert result["quality"]["ssim"] == chosen["score"], (result["quality"], chosen)
    assert abs(result["energy"]["e_total_j"] - chosen["e_total_j"]) < 1e-6, (result["energy"], chosen)
    assert f"-crf {search['crf']}" in " ".join(result["ffmpeg"]["argv"]), result["ffmpeg"]["argv"]

    row = json.loads(cli("results", *master, "--summary", "--json"))["summary"][0]
    assert list(row["j_per_quality_point"]) == ["ssim"], row
    assert abs(row["j_per_quality_point"]["ssim"] - row["j_per_frame"] / row["ssim"]) < 1e-6, row
