"""Helpers for tests of deploy/workshop_server.py: start it as a subprocess, read its output, find its processes.

Every process the workshop server starts inherits its environment, so the tests mark that environment with a
variable unique to one run (MARK=<uuid>) and find every descendant, even one orphaned and re-parented to init,
by scanning /proc/*/environ for it.
"""
from __future__ import annotations

import contextlib
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from browser_support import ROOT, free_port, in_ci

SERVER = ROOT / "deploy" / "workshop_server.py"
HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
MARK = "TINYRNN_WORKSHOP_TEST_MARK"
READY = re.compile(r"^Workshop ready: (http://\S+?)/?\s")
PID = re.compile(r"\(pid (\d+)")


def require_haproxy() -> None:
    """Skip (locally) or fail (in CI) when HAProxy is missing."""
    import pytest

    if not Path(HAPROXY).exists():
        reason = f"the workshop server needs HAProxy: {HAPROXY} not found (install Debian's haproxy package)"
        if in_ci():
            pytest.fail(reason + " -- CI=true, so this is a failure, not a skip", pytrace=False)
        pytest.skip(reason)


@dataclass
class Workshop:
    """A running deploy/workshop_server.py and what it printed."""

    process: subprocess.Popen
    mark: str
    url: str = ""  # from its "Workshop ready: URL" line, without a trailing slash
    lines: list[str] = field(default_factory=list)
    ready: threading.Event = field(default_factory=threading.Event)
    reader: threading.Thread | None = None

    @property
    def pids(self) -> list[int]:
        """The children it announced: "(pid N" in its output (each replica and HAProxy)."""
        return [int(m.group(1)) for line in self.lines for m in PID.finditer(line)]

    def output(self) -> str:
        return "\n".join(self.lines)


def _read(workshop: Workshop) -> None:
    """Collect the server's output lines; set `ready` on its ready line, or when it closes its output."""
    for line in workshop.process.stdout:
        workshop.lines.append(line.rstrip("\n"))
        if match := READY.match(line):
            workshop.url = match.group(1)
            workshop.ready.set()
    workshop.ready.set()


def start_workshop(*args: str, tmpdir: Path, timeout: float = 300.0) -> Workshop:
    """Start the workshop server on a free loopback port (extra CLI args appended) and wait for its ready line.

    Its temporary directory (config, replica logs) goes under tmpdir (TMPDIR), so that pytest cleans up even
    after a server that could not (killed, or kept its logs after a failure)."""
    mark = uuid.uuid4().hex
    cmd = [sys.executable, str(SERVER), "--bind", "127.0.0.1", "--port", str(free_port()), "--haproxy", HAPROXY,
           *args]
    process = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True,
                               env={**os.environ, MARK: mark, "PYTHONUNBUFFERED": "1", "TMPDIR": str(tmpdir)})
    workshop = Workshop(process, mark)
    workshop.reader = threading.Thread(target=_read, args=(workshop,), daemon=True)
    workshop.reader.start()
    if not workshop.ready.wait(timeout) or not workshop.url:
        kill_leftovers(workshop)
        raise RuntimeError(f"the workshop server did not get ready within {timeout:.0f} s:\n{workshop.output()}")
    return workshop


def stop_workshop(workshop: Workshop, sig: int = signal.SIGINT, timeout: float = 60.0) -> int:
    """Send sig to the workshop server alone (as Ctrl-C or `kill` would) and return its exit code."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(workshop.process.pid, sig)
    try:
        code = workshop.process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_leftovers(workshop)
        raise
    workshop.reader.join(timeout=10)  # its last lines are read once its output closes
    return code


@contextlib.contextmanager
def workshop_server(*args: str, tmpdir: Path) -> Iterator[Workshop]:
    """A workshop server for a with-block; whatever of it is left afterwards is killed."""
    workshop = start_workshop(*args, tmpdir=tmpdir)
    try:
        yield workshop
    finally:
        if workshop.process.poll() is None:  # the test stopped early: let the server clean up, as a person would
            with contextlib.suppress(subprocess.TimeoutExpired):
                stop_workshop(workshop, signal.SIGTERM, timeout=30)
        kill_leftovers(workshop)


def marked_processes(mark: str) -> list[int]:
    """Live processes whose environment carries MARK=mark (zombies have no environment left, and are dead)."""
    needle = f"{MARK}={mark}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if needle in (entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
    return found


def _live_groups() -> set[int]:
    """Process groups with at least one process that is not a zombie (an orphan's zombie may wait long for init)."""
    groups = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()  # after "pid (comm)"
                if fields[0] != "Z":
                    groups.add(int(fields[2]))
    return groups


def group_alive(pgid: int) -> bool:
    """True while a live process of process group pgid exists (each child of the server leads its own group)."""
    return pgid in _live_groups()


def wait_gone(pid: int, timeout: float = 30.0) -> bool:
    """Wait (on a pidfd: no polling) until process pid, not necessarily our child, has exited; True if it has."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([fd], [], [], timeout)[0])
    finally:
        os.close(fd)


def kill_leftovers(workshop: Workshop) -> None:
    """SIGKILL the server and every process carrying this run's mark: a failed test must not leave any behind."""
    for pid in marked_processes(workshop.mark):  # the server too, while it lives
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        workshop.process.wait(timeout=10)
