"""Differential JetStream tests: the same scripted sequence of JetStream API requests, publishes,
raw pulls and acks runs against nats-server 2.15 (`-js`, the oracle) and against the broker
(`-js`); the normalised transcripts must be equal step by step.

The scenarios live in jetstream_scenarios_broad.py (a feature area each) and
jetstream_scenarios_focused.py (one behaviour each); the recorder, the transcripts and what is
compared are described in interop_jetstream_session.py.

Documented broker deviations (interest retention, push consumers, mirrors/sources) are not
compared: ``test_documented_refusals`` asserts the broker refuses each cleanly.
"""

from __future__ import annotations

import json

import pytest

from interop_aio import connect, run_async
from interop_jetstream import api
from interop_jetstream_session import compare, run_both
from jetstream_scenarios_broad import BROAD_SCENARIOS
from jetstream_scenarios_focused import FOCUSED_SCENARIOS

pytestmark = pytest.mark.timeout(90)


@pytest.fixture
def pair(server_factory):
    oracle = server_factory.start("nats-server", jetstream=True)
    broker = server_factory.start("broker", jetstream=True)
    return oracle, broker


SCENARIOS = {**BROAD_SCENARIOS, **FOCUSED_SCENARIOS}


@pytest.mark.parametrize("name", list(SCENARIOS))
@run_async(timeout=80)
async def test_jetstream_differential(pair, name):
    oracle, broker = pair
    want, got = await run_both(oracle, broker, SCENARIOS[name])
    compare(want, got)


# --------------------------------------------------------------------------------------------
# Documented deviations: the broker must refuse cleanly (nats-server accepts).
# --------------------------------------------------------------------------------------------

REFUSALS = [
    ("interest retention", "STREAM.CREATE.I", {"name": "I", "subjects": ["i"], "retention": "interest"}),
    ("push consumer", "CONSUMER.CREATE.BASE.push",
     {"stream_name": "BASE", "config": {"durable_name": "push", "deliver_subject": "here", "ack_policy": "explicit"}}),
    ("mirror", "STREAM.CREATE.MIR", {"name": "MIR", "mirror": {"name": "BASE"}}),
    ("sources", "STREAM.CREATE.SRC", {"name": "SRC", "subjects": ["src"], "sources": [{"name": "BASE"}]}),
]


@run_async
async def test_documented_refusals(pair):
    oracle, broker = pair
    results = {}
    for server in (oracle, broker):
        nc = await connect(server)
        try:
            assert "error" not in await api(nc, "STREAM.CREATE.BASE", {"name": "BASE", "subjects": ["base"]})
            results[server.flavor] = [await api(nc, op, body) for _, op, body in REFUSALS]
            # Nothing was left behind by a refusal; the server still works.
            names = await api(nc, "STREAM.NAMES")
            results[server.flavor + " names"] = sorted(names.get("streams") or [])
            ack = json.loads((await nc.request("base", b"still fine", timeout=3)).data)
            assert ack.get("seq") == 1, ack
        finally:
            await nc.close()
    for (what, _, _), accepted in zip(REFUSALS, results["nats-server"]):
        assert "error" not in accepted, f"nats-server should accept {what}: {accepted}"
    if broker.flavor == "nats-server":
        return  # validating the suite: the "broker" is nats-server too
    for (what, _, _), refused in zip(REFUSALS, results["ffrtmp"]):
        err = refused.get("error")
        assert err, f"broker accepted {what}: {refused}"
        assert err["code"] == 400 and isinstance(err.get("err_code"), int)
        assert "not supported" in err["description"], f"{what}: {err}"
        assert refused.get("type", "").startswith("io.nats.jetstream.api.v1."), refused
    assert results["ffrtmp names"] == ["BASE"]
