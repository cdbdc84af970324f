"""deploy/workshop_server.py: Streamlit replicas behind HAProxy, sticky by cookie, stopped without leftovers.

The browser test drives a real room of 2 replicas in headless Chromium; the others run HAProxy alone in front of
two tiny stand-in backends, which is enough to check routing, stickiness and fail-over quickly and exactly.
"""
from __future__ import annotations

import contextlib
import csv
import http.client
import io
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from browser_support import chromium, expect, require_browser, wait_for_location, wait_idle
from proxy_support import (
    HAPROXY,
    SERVER,
    group_alive,
    marked_processes,
    require_haproxy,
    stop_workshop,
    wait_gone,
    workshop_server,
)

WAIT_MS = 180_000  # upper bound for the app to become idle on a loaded 2-core machine; we wait on state, not time


def cookie(context, name: str = "SERVERID") -> str | None:
    return next((c["value"] for c in context.cookies() if c["name"] == name), None)


# ---------------------------------------------------------------------------------------------- the real room

@pytest.mark.browser
def test_room_of_two_replicas_behind_haproxy(tmp_path):
    require_haproxy()
    require_browser()

    with workshop_server("--replicas", "2", tmpdir=tmp_path) as room:
        children = room.pids
        assert len(children) == 3, room.output()  # two replicas and HAProxy announced their pids
        assert set(children) < set(marked_processes(room.mark)), "the /proc scan must see what it will look for"
        with chromium() as browser:
            context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
            context.set_default_timeout(WAIT_MS)
            page = context.new_page()

            # (1) A deep link through the proxy sets the slider, and the charts draw.
            page.goto(room.url + "/Explorer?wh=2.5&L=12")
            wait_idle(page, 1, timeout=WAIT_MS)
            wh = page.get_by_role("slider", name=re.compile(r"^wh_init"))
            assert float(wh.input_value()) == 2.5

            # (2) The keyboard moves it; the address bar follows (the websocket works through HAProxy).
            wh.focus()
            wh.press("ArrowRight")
            wait_for_location(page, "q.get('wh') === '2.51'", timeout=WAIT_MS)
            wait_idle(page, 1, timeout=WAIT_MS)

            # (3) A CSV download: a file the session's own replica serves (without stickiness it fails half the time).
            button = page.get_by_test_id("stDownloadButton").get_by_role("button", name=re.compile(r"^Download"))
            with page.expect_download(timeout=WAIT_MS) as info:
                button.first.click()
            download = info.value
            assert download.failure() is None
            rows = list(csv.reader(io.StringIO(Path(download.path()).read_text())))
            assert len(rows) >= 2 and len(rows[0]) >= 2 and all(len(r) == len(rows[0]) for r in rows), rows[:3]

            # (4) A sidebar link to another page carries the settings.
            page.get_by_test_id("stSidebar").get_by_role("link", name=re.compile(r"^Sweep")).click()
            wait_for_location(page, "p.endsWith('/Sweep') && q.get('wh') === '2.51'", timeout=WAIT_MS)
            wait_idle(page, 1, timeout=WAIT_MS)
            expect(page.get_by_test_id("stException")).to_have_count(0)

            # (5) New visitors spread over both replicas; each keeps its tab open (a websocket, a connection), so
            # leastconn sends the next newcomer to the other replica at the latest.
            used = {cookie(context)}
            for _ in range(2):
                visitor = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
                visitor.goto(room.url + "/")
                wait_idle(visitor, 1, timeout=WAIT_MS)
                used.add(cookie(visitor.context))
            assert used == {"r1", "r2"}, used

        # (6) Ctrl-C stops HAProxy and both replicas, whole process groups, and nothing of the run is left.
        assert stop_workshop(room, signal.SIGINT) == 0, room.output()
        assert [p for p in children if group_alive(p)] == [], room.output()
        assert marked_processes(room.mark) == []
        assert "Stopped HAProxy and every replica." in room.output()


# ---------------------------------------------------------------------------------------------- HAProxy alone

