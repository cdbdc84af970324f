"""Helpers for browser tests and benchmarks: a throwaway `streamlit run` server and a headless Chromium."""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

try:
    from playwright.sync_api import expect
except ImportError:  # require_browser() turns this into a skip locally and a failure in CI
    expect = None

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
CHARTS_DRAWN = '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg.marks'


def in_ci() -> bool:
    """True when running under CI (CI=true), where browser tests must never be skipped."""
    return os.environ.get("CI") == "true"


def require_browser() -> None:
    """Skip (locally) or fail (in CI) when Chromium or Playwright is missing."""
    import pytest

    problems = []
    if not Path(CHROMIUM).exists():
        problems.append(f"{CHROMIUM} not found (install Debian's chromium package)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problems.append("the playwright Python package is not installed")
    if problems:
        reason = "browser tests need a browser: " + "; ".join(problems)
        if in_ci():
            pytest.fail(reason + " -- CI=true, so this is a failure, not a skip", pytrace=False)
        pytest.skip(reason)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody is listening on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A running `streamlit run` subprocess and where to reach it."""

    process: subprocess.Popen
    port: int
    log_path: Path
    started: float  # time.perf_counter() just before the process was spawned

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        """Everything the server printed so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def start_server(app: str | Path = "streamlit_app.py", cwd: Path = ROOT, timeout: float = 60.0,
                 settings: dict[str, str] | None = None) -> Server:
    """Start `python -m streamlit run APP` on a free port from cwd and wait until /_stcore/health answers."""
    port = free_port()
    log_path = Path(tempfile.mkstemp(prefix="streamlit_", suffix=".log")[1])
    cmd = [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(port), "--server.headless", "true",
           "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false", "--server.runOnSave", "false",
           "--server.fileWatcherType", "none"]
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "TINYRNN_WARMUP": "1", **(settings or {}), "PYTHONUNBUFFERED": "1", "PYTHONPATH": path}
    started = time.perf_counter()
    with log_path.open("wb") as log:
        process = subprocess.Popen(cmd, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, env=env,
                                   start_new_session=True)
    server = Server(process, port, log_path, started)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {process.returncode}:\n{server.log()}")
        if _healthy(port):
            return server
        time.sleep(0.1)
    stop_server(server)
    raise TimeoutError(f"streamlit did not answer on port {port} within {timeout:.0f} s:\n{server.log()}")


def stop_server(server: Server, timeout: float = 10.0) -> None:
    """Stop the server's whole process group: SIGTERM, then SIGKILL if it lingers."""
    process = server.process
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=timeout)
    with contextlib.suppress(OSError):
        server.log_path.unlink()


def wait_for_log(server: Server, text: str, timeout: float = 120.0) -> str:
    """Wait until the server's log has a line containing text (polling the log file); return that line."""
    deadline = time.monotonic() + timeout
    while True:
        found = [line for line in server.log().splitlines() if text in line]
        if found:
            return found[0]
        if time.monotonic() > deadline or server.process.poll() is not None:
            raise TimeoutError(f"no {text!r} in the server's log within {timeout:.0f} s:\n{server.log()[-2000:]}")
        time.sleep(0.2)  # polls the log; the wait ends on the server's own line, not on this interval


@contextlib.contextmanager
def streamlit_server(app: str | Path = "streamlit_app.py", cwd: Path = ROOT,
                     settings: dict[str, str] | None = None) -> Iterator[Server]:
    """A server for the duration of a with-block, always stopped afterwards; settings are STREAMLIT_* variables."""
    server = start_server(app, cwd, settings=settings)
    try:
        yield server
    finally:
        stop_server(server)


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """A headless Playwright Chromium browser (Debian's /usr/bin/chromium), closed afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


# ---- page helpers shared by tests/test_browser.py and benchmarks/bench_interactivity.py ----

TIMEOUT_MS = 90_000  # a safety net only: every wait is on the app's own idle state
CHART = '[data-testid="stVegaLiteChart"]'
IDLE_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.dataset.testScriptState !== 'notRunning' || app.dataset.testConnectionState !== 'CONNECTED') {
        return false;
    }
    const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')];
    return charts.length >= MIN && charts.every(c => c.querySelector('canvas, svg.marks'));
}"""


def wait_idle(page, min_charts: int = 0, timeout: float = TIMEOUT_MS) -> None:
    """Wait until the script is not running, the socket is connected and every Vega chart has drawn."""
    page.wait_for_function(IDLE_JS.replace("MIN", str(int(min_charts))), timeout=timeout)


