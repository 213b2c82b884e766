"""The permission matrix: what each enrolled role may do on the broker, proven on a live broker.

One ffrtmp broker with JetStream, mutual TLS (`verify_and_map`) and broker/roles.conf, its streams and
job consumers declared by `ffrtmp setup`. Certificates come from `ffrtmp certs` (interop_tls): node-1
(agent), alice (submitter), master-1 (master, issued here), ops (admin).

Every role x every subject class x every operation (publish, subscribe, queue-subscribe, use as a reply
subject) is tried over a raw TLS socket, so the exact `-ERR` line is checked: a refusal must carry
nats-server's text, and an allowed operation must produce no error. A watcher with admin rights,
subscribed to `>`, proves that nothing refused was delivered (or stored: every stream takes its
messages from a subject the watcher sees); for subscriptions, the admin publishes on the subject and
the peer must receive it exactly when the subscription was allowed.

The expectations below are written out by hand from what each role is for, not read from roles.conf,
so a change to roles.conf that widens a role fails here.

Everything runs twice: against the broker, then against nats-server 2.15 set up the same way (one
user per certificate DN with its role's block from roles.conf), the oracle for the expectations and
the refusal texts. Skipped there on purpose: the reply-to column (nats-server does not check a reply
subject against the publish permissions; the broker does, see protocol/PROTOCOL.md) and pull
isolation (nats-server routes a pulled message to every subscriber of the reply subject).
"""

from __future__ import annotations

import hashlib
import json
import socket
import ssl
import subprocess
import time
from dataclasses import dataclass

import pytest

import interop_servers as servers
from interop_tls import certs, client_context, mtls_config, role_block, tls_block

ROLES = {"agent": "node-1", "submitter": "alice", "master": "master-1", "admin": "ops"}


@dataclass(frozen=True)
class SubjectClass:
    """A kind of subject: the literal published (and used as a reply), the pattern subscribed to."""

    id: str
    literal: str
    pattern: str | None = None

    def published(self, name: str) -> str:
        return self.literal.replace("{self}", name)

    def subscribed(self, name: str) -> str:
        return (self.pattern or self.literal).replace("{self}", name)


