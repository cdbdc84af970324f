"""Benchmark: the Sweep page's script run with a cold st.cache_data, as AppTest runs it (no browser).

Imports are warmed first (a server has them loaded); each repeat clears the cache and runs the page at
its defaults (200 x 200 phase diagram, seed lines, five mini diagrams), then once more warm.
Prints medians; never asserts. Usage: python benchmarks/bench_sweep_page.py [--repeats 5] [--res 200]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402


def page(res: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.query_params["res"] = res
    at.switch_page("pages/2_Sweep.py")
    return at


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--res", default="200", choices=["50", "100", "200", "400", "800"])
    args = ap.parse_args()
    page(args.res).run()  # warm imports, Altair's schema, torch kernels
    cold, warm = [], []
    for _ in range(args.repeats):
        st.cache_data.clear()
        at = page(args.res)
        t0 = time.perf_counter()
        at.run()
        cold.append(time.perf_counter() - t0)
        assert not at.exception, [e.value for e in at.exception]
        t0 = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - t0)
    print(f"Sweep page, res={args.res}: cold-cache script run median {statistics.median(cold) * 1e3:.0f} ms "
          f"(min {min(cold) * 1e3:.0f}, max {max(cold) * 1e3:.0f}) over {args.repeats}; "
          f"warm rerun median {statistics.median(warm) * 1e3:.0f} ms")
    print("AppTest polls the script thread, so these include up to ~10 ms of polling slack.")


if __name__ == "__main__":
    main()
