"""TLS material for the TLS interop suites.

* ``make_certificates(dir)``: a CA, a broker certificate (SAN 127.0.0.1 and localhost) and one client
  certificate per identity in ``IDENTITIES``, all made by `ffrtmp certs` (FFRTMP_BIN), plus a second,
  unrelated CA that issues a certificate with a trusted name ("alice").
* ``client_context(certs, name)``: the ``ssl.SSLContext`` nats-py gets (CA + that identity's chain).
* ``mtls_config(flavor, certs)``: the same setup for either server: TLS with client certificates
  required (``verify_and_map``), the certificate's CN as the user, the permissions of its role from
  ``broker/roles.conf``, and ``REVOKED`` refused. ffrtmp reads roles.conf itself (``include`` plus
  ``revoked``); nats-server, which has neither roles nor revocation by name, gets one user per
  identity (its subject DN, ``CN=alice,OU=submitter``) whose permissions are that role's block cut
  from the same roles.conf, and the revoked identity is left out, which nats-server refuses the
  same way.
* ``raw_tls_exchange(port, context)`` and ``read_line(sock)``: a TLS client over a raw socket, for
  what nats-py cannot show (the TLS alert of a refusal, the INFO line before the upgrade).
"""

from __future__ import annotations

import re
import socket
import ssl
import subprocess
from dataclasses import dataclass
from pathlib import Path

import interop_servers as servers

ROLES_CONF = servers.REPO_ROOT / "broker" / "roles.conf"

# Certificate name -> role (`ffrtmp certs issue --role ROLE --name NAME`).
IDENTITIES = {"node-1": "agent", "node-7": "agent", "alice": "submitter", "ops": "admin"}
REVOKED = "node-7"


@dataclass(frozen=True)
class Certificates:
    """Paths of what `ffrtmp certs` wrote: ``directory`` is the trusted CA's, ``foreign`` the other CA's."""

    directory: Path
    foreign: Path

    @property
    def ca(self) -> Path:
        return self.directory / "ca.pem"

    def pair(self, name: str, foreign: bool = False) -> tuple[Path, Path]:
        """(certificate, key) of ``name``, from the foreign CA's directory when asked."""
        base = self.foreign if foreign else self.directory
        return base / f"{name}.pem", base / f"{name}-key.pem"


def certs(*arguments: str) -> None:
    """Runs `ffrtmp certs ARGUMENTS`, failing with its output when it fails."""
    command = [str(servers.ffrtmp_binary()), "certs", *arguments]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}: {done.stderr or done.stdout}")


def make_certificates(root: Path) -> Certificates:
    made = Certificates(directory=root / "ca", foreign=root / "foreign-ca")
    certs("init", "--dir", str(made.directory), "--name", "ffrtmp interop CA")
    certs("issue", "--dir", str(made.directory), "--role", "broker", "--name", "broker",
          "--dns", "localhost", "--ip", "127.0.0.1")
    for name, role in IDENTITIES.items():
        certs("issue", "--dir", str(made.directory), "--role", role, "--name", name)
    certs("init", "--dir", str(made.foreign), "--name", "some other CA")
    certs("issue", "--dir", str(made.foreign), "--role", "submitter", "--name", "alice")
    return made


def client_context(made: Certificates, name: str | None = None, foreign: bool = False) -> ssl.SSLContext:
    """Trusts the interop CA; presents ``name``'s certificate (none when ``name`` is None)."""
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=str(made.ca))
    if name is not None:
        certificate, key = made.pair(name, foreign)
        context.load_cert_chain(str(certificate), str(key))
    return context


def tls_block(made: Certificates, verify: str = "verify_and_map") -> str:
    certificate, key = made.pair("broker")
    return (f'tls {{ cert_file: "{certificate}", key_file: "{key}", ca_file: "{made.ca}", '
            f'{verify}: true, timeout: 2 }}')


def mtls_config(flavor: str, made: Certificates) -> str:
    """The broker configuration of this module's docstring for ``flavor`` ("ffrtmp" or "nats-server")."""
    if flavor == "ffrtmp":
        authorization = f'authorization {{\n  include "{ROLES_CONF}"\n  revoked: ["{REVOKED}"]\n}}'
    else:
        users = [f'    {{ user: "CN={name},OU={role}", permissions: {role_block(role, name)} }}'
                 for name, role in IDENTITIES.items() if name != REVOKED]
        authorization = "authorization {\n  users = [\n" + "\n".join(users) + "\n  ]\n}"
    return tls_block(made) + "\n" + authorization


def role_block(role: str, name: str) -> str:
    """``{ publish … subscribe … }`` of ``role`` in roles.conf, with ``{name}`` replaced."""
    text = ROLES_CONF.read_text()
    found = re.search(rf"^\s*{re.escape(role)}\s*\{{", text, re.MULTILINE)
    if not found:
        raise ValueError(f"no role {role} in {ROLES_CONF}")
    start = found.end() - 1
    depth, index, quoted = 0, start, False
    while True:
        char = text[index]
        if char == '"':
            quoted = not quoted
        elif not quoted and char == "#":
            index = text.index("\n", index)
            continue
        elif not quoted and char in "{}":
            depth += 1 if char == "{" else -1
            if depth == 0:
                return text[start:index + 1].replace("{name}", name)
        index += 1


def start_mtls(server_factory, kind: str, made: Certificates, **options):
    """Starts ``kind`` ("broker" or "nats-server") with ``mtls_config`` and the given options."""
    return server_factory.start(kind, config=mtls_config(server_factory.flavor(kind), made), **options)


PING_AFTER_CONNECT = b'CONNECT {"verbose":false}\r\nPING\r\n'


def read_line(sock: socket.socket) -> bytes:
    """Reads until the data ends in CRLF or the peer closes (then what came, maybe b"")."""
    data = b""
    while not data.endswith(b"\r\n"):
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def raw_tls_exchange(port: int, context: ssl.SSLContext, send: bytes = PING_AFTER_CONNECT,
                     timeout: float = 5.0) -> tuple[str, bytes]:
    """Reads INFO in plaintext, upgrades, sends ``send`` and reads until the server answers or
    closes: ("ok", what it sent) or (the SSL error's reason, e.g. "TLSV1_ALERT_UNKNOWN_CA", b"").
    With ``send=b""`` nothing is sent, so a refused client's alert is always read: data the
    server has not read when it closes would make its kernel answer with a reset instead."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as plain:
        greeting = read_line(plain)
        if not greeting.endswith(b"\r\n"):
            return "closed before INFO", greeting
        try:
            with context.wrap_socket(plain, server_hostname="127.0.0.1") as secure:
                if send:
                    secure.sendall(send)
                return "ok", secure.recv(4096)
        except ssl.SSLError as exc:
            return exc.reason or type(exc).__name__, b""
        except (ConnectionError, TimeoutError) as exc:
            return type(exc).__name__, b""
