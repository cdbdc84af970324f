"""Benchmark: a room of N simulated viewers on one server, no browser: rerun latency and bytes per viewer.

Method. Each viewer is a room_client.Session: it speaks Streamlit's websocket protocol (protobuf BackMsg /
ForwardMsg) as the frontend does, with its own cookies, so it also works through a load balancer with sticky
sessions (--url). A viewer connects and loads the page once (cold; connections staggered evenly over one interval,
--sync: all at once). When every viewer has loaded, the rerun phase starts: each moves one slider (--key; wh on the
Explorer, x on the trivial app) to a new value every --interval seconds for --seconds, staggered the same way
(--sync: all at the same instant). Cold loads and reruns are reported apart. Each viewer walks its own values from
a shuffled grid of the slider's steps, so most settings are new to the server (--shared: every viewer walks the
same sequence, as a class following along). Viewers are closed-loop: a viewer whose rerun is still running when its
next move is due sends that move as soon as the rerun finishes, so an overloaded server shows up as latency, not as
a growing queue.

For every rerun: latency = BackMsg sent -> script_finished received; bytes = websocket message sizes until then
(the client keeps the frontend's message cache, so a browser would receive the same); chart elements whose
vega-lite spec string is unchanged from the previous run at the same position vs changed. An `exception` element,
a page-not-found, a timeout or a disconnect is an error and is printed.

Without --url it starts its own servers with tests/browser_support.start_server, one after the other: the lab
(streamlit_app.py) and the trivial reference app (benchmarks/trivial_app.py: one slider, one small chart), both run
from the repository root so that both read the repository's .streamlit/config.toml (runner.postScriptGC = false,
...); a server started from another directory would not. --root runs both from another checkout instead (for
example an exported commit, to compare versions). Server CPU time and RSS come from /proc for servers it started.

Everything targets the given URL or 127.0.0.1; every loop is bounded by --seconds (plus a per-run timeout) and a
count. The client runs in this one process on the same machine as the server: its CPU share is printed, since on
2 cores it competes with the server. Prints only; never asserts.

Usage: python benchmarks/bench_room.py --sessions 10 [--url http://127.0.0.1:PORT] [--page Explorer]
       [--seconds 60] [--interval 2] [--sync] [--shared] [--find-max [--steps 10,20,30,40,60,80]]
"""
from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import statistics
import sys
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))  # browser_support lives with the browser tests
sys.path.insert(0, str(HERE))
from browser_support import start_server, stop_server, wait_for_log  # noqa: E402
from room_client import RunResult, Session, SessionError  # noqa: E402

TRIVIAL_APP = HERE / "trivial_app.py"
P95_TARGET = 1.0  # seconds: --find-max reports the largest room whose p95 stays within this