class Backend(ThreadingHTTPServer):
    """A stand-in replica on 127.0.0.1: answers its health check, and otherwise its own name and the Cookie
    header it received."""

    daemon_threads = True

    def __init__(self, name: str):
        super().__init__(("127.0.0.1", 0), Handler)
        self.name = name
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.server_address[1]}"

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        health = self.path == "/_stcore/health"
        body = b"ok" if health else f"{self.server.name}|{self.headers.get('Cookie', '')}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:  # keep pytest's output clean
        pass


@contextlib.contextmanager
def backends(n: int = 2) -> Iterator[list[Backend]]:
    servers = [Backend(f"backend{i}") for i in range(1, n + 1)]
    try:
        yield servers
    finally:
        for s in servers:
            with contextlib.suppress(OSError):
                s.stop()


def get(url: str, cookie_header: str | None = None) -> tuple[str, str | None]:
    """GET url (a fresh connection, like a new visitor); return (body, the Set-Cookie header or None)."""
    host = url.removeprefix("http://").split("/")[0]
    conn = http.client.HTTPConnection(host, timeout=30)
    try:
        conn.request("GET", "/page", headers={"Cookie": cookie_header} if cookie_header else {})
        response = conn.getresponse()
        return response.read().decode(), response.getheader("Set-Cookie")
    finally:
        conn.close()


def test_haproxy_config_is_valid():
    require_haproxy()
    config = subprocess.run([sys.executable, str(SERVER), "--print-config", "--replicas", "3", "--port", "8500"],
                            capture_output=True, text=True, check=True).stdout
    for line in ("balance leastconn", "cookie SERVERID insert indirect nocache", "option httpchk GET /_stcore/health",
                 "timeout tunnel 1h", "bind 0.0.0.0:8500"):
        assert line in config
    assert len(re.findall(r"^\s*server r\d 127\.0\.0\.1:\d+ cookie r\d$", config, re.M)) == 3
    checked = subprocess.run([HAPROXY, "-c", "-f", "/dev/stdin"], input=config, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_remote_backends_sticky_cookie_and_failover(tmp_path):
    require_haproxy()
    with (backends(2) as (one, two),
          workshop_server("--backend", one.address, "--backend", two.address, tmpdir=tmp_path) as proxy):
        assert "STREAMLIT_SERVER_COOKIE_SECRET=" in proxy.output()  # how to start a replica elsewhere
        assert len(proxy.pids) == 1, proxy.output()  # HAProxy alone: no local replica
        # Newcomers without a cookie alternate (no open connections: leastconn ties go round robin) and are told
        # which replica holds them.
        seen = {}
        for _ in range(2):
            body, set_cookie = get(proxy.url)
            name = body.split("|")[0]
            seen[name] = re.match(r"SERVERID=(r\d);", set_cookie).group(1)
        assert seen == {"backend1": "r1", "backend2": "r2"}
        # With the cookie, every request reaches that replica; 'indirect': the replica never sees the cookie and
        # it is not set again.
        for _ in range(5):
            body, set_cookie = get(proxy.url, "SERVERID=r2; other=1")
            assert body == "backend2|other=1" and set_cookie is None
        # The holding replica goes away: HAProxy redispatches to the other one and moves the cookie there.
        two.stop()
        body, set_cookie = get(proxy.url, "SERVERID=r2")
        assert body.startswith("backend1|") and set_cookie.startswith("SERVERID=r1;")
        # SIGTERM stops HAProxy; nothing of the run is left.
        haproxy = proxy.pids[0]
        assert stop_workshop(proxy, signal.SIGTERM) == 0, proxy.output()
        assert not group_alive(haproxy)
        assert marked_processes(proxy.mark) == []


def test_killed_server_takes_its_children_along(tmp_path):
    """Even SIGKILL, which no handler sees: the kernel sends each child SIGTERM when its parent dies."""
    require_haproxy()
    with backends(1) as (one,), workshop_server("--backend", one.address, tmpdir=tmp_path) as proxy:
        haproxy = proxy.pids[0]
        proxy.process.kill()
        proxy.process.wait(timeout=30)
        assert wait_gone(haproxy), "HAProxy outlived the server that started it"
        assert not group_alive(haproxy)
        assert marked_processes(proxy.mark) == []
