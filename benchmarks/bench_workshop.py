"""Benchmark: a workshop room, N browser tabs on one server moving the Explorer's wh slider at the same time.

Method. One `streamlit run` server, one headless Chromium with N pages (each its own session). In each round every
page gets one ArrowRight on the wh slider, all within a few milliseconds, then we wait until every page is idle
with its charts drawn and its slider showing the new value. Reported: per-round wall time (key presses -> the
last of the N pages redrawn), and at the end, each page's exceptions (must be none) and its final wh and URL.
Prints only; never asserts.

Usage: python benchmarks/bench_workshop.py [--pages 10] [--rounds 5]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))
from browser_support import chromium, location, start_server, stop_server, wait_idle  # noqa: E402

WH = "wh_init: the recurrent weight"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--same", action="store_true", help="every tab on the same setting (a class following along)")
    args = ap.parse_args()
    server = start_server()
    try:
        with chromium() as browser:
            pages = []
            start = [0.0 if args.same else 0.1 * i for i in range(args.pages)]  # tab i starts at wh = 0.5 + start[i]
            for i in range(args.pages):
                page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
                page.goto(f"{server.url}/Explorer?wh={0.5 + start[i]:.2f}&L={10 if args.same else 10 + 5 * i}")
                pages.append(page)
            for page in pages:
                wait_idle(page, 4, timeout=120_000)
            rounds = []
            for r in range(1, args.rounds + 1):
                t0 = time.perf_counter()
                for page in pages:
                    page.get_by_role("slider", name=WH).press("ArrowRight")
                for i, page in enumerate(pages):
                    want = f"{0.5 + start[i] + 0.01 * r:.2f}"
                    slider = page.get_by_test_id("stSlider").filter(has_text=WH).get_by_test_id("stSliderThumbValue")
                    slider.filter(has_text=want).wait_for(timeout=120_000)
                    wait_idle(page, 4, timeout=120_000)
                rounds.append(time.perf_counter() - t0)
            errors = sum(page.get_by_test_id("stException").count() for page in pages)
            print(f"{args.pages} tabs ({'all on one setting' if args.same else 'each on its own setting'}), "
                  f"{args.rounds} rounds of one key press each (all tabs at once):")
            print(f"  round (N presses -> last tab redrawn): median {statistics.median(rounds) * 1000:.0f} ms, "
                  f"max {max(rounds) * 1000:.0f} ms; per tab {statistics.median(rounds) / args.pages * 1000:.0f} ms")
            print(f"  exceptions shown: {errors}; final URLs: {[location(p) for p in pages[:3]]} ...")
    finally:
        stop_server(server)


if __name__ == "__main__":
    main()
