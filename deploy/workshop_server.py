"""One command for a workshop room: K Streamlit replicas of the app behind HAProxy, stopped together.

    python deploy/workshop_server.py [--replicas K] [--port 8500] [--bind 0.0.0.0] [--backend HOST:PORT ...]

Why replicas: one Streamlit process runs every session's script in threads of one Python interpreter, so a room
of people moving sliders shares one core's worth of GIL. K processes (default: one per core) behind a proxy use
all cores. Why stickiness: a Streamlit session lives in the memory of the process that holds its websocket, and so
do the files that session serves (`/media/...`: images, the CSV downloads). HAProxy therefore pins each browser to
one replica with a cookie it inserts on the first response; every later request, the websocket included, carries
it back to the same replica.

Without --backend it starts K local replicas on free loopback ports, from the repository root so that
.streamlit/config.toml applies. All share one random `server.cookieSecret` per start (in the environment, as
STREAMLIT_SERVER_COOKIE_SECRET), so XSRF and session cookies signed by one replica validate on the others should
HAProxy ever move a browser. It waits for each /_stcore/health, writes an HAProxy config into a temporary
directory and runs HAProxy in the foreground (-db).
With --backend HOST:PORT (repeatable) it starts no replica and only runs HAProxy in front of the given ones;
`--replica-command` prints the command to start one on another machine (with a shared cookie secret).

Ctrl-C, SIGTERM or SIGHUP stops HAProxy and every replica: each child runs in its own process group and the whole
group is signalled (SIGTERM, then SIGKILL after a grace period); on Linux a child also gets SIGTERM from the kernel
should this script itself be killed outright (PR_SET_PDEATHSIG), so no replica outlives it.
"""
from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = "streamlit_app.py"
COOKIE = "SERVERID"  # HAProxy's stickiness cookie: the name of the replica that holds the browser's session
HEALTH = "/_stcore/health"
SECRET_ENV = "STREAMLIT_SERVER_COOKIE_SECRET"  # Streamlit's own variable for server.cookieSecret
GRACE = 10.0  # seconds between SIGTERM and SIGKILL when stopping
MAX_RESTARTS = 3  # a local replica that dies (e.g. killed for memory) is restarted this often, then left down


class Shutdown(Exception):
    """Raised by the SIGTERM/SIGHUP handler so that the same clean-up as for Ctrl-C runs."""


@dataclass
class Replica:
    """One Streamlit server: local (we started it: process set) or remote (--backend: process None)."""

    name: str
    host: str
    port: int
    process: subprocess.Popen | None = None
    log_path: Path | None = None
    restarts: int = field(default=0)

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


# ---------------------------------------------------------------------------------------------- HAProxy config

def haproxy_config(replicas: list[Replica], bind: str, port: int) -> str:
    """The HAProxy configuration: one HTTP frontend on bind:port, one backend with every replica, sticky by cookie."""
    servers = "\n".join(f"    server {r.name} {r.address} cookie {r.name}" for r in replicas)
    return f"""\
# Written by deploy/workshop_server.py for one run; regenerated at every start.
global
    maxconn 4096

defaults
    mode http
    option forwardfor
    timeout connect 5s
    # Plain HTTP: an idle browser connection and a slow answer (a CSV computed on click on a busy machine).
    timeout client 60s
    timeout server 120s
    timeout http-request 15s
    timeout http-keep-alive 15s
    timeout queue 60s
    # Once a websocket is up, 'tunnel' replaces client/server: a tab left open over a long break keeps its
    # session (Streamlit also pings every ~30 s, which resets the clock).
    timeout tunnel 1h
    timeout client-fin 30s
    timeout check 5s
    # The replica named in a browser's cookie is down: send it to another one instead of failing. That browser
    # gets a fresh session there; every setting lives in the URL, so the view comes back as it was.
    option redispatch
    retries 3

frontend room
    bind {bind}:{port}
    default_backend replicas

backend replicas
    # leastconn, not roundrobin: each open tab holds one websocket (one connection) for its whole life, so the
    # connection count is the number of live sessions, and a newcomer goes to the replica with the fewest. With
    # roundrobin, tabs closed on one replica would leave the two unevenly loaded. Ties go round robin.
    balance leastconn
    # Stickiness: the first response sets SERVERID=<replica>; every later request (websocket, /media/ files,
    # downloads) carries it back. 'indirect' strips it before the replica sees it and does not set it again;
    # 'nocache' keeps shared caches from storing a response that sets it.
    cookie {COOKIE} insert indirect nocache httponly attr "SameSite=Lax"
    option httpchk GET {HEALTH}
    http-check expect status 200
    # A replica busy computing may answer health checks late: three misses in a row (about 9 s) before it is
    # taken out, two answers to bring it back.
    default-server check inter 3s fall 3 rise 2
{servers}
"""