CLASSES = [
    SubjectClass("job", "job.cpu"),
    SubjectClass("job.node", "job.node.node-2.cpu"),
    SubjectClass("hb.self", "hb.{self}"),
    SubjectClass("hb.other", "hb.node-2"),
    SubjectClass("metrics.self", "metrics.{self}"),
    SubjectClass("metrics.other", "metrics.node-2"),
    SubjectClass("evt.started", "evt.job.J1.started"),  # the older form, without the node
    SubjectClass("evt.started.self", "evt.job.J1.started.{self}"),
    SubjectClass("evt.started.other", "evt.job.J1.started.node-2"),
    SubjectClass("evt.progress", "evt.job.J1.progress"),
    SubjectClass("evt.queued", "evt.job.J1.queued"),
    SubjectClass("result.self", "result.{self}"),
    SubjectClass("result.other", "result.node-2"),
    SubjectClass("ctl", "ctl.job.J1.cancel"),
    SubjectClass("master.query", "ffrtmp.master.q"),
    SubjectClass("js.info", "$JS.API.INFO"),
    SubjectClass("js.stream.names", "$JS.API.STREAM.NAMES"),
    SubjectClass("js.stream.info", "$JS.API.STREAM.INFO.JOBS"),
    SubjectClass("js.stream.create", "$JS.API.STREAM.CREATE.NOPE"),
    SubjectClass("js.stream.delete", "$JS.API.STREAM.DELETE.NOPE"),
    SubjectClass("js.stream.purge", "$JS.API.STREAM.PURGE.NOPE"),
    SubjectClass("js.msg.get.control", "$JS.API.STREAM.MSG.GET.CONTROL"),
    SubjectClass("js.msg.get.events", "$JS.API.STREAM.MSG.GET.EVENTS"),
    SubjectClass("js.msg.get.results", "$JS.API.STREAM.MSG.GET.RESULTS"),
    SubjectClass("js.consumer.info", "$JS.API.CONSUMER.INFO.JOBS.nope"),
    SubjectClass("js.consumer.create.events", "$JS.API.CONSUMER.CREATE.EVENTS.nope"),
    SubjectClass("js.consumer.create.jobs", "$JS.API.CONSUMER.CREATE.JOBS.nope"),
    SubjectClass("js.consumer.delete", "$JS.API.CONSUMER.DELETE.JOBS.nope"),
    SubjectClass("js.pull.jobs", "$JS.API.CONSUMER.MSG.NEXT.JOBS.nope"),
    SubjectClass("js.pull.jobs.cpu", "$JS.API.CONSUMER.MSG.NEXT.JOBS.cpu"),
    SubjectClass("js.pull.node.self", "$JS.API.CONSUMER.MSG.NEXT.JOBS.{self}"),
    SubjectClass("js.pull.node.other", "$JS.API.CONSUMER.MSG.NEXT.JOBS.node-2"),
    SubjectClass("js.consumer.create.node.self", "$JS.API.CONSUMER.CREATE.JOBS.{self}.job.node.{self}.cpu"),
    SubjectClass("js.consumer.create.node.other", "$JS.API.CONSUMER.CREATE.JOBS.node-2.job.node.node-2.cpu"),
    SubjectClass("js.consumer.create.node.stolen", "$JS.API.CONSUMER.CREATE.JOBS.{self}.job.node.node-2.cpu"),
    SubjectClass("js.pull.events", "$JS.API.CONSUMER.MSG.NEXT.EVENTS.nope"),
    SubjectClass("ack9.jobs", "$JS.ACK.JOBS.nope.1.999.999.0.0"),
    SubjectClass("ack9.events", "$JS.ACK.EVENTS.nope.1.999.999.0.0"),
    SubjectClass("ack11.jobs-then-events", "$JS.ACK.JOBS.hash.EVENTS.nope.1.999.999.0.0"),
    SubjectClass("ack12.jobs-then-events", "$JS.ACK.JOBS.hash.EVENTS.nope.1.999.999.0.0.random"),
    SubjectClass("ack11.events-then-jobs", "$JS.ACK.EVENTS.hash.JOBS.nope.1.999.999.0.0"),
    SubjectClass("obj.clips", "$O.clips.C.x"),
    SubjectClass("obj.outputs", "$O.outputs.C.x"),
    SubjectClass("js.msg.get.clips", "$JS.API.STREAM.MSG.GET.OBJ_clips"),
    SubjectClass("js.msg.get.outputs", "$JS.API.STREAM.MSG.GET.OBJ_outputs"),
    SubjectClass("js.stream.create.clips", "$JS.API.STREAM.CREATE.OBJ_clips"),
    SubjectClass("js.stream.create.outputs", "$JS.API.STREAM.CREATE.OBJ_outputs"),
    SubjectClass("js.stream.purge.clips", "$JS.API.STREAM.PURGE.OBJ_clips"),
    SubjectClass("js.stream.purge.outputs", "$JS.API.STREAM.PURGE.OBJ_outputs"),
    SubjectClass("js.consumer.create.clips", "$JS.API.CONSUMER.CREATE.OBJ_clips.r1.$O.clips.C.x"),
    SubjectClass("js.consumer.create.outputs", "$JS.API.CONSUMER.CREATE.OBJ_outputs.r1.$O.outputs.C.x"),
    SubjectClass("js.pull.clips", "$JS.API.CONSUMER.MSG.NEXT.OBJ_clips.r1"),
    SubjectClass("js.pull.outputs", "$JS.API.CONSUMER.MSG.NEXT.OBJ_outputs.r1"),
    SubjectClass("inbox.self", "_INBOX.{self}.x"),
    SubjectClass("inbox.other", "_INBOX.node-2.x"),
    SubjectClass("inbox.any", "_INBOX.abc", pattern="_INBOX.>"),
]

