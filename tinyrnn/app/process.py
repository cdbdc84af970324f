"""Choices that belong to the whole server process, not to one session: made once, by the first page to start.

torch's intra-op threads: one. The engine's tensors are small (one value per step, or one row per wh), so a second
thread has little to split and, on a shared machine, spins waiting for the first: measured for the budgets
(core/budget.py) at load 5, one forward sweep took 1.7 s of CPU on one thread and 10.2 s on two. A workshop server
runs many sessions at once, so its parallelism is across requests (threads, processes), not inside one.
TINYRNN_TORCH_THREADS overrides it (a laptop with idle cores and one user may prefer more).
"""
from __future__ import annotations

import os
import threading

from ..core.torch_threads import set_threads

_configured = threading.Lock()


def configure() -> bool:
    """Set the process-wide choices once; True if this call set them."""
    if not _configured.acquire(blocking=False):
        return False
    set_threads(torch_threads())
    return True


def torch_threads() -> int:
    """TINYRNN_TORCH_THREADS if it is a whole number of at least 1, else 1."""
    raw = os.environ.get("TINYRNN_TORCH_THREADS", "1").strip()
    return int(raw) if raw.isdigit() and int(raw) >= 1 else 1
