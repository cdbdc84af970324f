"""Benchmark in a real browser: the Sweep page's redraw after a resolution change, and a 500-step training run.

Method. One fresh `streamlit run` server; headless Chromium. Sweep: open /Sweep, wait until idle with its three
charts drawn, then pick another resolution from the keyboard-opened list and time from the click to the caption
naming the new grid with every chart drawn again (wait_idle). Resolutions cycle 100, 400, 200, 50, 800, 200 (each
computed once: the first visit is a cold cache). Training: open /Training and time from the click on the
"Pascanu's cliff" preset (two 500-step runs, plain and clipped, L = 50) to the landscape drawn; then the same click
again on a new page (now cached). Prints each figure and the medians; never asserts.

Usage: python benchmarks/bench_pages_browser.py
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))
from browser_support import chromium, open_options, start_server, stop_server, wait_idle  # noqa: E402

RESOLUTIONS = ("100", "400", "200", "50", "800", "200")


def pick_resolution(page, res: str) -> float:
    """Choose res in the resolution box; seconds from the click on the option to the new grid drawn."""
    option = open_options(page, "grid: N wh_init values × L = 1..N", res)
    t0 = time.perf_counter()
    option.click()
    n = int(res)
    page.get_by_text(f"Computed {n}×{n} = {n * n:,} cells").wait_for(timeout=60_000)
    wait_idle(page, 3, timeout=60_000)
    return time.perf_counter() - t0


def train_preset(page, server) -> float:
    """Click Pascanu's preset; seconds until both runs and the landscape are drawn."""
    page.goto(server.url + "/Training")
    wait_idle(page, 3, timeout=120_000)
    t0 = time.perf_counter()
    page.get_by_role("button", name="Pascanu's cliff").click()
    page.get_by_text("The loss landscape over wh and wx").wait_for(timeout=120_000)
    wait_idle(page, 4, timeout=120_000)
    return time.perf_counter() - t0


def main() -> None:
    server = start_server()
    try:
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(server.url + "/Sweep")
            wait_idle(page, 3, timeout=120_000)
            times = [(res, pick_resolution(page, res)) for res in RESOLUTIONS]
            for res, s in times:
                print(f"Sweep: resolution -> {res:>3}: redrawn in {s * 1000:.0f} ms")
            print(f"Sweep: median redraw {statistics.median(s for _, s in times) * 1000:.0f} ms over {len(times)}")
            cold = train_preset(browser.new_page(viewport={"width": 1400, "height": 1000}), server)
            warm = train_preset(browser.new_page(viewport={"width": 1400, "height": 1000}), server)
            print(f"Training: Pascanu preset (2 x 500 SGD steps, L=50) click -> all charts drawn: "
                  f"{cold:.2f} s first time, {warm:.2f} s cached")
    finally:
        stop_server(server)


if __name__ == "__main__":
    main()
