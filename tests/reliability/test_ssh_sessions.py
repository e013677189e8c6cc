"""Identity on a shared machine, from OpenSSH: a real sshd on loopback, two people's throwaway keys,
the lines `vse-tui people authorized-keys` prints, and each write attributed to the key's owner."""

from __future__ import annotations

import getpass
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from vse_tui.cli import main

SSHD = shutil.which("sshd") or next((p for p in ("/usr/sbin/sshd", "/usr/local/sbin/sshd") if Path(p).exists()), None)
if SSHD is None and os.environ.get("CI"):  # .ci/run installs OpenSSH's server: in CI this test runs
    raise RuntimeError("OpenSSH's server (sshd) is missing: .ci/run installs openssh-server")
pytestmark = pytest.mark.skipif(SSHD is None or shutil.which("ssh") is None or shutil.which("ssh-keygen") is None,
                                reason="OpenSSH's server and client are not on this machine (.ci/run installs them)")
ROOT = Path(__file__).resolve().parents[2]


def _keypair(folder: Path, name: str) -> Path:
    key = folder / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"{name}@laptop", "-f", str(key)], check=True)
    return key


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def shop(tmp_path):
    """A shop with Alice (Service Manager) and Bob, each having registered their own key."""
    db = tmp_path / "shop.db"
    keys = {name: _keypair(tmp_path, name) for name in ("alice", "bob", "carol")}
    assert main(["people", "add", "Alice Moss", "--roles", "SM,MGT,PT:incident", "--db", str(db)]) == 0
    assert main(["people", "add", "Bob Dent", "--roles", "PT:incident", "--db", str(db)]) == 0
    for name, person in (("alice", "Alice Moss"), ("bob", "Bob Dent")):
        assert main(["people", "key", person, str(keys[name].with_suffix(".pub")), "--as", person, "--db", str(db)]) == 0
    return db, keys


@pytest.fixture
def sshd(tmp_path, shop, capsys):
    """sshd on 127.0.0.1 whose only way in is the authorized_keys lines the app prints."""
    db, _keys = shop
    capsys.readouterr()
    assert main(["people", "authorized-keys", "--db", str(db)]) == 0
    lines = capsys.readouterr().out
    (tmp_path / "authorized_keys").write_text(lines)
    os.chmod(tmp_path / "authorized_keys", 0o600)
    host_key = tmp_path / "host_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(host_key)], check=True)
    if os.geteuid() == 0:  # as root, sshd separates privileges into this directory (a service makes it at boot)
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
    port = _free_port()
    config = tmp_path / "sshd_config"
    config.write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {host_key}\nAuthorizedKeysFile {tmp_path / 'authorized_keys'}\n"
        f"PidFile {tmp_path / 'sshd.pid'}\nUsePAM no\nStrictModes no\nPasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\nPubkeyAuthentication yes\nPermitRootLogin prohibit-password\n"
        "AcceptEnv VSE_TUI_OPERATOR\nLogLevel ERROR\n"
        # the session's environment: this checkout's code, a private config (never the user's)
        f"SetEnv PYTHONPATH={ROOT} VSE_TUI_CONFIG={tmp_path / 'config.toml'}\n")
    proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120  # however busy the machine
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    out = proc.stdout.read().decode() if proc.stdout else ""
                    pytest.fail(f"sshd did not start: {out}")
                time.sleep(0.1)
        yield port, lines
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def ssh(port: int, key: Path, command: str, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run(["ssh", "-F", "/dev/null", "-i", str(key), "-p", str(port), "-o", "BatchMode=yes",
                           "-o", "IdentitiesOnly=yes", "-o", "StrictHostKeyChecking=no",
                           "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", *options,
                           f"{getpass.getuser()}@127.0.0.1", command],
                          capture_output=True, text=True, timeout=120, env={**os.environ, "VSE_TUI_OPERATOR": "Bob Dent"})


def test_each_write_over_ssh_is_the_keys_owners(tmp_path, shop, sshd):
    from vse_tui.store import Actor, open_store

    db, keys = shop
    port, lines = sshd
    assert len(lines.splitlines()) == 2
    for line in lines.splitlines():
        options, key_type, _key, comment = line.rsplit(" ", 3)
        assert options.startswith('restrict,pty,command="') and key_type == "ssh-ed25519"
        assert comment.startswith("vse-tui:PER-")
        assert "ssh-session" in options and sys.executable in options
    alice = ssh(port, keys["alice"], "incident add 'Alice: the printer jams'")
    assert alice.returncode == 0, alice.stderr
    bob = ssh(port, keys["bob"], "vse-tui incident add 'Bob: the VPN drops'")
    assert bob.returncode == 0, bob.stderr
    # neither can write as the other: --as, VSE_TUI_OPERATOR (sent over SSH) and another database are refused
    forged = ssh(port, keys["alice"], "incident add 'Pretending' --as 'Bob Dent'")
    assert forged.returncode == 1 and "--as is refused" in forged.stderr
    sent = ssh(port, keys["bob"], "incident add 'Pretending'", "-o", "SendEnv=VSE_TUI_OPERATOR")
    assert sent.returncode == 1 and "VSE_TUI_OPERATOR is refused" in sent.stderr
    other = ssh(port, keys["bob"], f"incident add 'Elsewhere' --db {tmp_path / 'other.db'}")
    assert other.returncode == 1 and "--db is refused" in other.stderr and not (tmp_path / "other.db").exists()
    # a key with no line gets no session at all
    assert ssh(port, keys["carol"], "incident list").returncode == 255
    store = open_store(db, Actor(operator="check"), create=False)
    try:
        people = {name: uuid for uuid, name in store.titles("people").items()}
        rows = {title: (created_by, os_user, host) for title, created_by, os_user, host in store.conn.execute(
            "SELECT i.title, h.person, h.os_user, h.host FROM incidents i JOIN history h "
            "ON h.record = i.uuid AND h.action = 'create'")}
    finally:
        store.close()
    assert set(rows) == {"Alice: the printer jams", "Bob: the VPN drops"}
    assert rows["Alice: the printer jams"][0] == people["Alice Moss"]
    assert rows["Bob: the VPN drops"][0] == people["Bob Dent"]
    assert all(login == getpass.getuser() and "ssh from 127.0.0.1" in host for _, login, host in rows.values())


def test_a_line_for_a_replaced_key_no_longer_opens_the_shop(tmp_path, shop, sshd):
    db, keys = shop
    port, _lines = sshd
    new = _keypair(tmp_path, "alice2")
    assert main(["people", "key", "Alice Moss", str(new.with_suffix(".pub")), "--old-key", str(keys["alice"]),
                 "--as", "Alice Moss", "--db", str(db)]) == 0
    stale = ssh(port, keys["alice"], "incident add 'With the old key'")
    assert stale.returncode == 1 and "no longer holds" in stale.stderr
