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


def _norm(x: float) -> str:
    return "NaN" if np.isnan(x) else f"{x:.3g}"


PROBE_STEPS = 5  # unclipped updates the rule of thumb averages


def probe(cfg: Config, lr: float, params: tuple, plain: pd.DataFrame | None = None) -> pd.DataFrame:
    """Plain SGD's first PROBE_STEPS updates. They are the first rows of the page's own plain run (the same start,
    rate and parameters, and nothing in an SGD step depends on how many follow), so a run that long is read, not
    trained again: at L = 2000 a separate probe cost 5 x 2000 more work units, a third of the page's budget."""
    if plain is not None and (len(plain) > PROBE_STEPS or not np.isfinite(plain.loss.iloc[-1])):
        return plain
    return _trained(cfg, PROBE_STEPS, lr, None, "norm", params)


def clip_heuristic(probe_run: pd.DataFrame, clip: float) -> str:
    """Pascanu et al.'s rule of thumb for the threshold, in words, with when it means nothing.

    probe_run: plain SGD from probe(). The paper takes the average norm over a sufficiently large number of
    unclipped updates and suggests half to ten times that; the lab probes 5 updates, so it says so. When those
    norms jump, hit exactly 0 (plain SGD is stuck) or inf/NaN (it diverged), it lists them and says which of them
    the average counts.
    """
    norms = probe_run.grad_norm.to_numpy()[:PROBE_STEPS]
    steps = probe_run.step.to_numpy()[:PROBE_STEPS]
    counted = np.isfinite(norms) & (norms > 0)
    finite = norms[counted]
    listed = ", ".join(_norm(x) for x in norms)
    rule = "Pascanu et al.'s rule of thumb (half to ten times the average unclipped norm)"
    why = []
    if finite.size > 1 and finite.max() / finite.min() > 100:
        why.append(f"they change {finite.max() / finite.min():.3g}-fold")
    if (norms == 0).any():
        why.append(f"from step {int(steps[norms == 0][0])} the gradient is exactly 0 (plain SGD is stuck)")
    if not np.isfinite(norms).all():
        bad = ~np.isfinite(norms)
        why.append(f"at step {int(steps[bad][0])} it is {_norm(norms[bad][0])} (plain SGD diverged there)")
    seen = f"plain SGD's gradient norms at steps 0 to {int(steps[-1])} are {listed}" if len(norms) > 1 else \
        f"plain SGD's gradient norm at step 0 is {listed}"
    if finite.size == 0:
        return (f"{rule} has nothing to average here: {seen}; "
                f"{'; '.join(why)}. You chose {clip:g}.")
    if why:
        return (f"{rule} means nothing here: {seen}; "
                f"{'; '.join(why)}. The average of the {finite.size} finite non-zero "
                f"{'ones' if finite.size > 1 else 'one'} ({finite.mean():.3g}) says nothing about a threshold. "
                f"You chose {clip:g}.")
    mean = finite.mean()
    return (f"Pascanu et al. suggest half to ten times the average unclipped norm over many updates; over the "
            f"first {finite.size} here it is {mean:.3g}, so {mean / 2:.3g} to {10 * mean:.3g}. You chose {clip:g}.")
