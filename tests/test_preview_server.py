"""The preview's web server, asked over loopback: a small folder served, no site built."""

from __future__ import annotations

import http.client
import json
import os
import socket
import struct
import threading
import time
from pathlib import Path

import pytest

from webinars import preview
from webinars.preview import serve

PAGE = "<html><body><p>{}</p></body></html>"
BUILD = 7


# One server for the module: stopping one waits for its loop's half-second poll.
@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """A site with a page, a folder without a page, and symlinks in and out of it."""
    tmp_path = tmp_path_factory.mktemp("served")
    site = tmp_path / "site"
    (site / "en").mkdir(parents=True)
    (site / "empty").mkdir()
    (site / "index.html").write_text(PAGE.format("home"), encoding="utf-8")
    (site / "en/notes.txt").write_text("notes", encoding="utf-8")
    (site / "big.bin").write_bytes(bytes(32 * 1024 * 1024))  # more than the sockets' buffers hold
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside/index.html").write_text(PAGE.format("secret"), encoding="utf-8")
    (site / "passwd").symlink_to("/etc/passwd")
    (site / "leak.txt").symlink_to("../secret.txt")
    (site / "out").symlink_to("../outside")
    (site / "inner.txt").symlink_to("en/notes.txt")
    return site


@pytest.fixture(scope="module")
def server(site: Path):
    running = serve(site, port=0, builds=lambda: BUILD)
    yield running
    running.shutdown()
    running.server_close()


def get(server, path: str, method: str = "GET") -> tuple[int, http.client.HTTPMessage, bytes]:
    connection = http.client.HTTPConnection(*server.server_address, timeout=10)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def raw(server, request: bytes) -> bytes:
    """The whole answer to `request`, sent as it is (http.client refuses malformed paths)."""
    with socket.create_connection(server.server_address, timeout=10) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


def test_a_page_is_served_with_the_reload_script_as_a_file_and_no_inline_script(server, site: Path) -> None:
    status, headers, body = get(server, "/")
    assert status == 200 and headers["Cache-Control"] == "no-store"
    assert body == PAGE.format("home").replace(
        "</body>", f'<script src="/_preview/reload.js?build={BUILD}" defer></script></body>').encode()
    assert (site / "index.html").read_text(encoding="utf-8") == PAGE.format("home")  # the built file is left as it is
    status, headers, head = get(server, "/", method="HEAD")
    assert status == 200 and head == b"" and headers["Content-Length"] == str(len(body))


def test_the_reload_script_reads_its_build_from_its_url_and_listens_for_the_next(server) -> None:
    status, headers, body = get(server, "/_preview/reload.js")
    assert status == 200 and headers["Content-Type"].startswith("text/javascript")
    assert b"document.currentScript" in body and b'new EventSource("/_preview/events")' in body
    assert b'fetch("/_preview/state"' in body  # where a browser has no EventSource
    assert b"innerHTML" not in body and b"textContent = problem" in body  # problems are text
    assert headers["Cache-Control"] == "no-store"
    assert get(server, "/_preview/build")[::2] == (200, str(BUILD).encode())
    status, headers, body = get(server, "/_preview/state")
    assert headers["Content-Type"] == "application/json" and json.loads(body) == {"build": BUILD, "problems": []}


def test_a_page_hears_of_each_build_as_it_ends(site: Path) -> None:
    """Server-sent events: the state at once, then again as soon as a build ends."""
    state = {"build": 1, "problems": []}
    changed = threading.Condition()
    running = serve(site, port=0, builds=lambda: state["build"], problems=lambda: state["problems"], changed=changed)
    try:
        with socket.create_connection(running.server_address, timeout=10) as sock:
            sock.sendall(b"GET /_preview/events HTTP/1.1\r\nHost: x\r\n\r\n")
            stream = sock.makefile("rb")
            while stream.readline() not in (b"\r\n", b""):
                pass  # the headers
            def event() -> dict:
                line = b""
                while not line.startswith(b"data: "):
                    line = stream.readline()
                return json.loads(line.removeprefix(b"data: "))

            assert event() == {"build": 1, "problems": []}
            started = time.monotonic()
            with changed:
                state["problems"] = ["content/webinars/x/index.md:3: status: 'finished' is not ..."]
                changed.notify_all()
            assert event()["problems"] == state["problems"] and time.monotonic() - started < 2
            with changed:
                state["build"], state["problems"] = 2, []
                changed.notify_all()
            assert event() == {"build": 2, "problems": []}
    finally:
        running.shutdown()
        running.server_close()


def test_before_a_first_good_build_every_address_says_why(tmp_path: Path) -> None:
    problems = ["content/webinars/x/index.md:3: title: <script>alert(1)</script> is not valid"]
    running = serve(tmp_path / "not-built", port=0, builds=lambda: BUILD, problems=lambda: problems)
    try:
        for path in ("/", "/en/webinars/"):
            status, headers, body = get(running, path)
            page = body.decode()
            assert status == 200 and headers["Content-Type"].startswith("text/html")
            assert "The site is not built yet" in page and "fix this and save" in page
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
            assert f'<script src="/_preview/reload.js?build={BUILD}" defer></script></body>' in page
        problems.clear()
        assert "The first build is running." in get(running, "/")[2].decode()
    finally:
        running.shutdown()
        running.server_close()


