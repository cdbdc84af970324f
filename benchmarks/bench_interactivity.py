"""Benchmark in a real browser: slider key press -> every chart redrawn, Explorer vs a one-slider one-chart app.

Method. Two `streamlit run` servers start in this process, both from the repository root (so under the same
config.toml): the lab (page /Explorer) and benchmarks/trivial_app.py (one st.slider, one small st.altair_chart).
Headless Chromium opens each; an in-page MutationObserver stamps (performance.now()) the key press (keydown, capture
phase), the script state on [data-testid=stApp] (data-test-script-state: running -> notRunning) and, per chart, the
last DOM mutation inside each [data-testid=stVegaLiteChart] (Vega redrawing its SVG/canvas; attribute changes on the
chart box itself, such as stale-dimming, are ignored). Then ArrowRight goes to the focused slider thumb 20 times,
one at a time. A press is done when the script is not running, every chart mutated after the press, and nothing
changed for QUIET_MS (past any slider debounce: Streamlit 1.67's slider commits keyboard steps at once, none was
found). Latency = last chart mutation - keydown, all in page time, so polling adds nothing. Each press is checked to
have moved the slider by exactly one step. "Script finished" (running -> notRunning) is printed for the runs where
the running state was seen at all (a very short run can skip it). Cold start = server process spawned -> first page
load with all charts drawn (browser already running). Prints p50/p90 and the Explorer/trivial ratio; never asserts.

Usage: python benchmarks/bench_interactivity.py [--presses 20]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # browser_support lives with the browser tests
sys.path.insert(0, str(ROOT))
from browser_support import chromium, start_server, stop_server, wait_for_log, wait_idle  # noqa: E402

QUIET_MS = 300
TIMEOUT_MS = 30_000
TRIVIAL_APP = ROOT / "benchmarks" / "trivial_app.py"  # run from the repository root: the lab's config.toml applies

# Before the page loads: stamp every websocket message sent and received (page time), to split a press into
# browser before sending, server (first to last message of the rerun) and browser after (last message to drawn).
WS_JS = """(() => {
    const Orig = window.WebSocket;
    const stamps = window.__ws = {sends: [], recvs: []};
    function Stamped(...args) {
        const ws = new Orig(...args);
        const send = ws.send.bind(ws);
        ws.send = data => { stamps.sends.push(performance.now()); return send(data); };
        ws.addEventListener('message', () => stamps.recvs.push(performance.now()));
        return ws;
    }
    Stamped.prototype = Orig.prototype;
    for (const k of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) Stamped[k] = Orig[k];
    window.WebSocket = Stamped;
})();"""

INSTRUMENT_JS = """() => {
    const b = window.__bench = {keyAt: null, sawRunning: false, idleAt: null, lastChart: null, charts: new Map()};
    const app = () => document.querySelector('[data-testid="stApp"]');
    document.addEventListener('keydown', () => {
        b.keyAt = performance.now(); b.sawRunning = false; b.idleAt = null; b.lastChart = null; b.charts = new Map();
    }, true);
    new MutationObserver(records => {
        const now = performance.now();
        if (b.keyAt === null) return;
        for (const r of records) {
            const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
            if (el === app() && r.attributeName === 'data-test-script-state') {
                const state = app().dataset.testScriptState;
                if (state === 'running') b.sawRunning = true;
                if (state === 'notRunning' && b.sawRunning) b.idleAt = now;
                continue;
            }
            const all = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')];
            const touched = new Set();
            const chart = el && el.closest('[data-testid="stVegaLiteChart"]');
            if (chart && !(r.type === 'attributes' && el === chart)) touched.add(chart);
            for (const node of r.addedNodes) {  // a chart mounted afresh rather than redrawn in place
                if (node.nodeType !== 1) continue;
                if (node.matches('[data-testid="stVegaLiteChart"]')) touched.add(node);
                node.querySelectorAll('[data-testid="stVegaLiteChart"]').forEach(c => touched.add(c));
            }
            for (const c of touched) { b.charts.set(all.indexOf(c), now); b.lastChart = now; }
        }
    }).observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
}"""

DONE_JS = """quiet => {
    const b = window.__bench;
    const n = document.querySelectorAll('[data-testid="stVegaLiteChart"]').length;
    const state = document.querySelector('[data-testid="stApp"]').dataset.testScriptState;
    return state === 'notRunning' && b.charts.size >= n && b.lastChart !== null
        && performance.now() - Math.max(b.lastChart, b.idleAt || 0) > quiet;
}"""


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100), linear between order statistics."""
    s = sorted(values)
    k = (len(s) - 1) * q / 100
    lo = int(k)
    return s[lo] + (s[min(lo + 1, len(s) - 1)] - s[lo]) * (k - lo)


