"""Benchmark: the lab server's memory (RSS) as one viewer visits every page and then 1000 Explorer settings.

Method. One `streamlit run streamlit_app.py` server (tests/browser_support.start_server, from the repository root,
so with the repository's .streamlit/config.toml) and one browser-free viewer (room_client.Session). RSS of the
server process (psutil if installed, else /proc/PID/status VmRSS) is read right after the server answers its
health check, then after the first load of each page in one session (/, /Explorer, /Sweep, /Training: page
names are the script names without the number prefix), then every 50 settings while the viewer moves the
Explorer's wh and L together through 1000 distinct settings (wh stepping across -12..12 in strides that visit no
value twice, L across 1..1000 likewise), one rerun after the other. Printed: the curve (settings, RSS, rerun
latency p50 of the last 50), final and peak RSS (peak = the kernel's VmHWM high-water mark), and any run that
raised. Prints only; never asserts.

Usage: python benchmarks/bench_rss.py [--settings 1000] [--every 50] [--root DIR]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(HERE))
from browser_support import start_server, stop_server  # noqa: E402
from room_client import Session, SessionError  # noqa: E402

PAGES = ("", "Explorer", "Sweep", "Training", "Memory", "Exercises", "Compare")


def status_mb(pid: int, field: str) -> float:
    """A memory field of /proc/PID/status (VmRSS, VmHWM) in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def rss_mb(pid: int) -> float:
    try:
        import psutil
    except ImportError:
        return status_mb(pid, "VmRSS")
    return psutil.Process(pid).memory_info().rss / 2**20


def settings(n: int, wh_grid: list, l_grid: list) -> list[tuple[float, int]]:
    """n distinct (wh, L): both walk their grids with strides coprime to the grid sizes (no repeats)."""
    def stride(size: int, want: int) -> int:
        s = want
        while any(size % p == 0 and s % p == 0 for p in range(2, min(size, s) + 1)):
            s += 1
        return s
    sw, sl = stride(len(wh_grid), 97), stride(len(l_grid), 37)
    return [(wh_grid[(k * sw) % len(wh_grid)], l_grid[(k * sl) % len(l_grid)]) for k in range(1, n + 1)]


async def drive(url: str, pid: int, args) -> None:
    print(f"  after start (health check answered): RSS {rss_mb(pid):7.1f} MB")
    session = Session(url, PAGES[0], timeout=args.timeout)
    errors = 0
    try:
        await session.connect()
        for page in PAGES:
            result = await (session.load() if page == PAGES[0] else session.navigate(page, session.query))
            raised = f", EXCEPTION: {'; '.join(result.exceptions)}" if result.exceptions else ""
            print(f"  after first load of /{page:<9} RSS {rss_mb(pid):7.1f} MB  ({result.latency * 1000:.0f} ms, "
                  f"{result.payload_bytes / 1000:.0f} kB{raised})")
            errors += bool(result.exceptions)
        await session.navigate("Explorer", session.query)
        walk = settings(args.settings, session.widgets["wh"].grid(), session.widgets["L"].grid())
        print(f"\n  {'settings':>8}  {'RSS MB':>7}  {'rerun p50 ms':>12}  {'elapsed s':>9}")
        curve, latencies, t0 = [rss_mb(pid)], [], time.perf_counter()
        print(f"  {0:8d}  {curve[0]:7.1f}  {'':>12}  {0:9.1f}")
        for k, (wh, length) in enumerate(walk, start=1):
            result = await session.set(wh=wh, L=length)
            latencies.append(result.latency)
            if not result.ok:
                errors += 1
                print(f"  setting {k} (wh={wh}, L={length}): {result.status} {'; '.join(result.exceptions)[:300]}")
            if k % args.every == 0 or k == len(walk):
                rss = rss_mb(pid)
                curve.append(rss)
                print(f"  {k:8d}  {rss:7.1f}  {statistics.median(latencies) * 1000:12.0f}  "
                      f"{time.perf_counter() - t0:9.1f}", flush=True)
                latencies = []
        print(f"\n  final RSS {curve[-1]:.1f} MB; peak RSS (VmHWM) {status_mb(pid, 'VmHWM'):.1f} MB; "
              f"growth over the walk {curve[-1] - curve[0]:+.1f} MB; runs with errors: {errors}")
    except SessionError as exc:
        print(f"  session error: {exc}")
    finally:
        await session.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--settings", type=int, default=1000)
    ap.add_argument("--every", type=int, default=50, help="sample RSS after this many settings")
    ap.add_argument("--root", default=str(ROOT), help="checkout to run the lab from")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds before one run counts as lost")
    args = ap.parse_args()
    print(f"bench_rss: lab from {Path(args.root).resolve()}; load average {os.getloadavg()}")
    server = start_server("streamlit_app.py", Path(args.root).resolve())
    try:
        asyncio.run(drive(server.url, server.process.pid, args))
    finally:
        stop_server(server)
    print(f"  load average at the end {os.getloadavg()}")


if __name__ == "__main__":
    main()