@dataclass
class Room:
    """What one room run measured."""

    label: str
    sessions: int
    seconds: float
    interval: float
    mode: str = ""
    cold: list[RunResult] = field(default_factory=list)
    reruns: list[RunResult] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    load_start: tuple = ()
    load_end: tuple = ()
    wall: float = 0.0
    client_cpu: float = 0.0
    server_cpu: float | None = None
    server_rss_mb: float | None = None
    extension: str | None = None


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def proc_cpu(pid: int) -> float:
    """User + system CPU seconds of a process, from /proc/PID/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def value_walk(grid: list, session: int, sessions: int, steps: int, shared: bool, seed: int) -> list:
    """The values viewer `session` moves to, one per step: disjoint across viewers unless shared."""
    order = list(range(len(grid)))
    random.Random(seed).shuffle(order)
    return [grid[order[(k if shared else k * sessions + session) % len(order)]] for k in range(1, steps + 1)]


class Barrier:
    """Every viewer waits here after its cold load, so the rerun phase starts warm and at one known instant."""

    def __init__(self, parties: int, on_release) -> None:
        self.parties, self.arrived, self.event, self.at = parties, 0, asyncio.Event(), 0.0
        self.on_release = on_release

    def arrive(self) -> None:
        self.arrived += 1
        if self.arrived == self.parties:
            self.at = time.perf_counter()
            self.on_release()
            self.event.set()


async def viewer(i: int, room: Room, url: str, page: str, key: str | None, t0: float, barrier: Barrier,
                 args) -> None:
    """One viewer: load the page in its slot, wait for the room, then move its slider every interval."""
    offset = 0.0 if args.sync else args.interval * i / room.sessions
    await asyncio.sleep(max(0.0, t0 + offset - time.perf_counter()))
    session = Session(url, page, timeout=args.timeout)
    arrived = False
    try:
        await session.connect()
        room.extension = session.extension
        result = await session.load()
        room.cold.append(result)
        for message in result.exceptions:
            room.errors[f"cold load: {message}"] += 1
        if key is None:
            key = next((k for k in ("wh", "x") if k in session.widgets), None) or next(
                (w.key for w in session.widgets.values() if w.kind == "slider"), None)
        if key not in session.widgets:
            room.errors[f"no slider with key {key!r} on page {page!r}"] += 1
            return
        steps = int(args.seconds / args.interval) + 1  # a bound on the count, whatever the clock says
        values = value_walk(session.widgets[key].grid(), i, room.sessions, steps, args.shared, args.seed)
        arrived = True
        barrier.arrive()
        await asyncio.wait_for(barrier.event.wait(), args.interval + 2 * args.timeout)
        for k, value in enumerate(values, start=1):
            due = barrier.at + offset + k * args.interval
            if due > barrier.at + args.seconds:
                break
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            result = await session.set(**{key: value})
            room.reruns.append(result)
            for message in result.exceptions:
                room.errors[message] += 1
            if result.status != "ok":
                room.errors[f"script finished: {result.status}"] += 1
    except SessionError as exc:
        room.errors[f"session {i}: {exc}"] += 1
    except OSError as exc:  # the HTTP preamble failed
        room.errors[f"session {i}: {exc!r}"] += 1
    except TimeoutError:
        room.errors[f"session {i}: the other viewers never finished loading"] += 1
    finally:
        if not arrived:
            barrier.arrive()
        await session.close()


async def run_room(label: str, url: str, page: str, key: str | None, sessions: int, args, pid: int | None) -> Room:
    mode = f"{'all at once' if args.sync else 'staggered'}, {'shared' if args.shared else 'own'} values"
    room = Room(label, sessions, args.seconds, args.interval, mode, load_start=os.getloadavg())
    cpu0 = {}

    def snapshot() -> None:  # CPU clocks as the rerun phase starts (cold loads excluded)
        cpu0.update(client=time.process_time(), server=proc_cpu(pid) if pid else 0.0)

    snapshot()
    t0 = time.perf_counter() + 0.2
    barrier = Barrier(sessions, snapshot)
    tasks = [asyncio.create_task(viewer(i, room, url, page, key, t0, barrier, args)) for i in range(sessions)]
    done, pending = await asyncio.wait(tasks, timeout=args.seconds + 2 * args.interval + 3 * args.timeout + 30)
    for task in pending:  # a hard stop: the per-run timeout should have ended these already
        task.cancel()
        room.errors["viewer still running at the hard deadline (cancelled)"] += 1
    await asyncio.gather(*pending, return_exceptions=True)
    room.wall = time.perf_counter() - (barrier.at or t0)  # the rerun phase
    room.client_cpu = time.process_time() - cpu0["client"]
    if pid:
        room.server_cpu = proc_cpu(pid) - cpu0["server"]
        room.server_rss_mb = proc_rss_mb(pid)
    room.load_end = os.getloadavg()
    return room


def fmt_load(load: tuple) -> str:
    return ", ".join(f"{x:.2f}" for x in load)


def report(room: Room) -> None:
    r = room.reruns
    print(f"\n== {room.label}: {room.sessions} sessions, {room.seconds:.0f} s, {room.mode}")
    print(f"  load average (1, 5, 15 min): start {fmt_load(room.load_start)}; end {fmt_load(room.load_end)}")
    if room.cold:
        cold = [c.latency for c in room.cold]
        print(f"  cold loads: {len(cold)}, latency p50 {statistics.median(cold) * 1000:.0f} ms, "
              f"max {max(cold) * 1000:.0f} ms; {statistics.median(c.payload_bytes for c in room.cold) / 1000:.1f} kB")
    if r:
        lat = [x.latency for x in r]
        size = [x.payload_bytes for x in r]
        print(f"  reruns: {len(r)} in {room.wall:.0f} s ({len(r) / room.wall:.1f}/s, offered "
              f"{room.sessions / room.interval:.1f}/s); latency p50 {pct(lat, .5) * 1000:.0f} ms, "
              f"p95 {pct(lat, .95) * 1000:.0f} ms, max {max(lat) * 1000:.0f} ms")
        print(f"  bytes per rerun: p50 {pct(size, .5) / 1000:.1f} kB, max {max(size) / 1000:.1f} kB "
              f"(wire p50 {pct([x.wire_bytes for x in r], .5) / 1000:.1f} kB; "
              f"{statistics.median(x.messages for x in r):.0f} messages; "
              f"websocket extension: {room.extension or 'none'})")
        n = len(r)
        print(f"  charts per rerun: {sum(x.charts for x in r) / n:.1f}; spec same as before "
              f"{sum(x.chart_spec_same for x in r) / n:.1f}, changed {sum(x.chart_spec_changed for x in r) / n:.1f}; "
              f"whole element unchanged {sum(x.chart_element_same for x in r) / n:.1f}; "
              f"served from the client cache (ref_hash) {sum(x.ref_hashes for x in r) / n:.1f}")
        if any(x.early_reruns for x in r):
            print(f"  reruns that st.rerun() restarted: {sum(x.early_reruns for x in r)}")
    else:
        print("  reruns: none completed")
    cpu = f"client CPU {room.client_cpu:.1f} s ({room.client_cpu / room.wall:.0%} of a core)"
    if room.server_cpu is not None:
        per = f", {room.server_cpu / len(r) * 1000:.0f} ms per rerun" if r else ""
        cpu += (f"; server CPU {room.server_cpu:.1f} s ({room.server_cpu / room.wall:.0%} of a core{per}), "
                f"server RSS {room.server_rss_mb:.0f} MB")
    print(f"  {cpu}")
    errors = sum(room.errors.values())
    print(f"  errors: {errors}")
    for message, count in room.errors.most_common(10):
        print(f"    {count} x {message[:300]}")


def summary_line(room: Room) -> str:
    lat = [x.latency for x in room.reruns]
    if not lat:
        return f"  N={room.sessions:3d}: no reruns, {sum(room.errors.values())} errors"
    server = f", server {room.server_cpu / room.wall:.0%} of a core" if room.server_cpu is not None else ""
    return (f"  N={room.sessions:3d}: reruns {len(lat):4d} ({len(lat) / room.wall:4.1f}/s{server}), "
            f"p50 {pct(lat, .5) * 1000:5.0f} ms, p95 {pct(lat, .95) * 1000:5.0f} ms, max {max(lat) * 1000:5.0f} ms, "
            f"errors {sum(room.errors.values())}, load {fmt_load(room.load_start)} -> {fmt_load(room.load_end)}")


def within_target(room: Room) -> bool:
    lat = [x.latency for x in room.reruns]
    return bool(lat) and pct(lat, .95) <= P95_TARGET and not room.errors


def targets(args) -> list[tuple[str, str | Path | None, str, str | None]]:
    """(label, app script or None for --url, page, slider key) for each app to measure."""
    if args.url:
        return [(args.url, None, args.page, args.key)]
    out = []
    apps = {"lab", "trivial"} if args.apps == "both" else set(args.apps.split(","))
    if apps - {"lab", "trivial"}:
        raise SystemExit(f"--apps: {args.apps!r} is not lab, trivial, both or lab,trivial")
    if "lab" in apps:
        out.append((f"lab /{args.page}", "streamlit_app.py", args.page, args.key))
    if "trivial" in apps:
        out.append(("trivial app", TRIVIAL_APP, "", None))
    return out


def _warmed(server) -> None:
    """Load the main page once (it starts the warm-up), then wait for the warm-up's line in the server's log."""
    urllib.request.urlopen(server.url + "/", timeout=60).read()
    asyncio.run(_first_run(server.url))
    wait_for_log(server, "tinyrnn warm-up done", timeout=900)


async def _first_run(url: str) -> None:
    async with Session(url) as session:
        await session.load()


async def measure(label: str, app, page: str, key: str | None, sessions: int, args) -> Room:
    if app is None:
        return await run_room(label, args.url.rstrip("/"), page, key, sessions, args, None)
    server = await asyncio.to_thread(start_server, app, Path(args.root).resolve())
    try:
        if app != TRIVIAL_APP:  # the lab warms its caches in the background at start: measure after that
            await asyncio.to_thread(_warmed, server)
        return await run_room(label, server.url, page, key, sessions, args, server.process.pid)
    finally:
        await asyncio.to_thread(stop_server, server)


async def main_async(args) -> None:
    print(f"bench_room: {'--url ' + args.url if args.url else 'own servers from ' + str(Path(args.root).resolve())}; "
          f"interval {args.interval} s, {args.seconds:.0f} s per room; {os.cpu_count()} cores")
    if not args.find_max:
        rooms = []
        for label, app, page, key in targets(args):
            rooms.append(await measure(label, app, page, key, args.sessions, args))
            report(rooms[-1])
        if len(rooms) > 1:
            print("\n== side by side")
            for room in rooms:
                print(f"  {room.label:<14}{summary_line(room)}")
        return
    steps = [int(s) for s in args.steps.split(",")]
    for label, app, page, key in targets(args):
        print(f"\n== find-max for {label}: largest N with p95 <= {P95_TARGET:.1f} s and no errors")
        best = None
        for n in steps:
            room = await measure(label, app, page, key, n, args)
            print(summary_line(room), flush=True)
            if not within_target(room):
                for message, count in room.errors.most_common(3):
                    print(f"    {count} x {message[:200]}")
                break
            best = n
        print(f"  -> {label}: largest N within target: {best if best is not None else f'none (not even {steps[0]})'}")


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=10, help="viewers in the room")
    ap.add_argument("--url", help="measure this server (or load balancer) instead of starting our own")
    ap.add_argument("--page", default="Explorer", help="page name, as in the URL path ('' for the main page)")
    ap.add_argument("--key", help="key of the slider to move (default: wh, else x, else the first slider)")
    ap.add_argument("--seconds", type=float, default=60.0, help="how long viewers keep moving sliders")
    ap.add_argument("--interval", type=float, default=2.0, help="seconds between one viewer's moves")
    ap.add_argument("--sync", action="store_true", help="every viewer moves at the same instant")
    ap.add_argument("--shared", action="store_true", help="every viewer walks the same sequence of values")
    ap.add_argument("--find-max", action="store_true", help=f"step N up; report the largest with p95 <= {P95_TARGET} s")
    ap.add_argument("--steps", default="10,20,30,40,60,80", help="room sizes for --find-max")
    ap.add_argument("--apps", default="lab,trivial", help="own servers to measure: lab, trivial or both")
    ap.add_argument("--root", default=str(ROOT), help="checkout to run the lab (and the trivial app) from")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds before one run counts as lost")
    ap.add_argument("--seed", type=int, default=0, help="seed of the value shuffle")
    args = ap.parse_args(argv)
    args.page = args.page.strip("/")
    if args.sessions < 1 or args.interval <= 0 or args.seconds <= 0:
        ap.error("--sessions, --interval and --seconds must be positive")
    return args


if __name__ == "__main__":
    asyncio.run(main_async(parse_args()))
