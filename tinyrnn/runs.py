"""Training runs cached for the whole process: a room of people clicking one preset trains it once.

No UI imports: a session passes its own progress callback, kept thread-local (sessions are threads).
Cached frames are shared between sessions: read them, never modify them in place.
"""
from __future__ import annotations

import functools
import threading
from collections.abc import Callable

import pandas as pd

from .core import train
from .core.config import Config

_progress = threading.local()  # the calling session's progress callback; the cache below is shared by sessions


@functools.lru_cache(maxsize=64)
def _trained(cfg: Config, steps: int, lr: float, clip: float | None, clip_mode: str, params: tuple) -> pd.DataFrame:
    report = getattr(_progress, "report", None)
    return train.train(cfg, steps=steps, lr=lr, clip=clip, clip_mode=clip_mode, params=params,
                       on_step=(lambda step, row: report(step)) if report else None)


def trained(cfg: Config, steps: int, lr: float, clip: float | None, clip_mode: str, params: tuple,
            report: Callable[[int], None]) -> pd.DataFrame:
    """One SGD run, cached for every session (a room clicking one preset trains it once); report(step) on a miss.

    The frame is shared between sessions: read it, never modify it in place.
    """
    _progress.report = report
    try:
        return _trained(cfg, steps, lr, clip, clip_mode, params)
    finally:
        _progress.report = None


@functools.lru_cache(maxsize=64)
def clip_heuristic(cfg: Config, lr: float, params: tuple) -> str:
    """Pascanu's suggested threshold, in words (cached like trained)."""
    try:
        return f"≈ {train.suggest_clip(cfg, lr, params):.3g}"
    except ValueError as err:
        return f"unavailable ({err})"
