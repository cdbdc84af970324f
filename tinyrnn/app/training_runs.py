"""Training runs cached for the whole process: a room of people clicking one preset trains it once.

No UI imports: a session passes its own progress callback, kept thread-local (sessions are threads).
Cached frames are shared between sessions: read them, never modify them in place.
"""
from __future__ import annotations

import functools
import threading
from collections.abc import Callable

import numpy as np
import pandas as pd

from ..core import train
from ..core.config import Config

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
def clip_heuristic(cfg: Config, lr: float, params: tuple, clip: float) -> str:
    """Pascanu et al.'s rule of thumb for the threshold, in words, with when it means nothing (cached like trained).

    The paper takes the average norm over a sufficiently large number of unclipped updates and suggests half to
    ten times that; the lab probes 5 updates, so it says so, and says when those 5 already diverge.
    """
    probe = train.train(cfg, steps=5, lr=lr, params=params)
    norms = probe.grad_norm.to_numpy()[:5]
    finite = norms[np.isfinite(norms) & (norms > 0)]
    if finite.size == 0:
        return "Pascanu et al.'s rule of thumb has nothing to average here: no finite non-zero gradient norm."
    spread = finite.max() / finite.min()
    if finite.size < norms.size or spread > 100:
        return (f"Pascanu et al.'s rule of thumb (half to ten times the average unclipped norm) means nothing here: "
                f"the first {norms.size} unclipped updates already diverge (norms from {finite.min():.3g} to "
                f"{finite.max():.3g}), so their average ({finite.mean():.3g}) only says that plain SGD blows up. "
                f"You chose {clip:g}.")
    mean = finite.mean()
    return (f"Pascanu et al. suggest half to ten times the average unclipped norm over many updates; over the "
            f"first {finite.size} here it is {mean:.3g}, so {mean / 2:.3g} to {10 * mean:.3g}. You chose {clip:g}.")