EVERYTHING = {c.id for c in CLASSES}
JOB_QUERIES = {"js.info", "js.stream.names", "js.stream.info", "js.consumer.info"}

# The object stores (issue 12): agents read clips and keep outputs; submitters manage clips and read outputs.
CLIP_READING = {"js.msg.get.clips", "js.consumer.create.clips", "js.pull.clips"}
CLIP_MANAGING = {"obj.clips", "js.stream.create.clips", "js.stream.purge.clips"}
OUTPUT_KEEPING = {"obj.outputs", "js.msg.get.outputs", "js.stream.create.outputs", "js.stream.purge.outputs"}
OUTPUT_READING = {"js.msg.get.outputs", "js.consumer.create.outputs", "js.pull.outputs"}

# What each role may publish (and so also name as a reply subject).
PUBLISH = {
    "agent": {"hb.self", "metrics.self", "result.self", "evt.started.self", "evt.progress", "js.msg.get.control",
              "js.msg.get.events", "js.pull.jobs.cpu", "js.pull.node.self", "js.consumer.create.node.self", "ack9.jobs",
              "ack11.jobs-then-events", "ack12.jobs-then-events", "inbox.self"} | JOB_QUERIES | CLIP_READING | OUTPUT_KEEPING,
    "submitter": {"job", "job.node", "ctl", "evt.queued", "js.msg.get.events", "inbox.self"} | JOB_QUERIES
                 | CLIP_READING | CLIP_MANAGING | OUTPUT_READING,
    "master": {"master.query", "inbox.self", "js.consumer.create.events", "js.pull.events", "ack9.events",
               "ack11.events-then-jobs"} | JOB_QUERIES,
    "admin": EVERYTHING,
}

# What each role may subscribe to.
SUBSCRIBE = {
    "agent": {"inbox.self", "ctl"},
    "submitter": {"inbox.self", "evt.started", "evt.started.self", "evt.started.other", "evt.progress", "evt.queued",
                  "metrics.self", "metrics.other"},
    "master": EVERYTHING,
    "admin": EVERYTHING,
}

# A subject each role may publish, to carry a reply subject under test.
CARRIER = {"agent": "hb.node-1", "submitter": "evt.job.J1.queued", "master": "ffrtmp.master.q",
           "admin": "ffrtmp.master.q"}

OPERATIONS = ["publish", "subscribe", "queue-subscribe", "reply-to"]


class Peer:
    """A raw protocol client over TLS with one identity's certificate."""

    def __init__(self, port: int, context: ssl.SSLContext):
        plain = socket.create_connection(("127.0.0.1", port), timeout=5)
        greeting = b""
        while not greeting.endswith(b"\r\n"):
            chunk = plain.recv(4096)
            assert chunk, "closed before INFO"
            greeting += chunk
        self.sock = context.wrap_socket(plain, server_hostname="127.0.0.1")
        self.buffer = b""
        self.sid = 0
        connect = {"verbose": False, "pedantic": False, "headers": True, "no_responders": True}
        self.exchange(b"CONNECT " + json.dumps(connect).encode() + b"\r\n")

    def exchange(self, data: bytes = b"") -> str:
        """Sends ``data`` and a PING; returns everything received up to the PONG."""
        self.sock.sendall(data + b"PING\r\n")
        while b"PONG\r\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            assert chunk, f"connection closed; got {self.buffer!r}"
            self.buffer += chunk
        text, _, self.buffer = self.buffer.partition(b"PONG\r\n")
        lines = text.decode(errors="replace").split("\r\n")
        pings = lines.count("PING")
        if pings:  # the server's keep-alive (nats-server sends one soon after CONNECT): answer it
            self.sock.sendall(b"PONG\r\n" * pings)
        return "\r\n".join(line for line in lines if line != "PING")

    def next_sid(self) -> int:
        self.sid += 1
        return self.sid

    def close(self):
        self.sock.close()


