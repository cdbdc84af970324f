"""Warm the caches a room's first visitors would otherwise wait for, once per server process, in the background.

The first page of the first session starts one low-priority thread that computes what every page shows at its
defaults, the lessons, the training presets and the exercises' answers, through the very cached functions the
pages call (so the cache keys match). It never delays a page: pages do not wait for it, and on Linux the thread
runs at the lowest CPU priority (torch releases the GIL while it computes). A page that asks for something before
the thread has got to it just computes it itself, as without warm-up. Last, it takes the heap it has built out of
the cyclic garbage collector's walks (gc.freeze), which keeps a busy room's reruns from slowing each other down.
"""
from __future__ import annotations

import gc
import logging
import os
import threading
import time

from ..charts.sweep import MINI
from ..core.names import ACTIVATION_NAMES
from ..core.train import TRAINING_PRESETS
from . import cached, memory_runs, training_runs
from .controls import config_from, defaults
from .exercise_list import EXERCISES
from .lessons import LESSONS, lesson_values, training_preset_values
from .sweep_inputs import parse_wh_list

_started = threading.Lock()
_done: dict[str, float] = {}  # what was warmed, and the seconds it took (read by tests and the closing report)
_LOG = logging.getLogger(__name__)


def start() -> bool:
    """Start the warm-up thread if this process has not yet; True if this call started it.

    TINYRNN_WARMUP=0 turns it off (the AppTest suite does: it runs many apps in one process).
    """
    if os.environ.get("TINYRNN_WARMUP", "1") == "0" or not _started.acquire(blocking=False):
        return False
    threading.Thread(target=_run, name="tinyrnn-warmup", daemon=True).start()
    return True


def _lowest_priority() -> None:
    """Let every page's thread go first: nice 19 for this thread (Linux sets niceness per thread)."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
    except (AttributeError, OSError, PermissionError):  # not Linux, or not allowed: warm at normal priority
        pass


def _freeze_the_heap() -> None:
    """Move every object alive now (torch, pandas, Altair, Streamlit, the warmed caches: about the whole heap) out
    of the cyclic garbage collector's reach, once, after a full collection.

    Why: Python's full (generation 2) collection walks every tracked object, and this heap makes each walk cost
    about 130 ms. A room's overlapping reruns keep more young objects alive across collections, so more reach
    generation 2 and full collections come more often: measured (benchmarks/bench_room.py, Explorer, 30 sessions
    moving a slider every 2 s, one process, 2 cores) 85 ms of CPU per rerun and p95 2954 ms without the freeze,
    45-53 ms and p95 61-66 ms with it. Frozen objects are still freed by reference counting when dropped; only a
    reference cycle among them would stay (gc.collect() first clears those that exist now).
    """
    gc.collect()
    gc.freeze()


def _run() -> None:
    _lowest_priority()
    for name, job in _jobs():
        start = time.perf_counter()
        try:
            job()
        except Exception:  # a warm-up that fails costs nothing but its own time: the page computes it itself
            _LOG.exception("warm-up of %s failed", name)
            continue
        _done[name] = time.perf_counter() - start
    _freeze_the_heap()
    # one line in the server's log: what a room's first visitors no longer wait for
    print(f"tinyrnn warm-up done in {sum(_done.values()):.1f} s: " +
          ", ".join(f"{name} {seconds:.2f} s" for name, seconds in _done.items()), flush=True)


def _jobs():
    """(name, job) in the order a room meets them: Home, the Explorer, Sweep, Training, Memory, the rest."""
    base = config_from(defaults())
    yield "home", lambda: (cached.seed("float32"), cached.seed("float64"))
    yield "explorer", lambda: cached.report(base)
    yield "sweep", lambda: _sweep(base)
    yield "training", _training
    yield "memory", _memory
    for slug in LESSONS:
        yield f"lesson {slug}", lambda slug=slug: cached.report(config_from(lesson_values(slug)))
    for ex in EXERCISES:
        yield f"exercise {ex.number}", lambda n=ex.number: cached.answer(n)


def _sweep(base) -> None:
    values = defaults("sweep")
    span, res, param = float(values["span"]), int(values["res"]), values["param"]
    cached.lines(base, tuple(parse_wh_list(values["whs"])[0]), param)  # the page's own parsing: same cache key
    cached.phase(base, span, res, param)
    for act in ACTIVATION_NAMES:
        cached.phase(base.replace(activation=act), span, MINI, param)


def _training() -> None:
    for v in [defaults("training"), *(training_preset_values(name) for name in TRAINING_PRESETS)]:
        cfg = config_from(v).replace(target=v["target"])  # as the page builds it
        params = tuple(v["train"])
        plain, _ = (training_runs.trained(cfg, int(v["steps"]), float(v["lr"]), clip, v["clip_mode"], params,
                                          lambda step: None) for clip in (None, float(v["clip"])))
        training_runs.probe(cfg, float(v["lr"]), params, plain)  # a training run too short to hold the probe


def _memory() -> None:
    values = defaults("memory")
    activation, init = memory_runs.PLAIN_STARTS[values["plain"]]
    name, lr = memory_runs.OPTIMIZERS[values["opt"]]
    choice = memory_runs.Choice(memory_runs.GATED_STARTS[values["gate"]], activation, init, name, lr,
                                int(values["seeds"]))
    memory_runs.train_both(choice, memory_runs.Progress())