def test_files_are_served_as_they_are_on_127_0_0_1_only(server) -> None:
    assert server.server_address[0] == "127.0.0.1"
    status, headers, body = get(server, "/en/notes.txt")
    assert (status, body, headers["Cache-Control"]) == (200, b"notes", "no-store")
    assert get(server, "/inner.txt")[::2] == (200, b"notes")  # a symlink inside the site
    assert get(server, "/en")[0] == 301  # to /en/, as http.server answers


def test_a_folder_without_a_page_is_not_listed(server) -> None:
    for path in ("/empty/", "/en/"):
        status, _, body = get(server, path)
        assert status == 404 and b"notes.txt" not in body and b"Directory listing" not in body


@pytest.mark.parametrize("path", ["/passwd", "/leak.txt", "/out/", "/out/index.html", "/../secret.txt",
                                  "/en/../../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt"])
def test_nothing_outside_the_site_is_served(server, path: str) -> None:
    status, _, body = get(server, path)
    assert status == 404 and b"secret" not in body and b"root:" not in body


def test_the_site_is_looked_up_at_each_request_when_it_is_a_symlink_swapped_by_a_publish(tmp_path: Path) -> None:
    for release in ("a", "b"):
        (tmp_path / "releases" / release).mkdir(parents=True)
        (tmp_path / "releases" / release / "index.html").write_text(PAGE.format(release), encoding="utf-8")
    (tmp_path / "releases/b/old.html").symlink_to("../a/index.html")  # in the site no more after the swap
    current = tmp_path / "site"
    current.symlink_to("releases/a")
    running = serve(current, port=0, builds=lambda: BUILD)
    try:
        assert b"<p>a</p>" in get(running, "/")[2]
        (tmp_path / "site.new").symlink_to("releases/b")
        os.replace(tmp_path / "site.new", current)
        assert b"<p>b</p>" in get(running, "/")[2]
        assert get(running, "/old.html")[0] == 404
    finally:
        running.shutdown()
        running.server_close()


@pytest.mark.parametrize("path", [b"/a\x00b.html", b"/%00", b"/en/%00/notes.txt", b"/%ed%a0%80", b"notes.txt",
                                  b"http://127.0.0.1/"])
def test_a_malformed_path_is_a_bad_request_answered_quietly(server, capfd, path: bytes) -> None:
    answer = raw(server, b"GET " + path + b" HTTP/1.0\r\n\r\n")
    assert answer.startswith(b"HTTP/1.0 400 ")
    assert capfd.readouterr().err == ""


def test_a_literal_percent_and_an_overlong_request_line_are_answered_quietly(server, capfd) -> None:
    # http.server reads a %xx it cannot decode as the characters themselves: a name no file has
    for path in (b"/%zz", b"/%80"):
        assert raw(server, b"GET " + path + b" HTTP/1.0\r\n\r\n").startswith(b"HTTP/1.0 404 ")
    # http.server's own answer: 414 URI Too Long says more than a 400 would
    assert raw(server, b"GET /" + b"a" * 70_000 + b" HTTP/1.0\r\n\r\n").startswith(b"HTTP/1.0 414 ")
    assert capfd.readouterr().err == ""


def test_a_client_that_goes_away_mid_answer_is_not_reported(server, capfd, monkeypatch) -> None:
    reported = threading.Semaphore(0)
    handle_error = server.handle_error

    def noted(*args) -> None:
        handle_error(*args)
        reported.release()

    monkeypatch.setattr(server, "handle_error", noted)
    for _ in range(3):
        sock = socket.create_connection(server.server_address, timeout=10)
        sock.sendall(b"GET /big.bin HTTP/1.0\r\n\r\n")
        assert sock.recv(1024).startswith(b"HTTP/1.0 200 ")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close with a reset
        sock.close()
    for _ in range(3):
        assert reported.acquire(timeout=10), "the server did not see the client go away"
    assert capfd.readouterr().err == ""
    assert get(server, "/_preview/build")[0] == 200


def test_many_connections_at_once_are_all_answered(server) -> None:
    assert server.request_queue_size >= 128
    start = threading.Barrier(300)
    answers: list[int] = []

    def ask() -> None:
        start.wait()
        answers.append(get(server, "/_preview/build")[0])

    threads = [threading.Thread(target=ask) for _ in range(300)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [200] * 300


def test_an_idle_connection_is_closed_after_the_timeout(site: Path, capfd, monkeypatch) -> None:
    assert 0 < preview._Handler.timeout <= 60
    monkeypatch.setattr(preview._Handler, "timeout", 0.5)
    running = serve(site, port=0, builds=lambda: BUILD)
    try:
        with socket.create_connection(running.server_address, timeout=10) as sock:
            started = time.monotonic()
            assert sock.recv(1024) == b""  # closed by the server
            assert time.monotonic() - started < 5
    finally:
        running.shutdown()
        running.server_close()
    assert capfd.readouterr().err == ""