def violation(kind: str, subject: str, queue: str | None = None) -> str:
    if kind == "publish":
        return f"-ERR 'Permissions Violation for Publish to \"{subject}\"'"
    if kind == "reply":
        return f"-ERR 'Permissions Violation for Publish with Reply of \"{subject}\"'"
    text = f"Permissions Violation for Subscription to \"{subject}\""
    if queue:
        text += f" using queue \"{queue}\""
    return f"-ERR '{text}'"


def received(text: str, subject: str, payload: str | None = None) -> bool:
    """Whether ``text`` holds a message on ``subject`` (with ``payload``, when given)."""
    lines = text.split("\r\n")
    for index, line in enumerate(lines):
        if line.startswith((f"MSG {subject} ", f"HMSG {subject} ")):
            if payload is None or (index + 1 < len(lines) and lines[index + 1].endswith(payload)):
                return True
    return False


def oracle_config(made) -> str:
    """nats-server's mTLS setup for the four identities: one user per certificate DN with its role's
    block cut from roles.conf (nats-server has no roles of its own)."""
    users = [f'    {{ user: "CN={name},OU={role}", permissions: {role_block(role, name)} }}'
             for role, name in ROLES.items()]
    return tls_block(made) + "\nauthorization {\n  users = [\n" + "\n".join(users) + "\n  ]\n}"