def location(page) -> str:
    """The address bar as the page sees it (Playwright's page.url can miss a quick pushState/replaceState)."""
    return page.evaluate("() => location.pathname + location.search")


def wait_for_location(page, predicate_js: str, timeout: float = TIMEOUT_MS) -> str:
    """Wait until the JS expression predicate_js (over `p` = pathname, `q` = URLSearchParams) holds."""
    page.wait_for_function(f"() => {{ const p = location.pathname; const q = new URLSearchParams(location.search); "
                           f"return {predicate_js}; }}", timeout=timeout)
    return location(page)


def chart_titles(page) -> list[str]:
    """Title text of every Vega chart on the page, in page order."""
    return page.evaluate("""() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].map(
        c => [...c.querySelectorAll('.role-title text')].map(t => t.textContent).join(' '))""")


def open_options(page, label: str, option: str, attempts: int = 10):
    """Open the selectbox named label and return option's locator, visible and ready to click.

    The keyboard opens the list (a click on the input does not, headless); a rerun that re-renders the
    box can close it again, so it is opened until the option shows."""
    box = page.get_by_role("combobox", name=label)
    item = page.get_by_role("option", name=option, exact=True)
    for _ in range(attempts):
        box.focus()
        page.keyboard.press("ArrowDown")
        try:
            item.wait_for(timeout=2_000)
            return item
        except Exception:  # Playwright's TimeoutError: the list closed or never opened; try again
            page.keyboard.press("Escape")
    return item  # the caller's click then fails with Playwright's own message


def choose_option(page, label: str, option: str) -> None:
    """Pick option in the selectbox named label."""
    open_options(page, label, option).click()


# ---- what a page did besides drawing: console errors, failed requests, requests to other hosts ----

PROBES = ("/_stcore/health", "/_stcore/host-config")  # Streamlit's frontend probes these under a deep link's path


@dataclass
class Watch:
    """Everything a page logged or asked for that a clean page must not: filled by watch()."""

    errors: list
    failed: list
    outside: list

    def problems(self) -> list[str]:
        return ([f"console error: {e}" for e in self.errors] + [f"failed request: {f}" for f in self.failed]
                + [f"request outside the server: {o}" for o in self.outside])


def watch(page, base_url: str) -> Watch:
    """Record console errors, failed requests (4xx/5xx or no answer) and requests to any other host.

    Streamlit's own probes of <page>/_stcore/health on a deep link get 404s by design: not an app error.
    """
    w = Watch([], [], [])
    probe = lambda url: any(url.split("?")[0].endswith(p) for p in PROBES)  # noqa: E731

    def console(msg):
        if msg.type == "error" and not (msg.text.startswith("Failed to load resource") and
                                        probe(msg.location.get("url", ""))):
            w.errors.append(msg.text)

    def response(resp):
        if resp.status >= 400 and not probe(resp.url):
            w.failed.append(f"{resp.status} {resp.url}")

    def request(req):
        if not (req.url.startswith(base_url) or req.url.startswith(("data:", "blob:", "about:"))):
            w.outside.append(req.url)

    page.on("console", console)
    page.on("response", response)
    page.on("requestfailed", lambda req: w.failed.append(f"{req.failure} {req.url}") if req.url.startswith(base_url)
            and not probe(req.url) else None)
    page.on("request", request)
    return w


# A chart's picture in a few characters: its SVG marks or its canvas pixels (to tell a redraw from none).
FINGERPRINTS_JS = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].map(c => {
    const canvas = c.querySelector('canvas');
    const hash = (s, step) => { let h = 0; for (let i = 0; i < s.length; i += step) h = (h * 31 + s.charCodeAt(i)) | 0;
                                return h; };
    if (canvas) return 'c' + hash(canvas.toDataURL(), 7);
    const svg = c.querySelector('svg.marks');
    return svg ? 's' + hash(svg.innerHTML, 3) : '';
})"""

# Counts every Vega view (re)built from now on: a new canvas or svg.marks under a chart means a fresh embed.
COUNT_EMBEDS_JS = """() => { window.__embeds = 0; new MutationObserver(records => { for (const r of records)
    for (const n of r.addedNodes) if (n.nodeType === 1 && (n.matches('canvas, svg.marks') ||
        n.querySelector('canvas, svg.marks'))) window.__embeds++; })
    .observe(document.body, {subtree: true, childList: true}); }"""