def measure(browser, app: str, cwd: Path, path: str, slider: str, start: float, step: float, presses: int,
            expected_charts: int) -> dict:
    """Cold start and per-press redraw latencies (ms) for one app."""
    server = start_server(app, cwd)
    try:
        healthy = time.perf_counter() - server.started
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.add_init_script(WS_JS)
        page = context.new_page()
        page.goto(server.url + path)
        wait_idle(page, expected_charts, timeout=120_000)  # every chart of the page drawn
        cold = time.perf_counter() - server.started
        if "tinyrnn" in app or app.endswith("streamlit_app.py"):  # the lab warms its caches in the background:
            wait_for_log(server, "tinyrnn warm-up done", timeout=600)  # measure the steady state, not that
        charts = page.locator('[data-testid="stVegaLiteChart"]').count()
        page.evaluate(INSTRUMENT_JS)
        thumb = page.get_by_role("slider", name=slider)
        thumb.focus()
        latencies, script, misses, parts = [], [], 0, {"before": [], "server": [], "after": []}
        for i in range(1, presses + 1):
            thumb.press("ArrowRight")
            try:
                page.wait_for_function(DONE_JS, arg=QUIET_MS, timeout=TIMEOUT_MS)
            except Exception as exc:  # a press whose redraw never completed is reported, not fatal
                misses += 1
                state = page.evaluate("() => { const b = window.__bench; return {sawRunning: b.sawRunning, "
                                      "idle: b.idleAt !== null, chartsRedrawn: b.charts.size, "
                                      "script: document.querySelector('[data-testid=stApp]').dataset.testScriptState}"
                                      "; }")
                print(f"  press {i}: no complete redraw within {TIMEOUT_MS / 1000:.0f} s ({type(exc).__name__}): "
                      f"{state}")
                continue
            b = page.evaluate("() => { const b = window.__bench; return [b.keyAt, b.idleAt, b.lastChart]; }")
            shown = page.locator('[data-testid="stSlider"]').filter(has_text=slider).get_by_test_id(
                "stSliderThumbValue").inner_text()
            if abs(float(shown) - (start + i * step)) > step / 2:
                misses += 1
                print(f"  press {i}: slider shows {shown}, expected {start + i * step:.2f}")
            latencies.append(b[2] - b[0])
            ws = page.evaluate("k => ({sends: window.__ws.sends.filter(t => t >= k), "
                               "recvs: window.__ws.recvs.filter(t => t >= k)})", b[0])
            if ws["sends"] and ws["recvs"]:
                sent = ws["sends"][0]
                got = [t for t in ws["recvs"] if t >= sent]
                if got:
                    parts["before"].append(sent - b[0])
                    parts["server"].append(got[-1] - sent)
                    parts["after"].append(b[2] - got[-1])
            if b[1] is not None:  # a very short run can go running -> notRunning within one render: not seen
                script.append(b[1] - b[0])
        page.context.close()
        return {"healthy": healthy, "cold": cold, "charts": charts, "lat": latencies, "script": script,
                "misses": misses, "parts": parts}
    finally:
        stop_server(server)


def report(name: str, r: dict) -> None:
    """Print one app's figures."""
    lat, script = r["lat"], r["script"]
    print(f"{name}: {r['charts']} chart(s); cold start {r['cold']:.2f} s (health endpoint after {r['healthy']:.2f} s)")
    if lat:
        print(f"  key -> all charts redrawn: p50 {percentile(lat, 50):6.0f} ms  p90 {percentile(lat, 90):6.0f} ms  "
              f"(min {min(lat):.0f}, max {max(lat):.0f}, n={len(lat)}, misses={r['misses']})")
    if script:
        print(f"  key -> script finished:    p50 {percentile(script, 50):6.0f} ms  "
              f"p90 {percentile(script, 90):6.0f} ms  (n={len(script)}: runs seen in the running state)")
    parts = r.get("parts", {})
    if parts.get("server"):
        print("  split (p50): key -> rerun sent {:.0f} ms; sent -> last message of the rerun {:.0f} ms; "
              "last message -> every chart drawn {:.0f} ms".format(*(percentile(parts[k], 50)
                                                                    for k in ("before", "server", "after"))))


def main(argv: list[str] | None = None) -> None:
    """Run both apps and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=20)
    args = parser.parse_args(argv)
    with chromium() as browser:
        explorer = measure(browser, "streamlit_app.py", ROOT, "/Explorer", "wh_init: the recurrent weight", 1.0, 0.01,
                           args.presses, expected_charts=5)
        # the same Streamlit config for both (postScriptGC off, ...): a reference under other settings is none
        trivial = measure(browser, str(TRIVIAL_APP), ROOT, "/", "x", 1.0, 0.01, args.presses, expected_charts=1)
    print(f"\nSlider ArrowRight x{args.presses}, one press at a time, headless Chromium, streamlit run on 127.0.0.1")
    report("Explorer (/Explorer)", explorer)
    report("Trivial one-slider one-chart app", trivial)
    if explorer["lat"] and trivial["lat"]:
        for q in (50, 90):
            ratio = percentile(explorer["lat"], q) / percentile(trivial["lat"], q)
            print(f"Explorer / trivial, p{q}: {ratio:.2f}x")
        print(f"Cold start Explorer / trivial: {explorer['cold'] / trivial['cold']:.2f}x")


if __name__ == "__main__":
    main()