# ---------------------------------------------------------------------------------------------- processes

def _die_with_parent() -> None:
    """In the child before exec: ask Linux to SIGTERM it when its parent (this script) dies, however it dies."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


def spawn(cmd: list[str], log_path: Path | None = None, cwd: Path = ROOT, env: dict | None = None) -> subprocess.Popen:
    """Start cmd in a new session (its own process group, away from the terminal's Ctrl-C: we stop it ourselves)."""
    out = log_path.open("ab") if log_path else None
    try:
        return subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT if out
                                else None, env=env, start_new_session=True, preexec_fn=_die_with_parent)
    finally:
        if out:
            out.close()


def stop_all(processes: list[subprocess.Popen], grace: float = GRACE) -> None:
    """SIGTERM every process group, wait up to grace seconds, SIGKILL whatever is left of each group."""
    for p in processes:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(p.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for p in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            p.wait(timeout=max(0.1, deadline - time.monotonic()))
    for p in processes:  # the leader may be gone while others of its group linger: kill the group either way
        with contextlib.suppress(ProcessLookupError):
            os.killpg(p.pid, signal.SIGKILL)
        p.wait()


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (a replica that loses the race is started again on another)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as HAProxy binds: TIME_WAIT leftovers are fine
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def healthy(address: str, timeout: float = 3.0) -> bool:
    """True if http://address/_stcore/health answers 200."""
    try:
        with urllib.request.urlopen(f"http://{address}{HEALTH}", timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def replica_command(port: int, address: str = "127.0.0.1") -> list[str]:
    """`python -m streamlit run streamlit_app.py` as one replica, run from the repository root."""
    return [sys.executable, "-m", "streamlit", "run", APP, "--server.headless", "true", "--server.address", address,
            "--server.port", str(port), "--server.fileWatcherType", "none", "--server.runOnSave", "false",
            "--browser.gatherUsageStats", "false"]


def start_replica(replica: Replica, secret: str) -> None:
    # The secret goes in the environment: Streamlit 1.67 refuses `--server.cookieSecret` on the command line
    # (it would show in `ps` to every user of the machine); /proc/PID/environ is readable by the owner only.
    env = {**os.environ, "PYTHONUNBUFFERED": "1", SECRET_ENV: secret,
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    replica.process = spawn(replica_command(replica.port), replica.log_path, env=env)


def tail(path: Path | None, lines: int = 15) -> str:
    if not path or not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def wait_healthy(replicas: list[Replica], secret: str, timeout: float) -> None:
    """Wait until every replica answers its health check; a local one that exits early (lost its port) is
    started again on a new port, twice at most; raise with its log if it cannot come up."""
    pending = list(replicas)
    deadline = time.monotonic() + timeout
    while pending:
        for r in list(pending):
            if r.process is not None and r.process.poll() is not None:
                if r.restarts >= 2:
                    raise RuntimeError(f"replica {r.name} exited with code {r.process.returncode}:\n{tail(r.log_path)}")
                r.restarts += 1
                r.port = free_port()
                start_replica(r, secret)
            elif healthy(r.address, timeout=2):
                pending.remove(r)
                pid = f"pid {r.process.pid}, log {r.log_path}" if r.process else "remote"
                print(f"  replica {r.name} up on {r.address} ({pid})", flush=True)
        if pending and time.monotonic() > deadline:
            names = ", ".join(f"{r.name} ({r.address})" for r in pending)
            if all(r.process is None for r in pending):  # remote ones: HAProxy adds them once they answer
                print(f"  warning: no answer yet from {names}; HAProxy will add them when they are up", flush=True)
                return
            raise TimeoutError(f"no health answer within {timeout:.0f} s from {names}")
        if pending:
            time.sleep(0.25)  # polling a process we started; not a test waiting on the app


def room_host(bind: str) -> str:
    """The address people in the room type: the bind address, or this machine's LAN address for 0.0.0.0."""
    if bind not in ("0.0.0.0", "::", ""):
        return bind
    with contextlib.suppress(OSError):
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            if not info[4][0].startswith("127."):
                return info[4][0]
    with contextlib.suppress(OSError, subprocess.SubprocessError):  # Debian's `hostname -I` lists the addresses
        out = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=5).stdout.split()
        ipv4 = [a for a in out if "." in a and not a.startswith("127.")]
        if ipv4:
            return ipv4[0]
    return socket.gethostname()


# ---------------------------------------------------------------------------------------------- main

def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    summary, details = __doc__.split("\n\n", 1)
    ap = argparse.ArgumentParser(description=summary.splitlines()[0], epilog=details,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--replicas", type=int, default=os.cpu_count() or 1,
                    help="local Streamlit processes (default: one per core, %(default)s here)")
    ap.add_argument("--port", type=int, default=8500, help="the room's port (default %(default)s)")
    ap.add_argument("--bind", default="0.0.0.0",
                    help="address HAProxy listens on (default %(default)s: every interface, so the room can reach it; "
                         "127.0.0.1 for this machine only)")
    ap.add_argument("--backend", action="append", default=[], metavar="HOST:PORT",
                    help="a replica already running elsewhere (repeatable); then no local replica is started")
    ap.add_argument("--cookie-secret", default=os.environ.get("TINYRNN_COOKIE_SECRET"),
                    help="the server.cookieSecret every replica shares (default: $TINYRNN_COOKIE_SECRET, else a random "
                         "one per start)")
    ap.add_argument("--haproxy", default=shutil.which("haproxy") or "/usr/sbin/haproxy", help="the haproxy binary")
    ap.add_argument("--timeout", type=float, default=180.0, help="seconds to wait for the replicas to answer")
    ap.add_argument("--replica-command", action="store_true",
                    help="print the command that starts a replica on another machine, then exit")
    ap.add_argument("--print-config", action="store_true", help="print the HAProxy configuration, then exit")
    args = ap.parse_args(argv)
    if args.replicas < 1:
        ap.error("--replicas must be at least 1")
    for b in args.backend:
        host, _, port = b.rpartition(":")
        if not host or not port.isdigit():
            ap.error(f"--backend wants HOST:PORT, got {b!r}")
    return args


def remote_hint(secret: str, port: int = 8501) -> str:
    """The shell command for one replica on another machine: reachable from the proxy, same cookie secret."""
    cmd = ["python", "-m", "streamlit", "run", APP, "--server.headless", "true", "--server.address", "0.0.0.0",
           "--server.port", str(port)]
    return f"cd tinyrnn && {SECRET_ENV}={shlex.quote(secret)} {shlex.join(cmd)}"


def on_signal(signum, _frame) -> None:
    raise Shutdown(signal.Signals(signum).name)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    secret = args.cookie_secret or secrets.token_urlsafe(32)
    if args.replica_command:
        print(remote_hint(secret))
        return 0
    remote = bool(args.backend)
    if remote:
        replicas = [Replica(f"r{i}", host, int(port))
                    for i, (host, port) in enumerate((b.rsplit(":", 1) for b in args.backend), 1)]
    else:
        replicas = [Replica(f"r{i}", "127.0.0.1", free_port()) for i in range(1, args.replicas + 1)]
    if args.print_config:
        print(haproxy_config(replicas, args.bind, args.port), end="")
        return 0
    if not Path(args.haproxy).exists():
        print(f"error: haproxy not found at {args.haproxy} (Debian: apt-get install haproxy)", file=sys.stderr)
        return 2
    if not port_is_free(args.bind, args.port):
        print(f"error: {args.bind}:{args.port} is taken; choose another with --port", file=sys.stderr)
        return 2

    # Explicit even for SIGINT: a shell starts background jobs with SIGINT ignored, and Python keeps that.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)
    workdir = Path(tempfile.mkdtemp(prefix="tinyrnn-workshop-"))
    haproxy: subprocess.Popen | None = None
    failed = False
    try:
        if remote:
            print(f"HAProxy in front of {len(replicas)} remote replica(s). Each must run with the same cookie "
                  f"secret; start one with:\n  {remote_hint(secret)}", flush=True)
        else:
            print(f"Starting {len(replicas)} Streamlit replica(s) of {APP} (logs in {workdir})", flush=True)
            for r in replicas:
                r.log_path = workdir / f"{r.name}.log"
                start_replica(r, secret)
        wait_healthy(replicas, secret, args.timeout)

        config = workdir / "haproxy.cfg"
        config.write_text(haproxy_config(replicas, args.bind, args.port))
        haproxy = spawn([args.haproxy, "-db", "-f", str(config)])
        print(f"  haproxy listening on {args.bind}:{args.port} (pid {haproxy.pid}, config {config})", flush=True)
        deadline = time.monotonic() + 30
        local = "127.0.0.1" if args.bind in ("0.0.0.0", "") else args.bind
        while not healthy(f"{local}:{args.port}", timeout=2):  # the proxy answers and routes to a replica
            if haproxy.poll() is not None:
                raise RuntimeError(f"haproxy exited with code {haproxy.returncode} (its message is above)")
            if time.monotonic() > deadline:
                if remote:
                    break  # remote replicas may still be starting: HAProxy routes to them once they answer
                raise TimeoutError("haproxy did not route a health check to a replica within 30 s")
            time.sleep(0.25)
        print(f"Workshop ready: http://{room_host(args.bind)}:{args.port}/  ({len(replicas)} replica(s) behind "
              f"HAProxy, sticky by cookie {COOKIE}; Ctrl-C stops everything)", flush=True)

        while haproxy.poll() is None:
            for r in replicas:  # a local replica that died is started again on its port (HAProxy re-adds it)
                if r.process is not None and r.process.poll() is not None and r.restarts < MAX_RESTARTS:
                    r.restarts += 1
                    print(f"warning: replica {r.name} exited with code {r.process.returncode}; restarting it "
                          f"({r.restarts}/{MAX_RESTARTS}). Its log ends:\n{tail(r.log_path)}", flush=True)
                    start_replica(r, secret)
            with contextlib.suppress(subprocess.TimeoutExpired):
                haproxy.wait(timeout=1.0)
        failed = True
        print(f"error: haproxy exited with code {haproxy.returncode}", file=sys.stderr, flush=True)
    except (KeyboardInterrupt, Shutdown) as stop:
        print(f"\nStopping ({str(stop) or 'Ctrl-C'})...", flush=True)
    except (RuntimeError, TimeoutError) as error:
        failed = True
        print(f"error: {error}", file=sys.stderr, flush=True)
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):  # a second Ctrl-C must not cut the clean-up short
            signal.signal(sig, signal.SIG_IGN)
        stop_all([p for p in [haproxy, *(r.process for r in replicas)] if p is not None])
        if failed:
            print(f"logs kept in {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
        print("Stopped HAProxy and every replica.", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