@pytest.fixture(scope="module", params=["broker", "nats-server"])
def fleet(request, tmp_path_factory, tls_certificates):
    """The server (the broker, then nats-server as the oracle for the same rules and texts), with
    streams and consumers declared: a peer per role, a publisher (admin) that feeds subscriptions
    under test, and the watcher."""
    if not tls_certificates.pair("master-1")[0].exists():
        certs("issue", "--dir", str(tls_certificates.directory), "--role", "master", "--name", "master-1")
    flavor = servers.under_test() if request.param == "broker" else "nats-server"
    config = mtls_config("ffrtmp", tls_certificates) if flavor == "ffrtmp" else oracle_config(tls_certificates)
    server = servers.ServerProcess(flavor, tmp_path_factory.mktemp("matrix"), "matrix", {"jetstream": True},
                                   config=config)
    server.start()
    try:
        certificate, key = tls_certificates.pair("ops")
        done = subprocess.run(
            [str(servers.ffrtmp_binary()), "setup", "-s", server.url, "--tlsca", str(tls_certificates.ca),
             "--tlscert", str(certificate), "--tlskey", str(key)],
            capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
        assert done.returncode == 0, f"ffrtmp setup failed: {done.stdout}{done.stderr}"
        peers = {role: Peer(server.port, client_context(tls_certificates, name)) for role, name in ROLES.items()}
        watcher = Peer(server.port, client_context(tls_certificates, "ops"))
        watcher.exchange(b"SUB > 1\r\n")
        peers["publisher"] = Peer(server.port, client_context(tls_certificates, "ops"))
        yield server, peers, watcher
        for peer in [*peers.values(), watcher]:
            peer.close()
    finally:
        server.kill()


def skip_on_nats_server(server, why: str):
    if server.flavor == "nats-server":
        pytest.skip(f"nats-server {why}")


MATRIX = [(role, operation, subject_class) for role in ROLES for operation in OPERATIONS
          for subject_class in CLASSES]


@pytest.mark.parametrize("role, operation, subject_class", MATRIX,
                         ids=[f"{r}-{o}-{c.id}" for r, o, c in MATRIX])
def test_role_operation_subject(fleet, role, operation, subject_class):
    server, peers, watcher = fleet
    peer, publisher = peers[role], peers["publisher"]
    name = ROLES[role]
    token = hashlib.sha1(f"{role} {operation} {subject_class.id}".encode()).hexdigest()[:20]
    if operation == "reply-to":
        skip_on_nats_server(server, "does not check reply subjects against the publish permissions")
    watcher.exchange()
    if operation in ("publish", "reply-to"):
        subject = subject_class.published(name)
        allowed = subject_class.id in PUBLISH[role]
        if operation == "publish":
            carrier, frame = subject, f"PUB {subject} {len(token)}\r\n{token}\r\n"
            expected_error = violation("publish", subject)
        else:
            carrier, frame = CARRIER[role], f"PUB {CARRIER[role]} {subject} {len(token)}\r\n{token}\r\n"
            expected_error = violation("reply", subject)
        answer = peer.exchange(frame.encode())
        seen = watcher.exchange()
        if allowed:
            assert "-ERR" not in answer, answer
            assert received(seen, carrier, token), f"the watcher did not see the allowed message: {seen!r}"
        else:
            assert answer.strip() == expected_error, answer
            assert token not in seen, f"a refused message was delivered: {seen!r}"
    else:
        pattern = subject_class.subscribed(name)
        allowed = subject_class.id in SUBSCRIBE[role]
        queue = "q" if operation == "queue-subscribe" else None
        sid = peer.next_sid()
        answer = peer.exchange(f"SUB {pattern} {queue + ' ' if queue else ''}{sid}\r\n".encode())
        if allowed:
            assert "-ERR" not in answer, answer
        else:
            assert answer.strip() == violation("subscribe", pattern, queue), answer
        literal = subject_class.published(name)
        publisher.exchange(f"PUB {literal} {len(token)}\r\n{token}\r\n".encode())
        got = peer.exchange(f"UNSUB {sid}\r\n".encode())
        outcome = "an allowed" if allowed else "a refused"
        assert received(got, literal, token) == allowed, f"delivery after {outcome} SUB: {got!r}"


# ---------------------------------------------------------------------------------------------
# The reply-subject attack the issue names, the pull and the ack rows
# ---------------------------------------------------------------------------------------------

def api_request(peer: Peer, subject: str, body: str, inbox: str, wait: float = 5.0) -> str:
    """Publishes ``body`` to ``subject`` with reply ``inbox`` (which ``peer`` subscribes to for the
    while) and returns the first message's payload on it ("" when none came in ``wait``)."""
    sid = peer.next_sid()
    peer.exchange(f"SUB {inbox} {sid}\r\n".encode())
    text = peer.exchange(f"PUB {subject} {inbox} {len(body.encode())}\r\n{body}\r\n".encode())
    deadline = time.monotonic() + wait
    while f"MSG {inbox} " not in text and time.monotonic() < deadline:
        time.sleep(0.05)
        text += peer.exchange()
    peer.exchange(f"UNSUB {sid}\r\n".encode())
    for index, line in enumerate(lines := text.split("\r\n")):
        if line.startswith(f"MSG {inbox} "):
            return lines[index + 1]
        if line.startswith(f"HMSG {inbox} "):
            return text
    return ""


def stream_messages(admin: Peer, stream: str) -> int:
    answer = api_request(admin, f"$JS.API.STREAM.INFO.{stream}", "", f"_INBOX.ops.info.{stream}")
    return json.loads(answer)["state"]["messages"]


@pytest.mark.parametrize("reply, stream", [("ctl.job.VICTIM.cancel", "CONTROL"), ("job.cpu", "JOBS")])
def test_an_agent_cannot_make_the_jetstream_api_publish_for_it(fleet, reply, stream):
    """`PUB $JS.API.INFO <reply>`: the API would answer on <reply>, which the CONTROL (or JOBS) stream
    stores: every agent would cancel VICTIM, or a junk job would be queued."""
    server, peers, watcher = fleet
    skip_on_nats_server(server, "does not check reply subjects against the publish permissions")
    admin, agent = peers["admin"], peers["agent"]
    before = stream_messages(admin, stream)
    watcher.exchange()
    answer = agent.exchange(f"PUB $JS.API.INFO {reply} 0\r\n\r\n".encode())
    assert answer.strip() == violation("reply", reply), answer
    time.sleep(0.3)
    seen = watcher.exchange()
    assert not received(seen, reply) and not received(seen, "$JS.API.INFO"), seen
    assert stream_messages(admin, stream) == before, f"{stream} stored the API's answer"


def pull_one(peer: Peer, consumer_subject: str, inbox: str, wait: float = 5.0) -> tuple[str, str]:
    """Pulls one message for ``peer`` into ``inbox``: (its MSG line, its payload), or ("", "") when none
    came. A pulled message arrives on the inbox's subscription under its own subject."""
    sid = peer.next_sid()
    peer.exchange(f"SUB {inbox} {sid}\r\n".encode())
    body = json.dumps({"batch": 1, "expires": 2_000_000_000})
    text = peer.exchange(f"PUB {consumer_subject} {inbox} {len(body)}\r\n{body}\r\n".encode())
    deadline = time.monotonic() + wait
    while f" {sid} $JS.ACK." not in text and time.monotonic() < deadline:
        time.sleep(0.05)
        text += peer.exchange()
    peer.exchange(f"UNSUB {sid}\r\n".encode())
    lines = text.split("\r\n")
    for index, line in enumerate(lines):
        fields = line.split()
        if len(fields) == 5 and fields[0] == "MSG" and fields[2] == str(sid) and fields[3].startswith("$JS.ACK."):
            return line, lines[index + 1]
    return "", ""


def test_an_agent_pulls_a_job_from_its_own_inbox(fleet):
    server, peers, watcher = fleet
    admin, agent = peers["admin"], peers["agent"]
    api_request(admin, "$JS.API.STREAM.PURGE.JOBS", "", "_INBOX.ops.purge")
    admin.exchange(b"PUB job.cpu 9\r\nmatrixjob\r\n")
    line, payload = pull_one(agent, "$JS.API.CONSUMER.MSG.NEXT.JOBS.cpu", "_INBOX.node-1.pull1")
    assert line.startswith("MSG job.cpu ") and payload == "matrixjob", line
    assert "-ERR" not in agent.exchange(f"PUB {line.split()[3]} 0\r\n\r\n".encode()), "the agent acks it"


PULLS = [(role, stream, "cpu" if stream == "JOBS" else f"matrix-pull-{role}")
         for role in ROLES for stream in ("JOBS", "EVENTS")]
MAY_PULL = {("agent", "JOBS"), ("master", "EVENTS"), ("admin", "JOBS"), ("admin", "EVENTS")}


@pytest.mark.parametrize("role, stream, consumer", PULLS, ids=[f"{r}-{s}" for r, s, _ in PULLS])
def test_each_role_pulls_only_from_its_own_streams(fleet, role, stream, consumer):
    """Agents pull jobs, the master pulls events (and results), the admin anything; nobody else."""
    server, peers, watcher = fleet
    admin, peer = peers["admin"], peers[role]
    if stream == "EVENTS":
        config = json.dumps({"stream_name": "EVENTS", "config": {
            "durable_name": consumer, "ack_policy": "explicit", "deliver_policy": "new"}})
        api_request(admin, f"$JS.API.CONSUMER.DURABLE.CREATE.EVENTS.{consumer}", config, "_INBOX.ops.mk")
    api_request(admin, "$JS.API.STREAM.PURGE.JOBS", "", "_INBOX.ops.purge")
    token = hashlib.sha1(f"pull {role} {stream}".encode()).hexdigest()[:20]
    subject = "job.cpu" if stream == "JOBS" else "evt.job.PULL.started"
    admin.exchange(f"PUB {subject} {len(token)}\r\n{token}\r\n".encode())
    next_subject = f"$JS.API.CONSUMER.MSG.NEXT.{stream}.{consumer}"
    line, payload = pull_one(peer, next_subject, f"_INBOX.{ROLES[role]}.pull-{stream}", wait=1.0)
    if (role, stream) in MAY_PULL:
        assert payload == token, line
        assert "-ERR" not in peer.exchange(f"PUB {line.split()[3]} 0\r\n\r\n".encode()), "and acks it"
    else:
        assert (line, payload) == ("", ""), "a refused pull delivers nothing"
        answer = peer.exchange(f"PUB {next_subject} _INBOX.{ROLES[role]}.x 0\r\n\r\n".encode())
        assert answer.strip() == violation("publish", next_subject), answer
        api_request(admin, "$JS.API.STREAM.PURGE.JOBS", "", "_INBOX.ops.purge")


def test_a_pulled_message_goes_only_to_the_requester(request, fleet):
    server, peers, watcher = fleet
    skip_on_nats_server(server, "routes a pulled message to every subscriber of the reply subject; there "
                                "only private inboxes (roles.conf) keep other nodes from reading it")
    admin, agent = peers["admin"], peers["agent"]
    api_request(admin, "$JS.API.STREAM.PURGE.JOBS", "", "_INBOX.ops.purge")
    admin.exchange(b"PUB job.cpu 10\r\nisolation1\r\n")
    watcher.exchange()
    line, payload = pull_one(agent, "$JS.API.CONSUMER.MSG.NEXT.JOBS.cpu", "_INBOX.node-1.pull2")
    assert payload == "isolation1", line
    seen = watcher.exchange()
    assert "isolation1" not in seen, f"the watcher (subscribed to >) got the pulled job too: {seen!r}"


@pytest.mark.parametrize("form", ["11 tokens", "12 tokens"])
def test_a_long_form_ack_cannot_ack_another_streams_message(request, fleet, form):
    """The agent may publish `$JS.ACK.JOBS.>`; `$JS.ACK.JOBS.<hash>.EVENTS.<consumer>…` must not ack
    EVENTS' message."""
    server, peers, watcher = fleet
    admin, agent = peers["admin"], peers["agent"]
    consumer = "matrix-" + form.split()[0]
    config = json.dumps({"stream_name": "EVENTS", "config": {
        "durable_name": consumer, "ack_policy": "explicit", "ack_wait": 60_000_000_000,
        "deliver_policy": "all"}})
    created = api_request(admin, f"$JS.API.CONSUMER.DURABLE.CREATE.EVENTS.{consumer}", config,
                      f"_INBOX.ops.create.{consumer}")
    assert '"error"' not in created, created
    admin.exchange(b"PUB evt.job.ACK.started 2\r\nev\r\n")
    line, _ = pull_one(admin, f"$JS.API.CONSUMER.MSG.NEXT.EVENTS.{consumer}", f"_INBOX.ops.{consumer}")
    assert line, "the admin pulled the event"
    ack = line.split()[3]
    tokens = ack.split(".")  # $JS.ACK.EVENTS.<consumer>.<delivered>.<sseq>.<cseq>.<ts>.<pending>
    forged = ["$JS", "ACK", "JOBS", "hash", *tokens[2:]]
    if form == "12 tokens":
        forged.append("random")
    answer = agent.exchange(f"PUB {'.'.join(forged)} 0\r\n\r\n".encode())
    assert "-ERR" not in answer, "the agent may publish under $JS.ACK.JOBS.>"
    time.sleep(0.3)
    info = json.loads(api_request(admin, f"$JS.API.CONSUMER.INFO.EVENTS.{consumer}", "",
                              f"_INBOX.ops.info.{consumer}"))
    assert info["num_ack_pending"] == 1, f"EVENTS' message was acked by a JOBS ack: {info}"
