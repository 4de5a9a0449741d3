"""`webinars publish` to a web server over SSH, against a real sshd (Debian's) started on a
loopback port with a throwaway key, and rsync: a release folder per publish, `current`
switched in one step (a reader asking for a page in a loop meanwhile gets the old page or
the new, never a 404), rollback, old releases pruned, and a failed upload that leaves
`current` as it was."""

from __future__ import annotations

import functools
import getpass
import http.server
import os
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from webinars import publish as publishing
from webinars.problems import InvalidInput
from webinars.publish import publish

from conftest import free_port, wait_for_port
from test_content import replace

pytestmark = pytest.mark.build
PAGE = "en/webinars/2024-03-05-tto-policies/index.html"
SOURCE = "content/webinars/2024-03-05-tto-policies/index.md"



@pytest.fixture(scope="module")
def sshd(tmp_path_factory):
    """An sshd on a loopback port that lets in one throwaway key; the ssh_config to reach it."""
    daemon = shutil.which("sshd", path="/usr/sbin:/usr/local/sbin:" + os.environ.get("PATH", ""))
    if daemon is None or shutil.which("rsync") is None:
        pytest.fail("sshd or rsync is missing: run `make test`, which installs them with apt-get")
    work = tmp_path_factory.mktemp("sshd")
    for key in ("host", "client"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(work / key)], check=True)
    (work / "authorized_keys").write_text((work / "client.pub").read_text())
    os.chmod(work / "authorized_keys", 0o600)
    port = free_port()
    (work / "sshd_config").write_text(f"""Port {port}
ListenAddress 127.0.0.1
HostKey {work}/host
PidFile {work}/sshd.pid
AuthorizedKeysFile {work}/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
""")
    (work / "known_hosts").write_text(f"[127.0.0.1]:{port} {(work / 'host.pub').read_text()}")
    (work / "ssh_config").write_text(f"""Host webinars-server
  HostName 127.0.0.1
  Port {port}
  User {getpass.getuser()}
  IdentityFile {work}/client
  IdentitiesOnly yes
  UserKnownHostsFile {work}/known_hosts
  StrictHostKeyChecking yes
""")
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(exist_ok=True)  # sshd's privilege separation folder
    server = subprocess.Popen([daemon, "-D", "-e", "-f", str(work / "sshd_config")],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wait_for_port(port, server, "sshd")
    yield work / "ssh_config"
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def served(mini: Path, sshd: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The fixture site set to publish to the sshd's machine, into a folder of its own."""
    folder = tmp_path / "server"
    replace(mini, "_config.yml", "webinars:\n", f"webinars:\n  publish:\n    ssh: {{host: webinars-server, path: {folder}, "
                                                f"config: {sshd}, keep: 3}}\n")
    return mini, folder


def _page(folder: Path) -> str:
    return (folder / "current" / PAGE).read_text(encoding="utf-8")


def test_each_publish_is_a_release_switched_at_once_and_rollback_goes_back(served, monkeypatch) -> None:
    root, folder = served
    said: list[str] = []
    assert publish(root, yes=True, say=said.append) == 0
    [first] = os.listdir(folder / "releases")
    assert os.readlink(folder / "current") == f"releases/{first}"
    site = (root / "_build/site").resolve()
    built = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    current = folder / "current"
    assert sorted(p.relative_to(current.resolve()).as_posix() for p in current.resolve().rglob("*") if p.is_file()) == built
    assert any(line.startswith("pages added: ") for line in said)

    # A reader asks for the page all the time while the next release is switched in.
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(folder / "current")))
    server.RequestHandlerClass.log_message = lambda *args: None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    answers: list[object] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{server.server_address[1]}/{PAGE}") as answer:
                    answers.append(answer.read().decode())
            except urllib.error.HTTPError as error:
                answers.append(error.code)

    old = _page(folder)
    replace(root, SOURCE, "Institutional IP policies were discussed.", "Institutional IP policies were compared.")
    said.clear()
    thread = threading.Thread(target=reader)
    thread.start()
    try:
        assert publish(root, yes=True, say=said.append) == 0
        time.sleep(0.3)
    finally:
        stop.set()
        thread.join()
        server.shutdown()
    new = _page(folder)
    assert "were compared" in new and "were compared" not in old
    assert old in answers and new in answers  # asked before, during and after the switch
    assert set(answers) <= {old, new}, {a if isinstance(a, int) else a[:60] for a in answers} - {old, new}
    report = "\n".join(said)
    assert "\npages added: 0 " in report and "\npages changed: 0" not in report and "\npages removed: 0" in report
    releases = sorted(os.listdir(folder / "releases"))
    assert len(releases) == 2 and os.readlink(folder / "current") == f"releases/{releases[1]}"
    same = "en/webinars/2024-01-10-tto-basics/index.html"  # unchanged: a hard link to the release before
    assert (folder / "releases" / releases[0] / same).stat().st_ino == (folder / "releases" / releases[1] / same).stat().st_ino

    assert publish(root, rollback=True, yes=True, say=said.append) == 0
    assert os.readlink(folder / "current") == f"releases/{releases[0]}" and _page(folder) == old
    assert publish(root, rollback=True, yes=True, say=said.append) == 1
    assert said[-1].startswith("nothing to roll back to")

    # A failed upload (the new release's place is taken) leaves the site served as it was.
    monkeypatch.setattr(publishing, "release_name", lambda: "29991231T000000000000Z")
    (folder / "releases" / "29991231T000000000000Z.partial").write_text("in the way")
    replace(root, SOURCE, "were compared.", "were compared again.")
    with pytest.raises(InvalidInput) as failure:
        publish(root, yes=True, say=said.append)
    assert "the upload failed" in str(failure.value.problems[0]) and "the site served is unchanged" in \
        str(failure.value.problems[0])
    assert os.readlink(folder / "current") == f"releases/{releases[0]}" and _page(folder) == old
    monkeypatch.undo()

    for _ in range(3):  # keep: 3 releases, the served one always among them
        replace(root, SOURCE, "were compared", "were compared once more")
        assert publish(root, yes=True, say=said.append) == 0
    kept = sorted(os.listdir(folder / "releases"))
    assert len(kept) == 3 and not [k for k in kept if k.endswith(".partial")]
    assert os.readlink(folder / "current") == f"releases/{kept[-1]}"


def test_a_server_that_cannot_be_reached_is_said_before_building(mini: Path, tmp_path: Path) -> None:
    config = tmp_path / "ssh_config"
    config.write_text(f"Host nowhere\n  HostName 127.0.0.1\n  Port {free_port()}\n  ConnectTimeout 5\n")
    replace(mini, "_config.yml", "webinars:\n", f"webinars:\n  publish:\n    ssh: {{host: nowhere, path: /srv/webinars, "
                                                f"config: {config}}}\n")
    with pytest.raises(InvalidInput) as failure:
        publish(mini, yes=True)
    assert "reading the server's releases failed" in str(failure.value.problems[0])
    assert not (mini / "_build/site").exists()  # nothing was built
    replace(mini, "_config.yml", "path: /srv/webinars", "path: /srv/../etc")
    with pytest.raises(InvalidInput) as failure:
        publish(mini, yes=True)
    assert "is not an absolute folder of the server" in str(failure.value.problems[0])
