"""How one training run ended, in words that claim only what its numbers show."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .config import Config
from .diagnosis import compact, diagnose
from .engine import run


def outcome(frame: pd.DataFrame, config: Config) -> tuple[str, str]:
    """(kind, sentence) for a train() frame started from config.

    kind is one of KINDS: cannot start, diverged, nothing to learn, moving target, stuck, converged, blowing up,
    oscillating, still learning, levelled off.
    A zero gradient is explained by diagnosing the run at the point training reached (dead unit, underflow, ...).
    """
    last, first = frame.iloc[-1], frame.iloc[0]
    finite = bool(np.isfinite(last.loss) and np.isfinite(last.grad_norm))
    dtype = config.dtype
    if len(frame) == 1 and not finite:
        return ("cannot start", f"at the starting point the forward pass already gives loss {compact(last.loss)} "
                                f"and |gradient| {compact(last.grad_norm)} (y_L overflows {dtype}), so no step "
                                "size or clipping can help. Lower L or |wh|, or switch to float64.")
    if not finite:
        return ("diverged", f"the loss became {compact(last.loss)} at step {int(last.step)}, after the gradient norm "
                            f"reached {compact(frame.grad_norm.iloc[-2])}; training stopped there.")
    if first.loss == 0:
        return ("nothing to learn", "y_L already equals the target, so the loss is 0 from the start. Move the "
                                    "target or a parameter.")
    steps = int(last.step)
    if config.target is None:
        # loss = (y_L - (y_L.detach() - offset))^2 = offset^2 at every point; its gradient 2*offset*dy_L/dtheta
        # only moves y_L (down for a positive offset), so no run can lower it
        way = "down" if config.offset > 0 else "up"
        return ("moving target", f"the seed's target y_L − offset moves with y_L, so the loss is offset² = "
                                 f"{compact(config.offset ** 2)} at every point (from {compact(first.loss)} to "
                                 f"{compact(last.loss)} here); its gradient only pushes y_L {way}. Fix a target "
                                 "to train towards.")
    if last.grad_norm == 0 and last.loss > 1e-12:
        reached = config.with_values(**{p: float(last[p]) for p in config.params if p in frame.columns})
        why = diagnose(run(reached))
        return ("stuck", f"at loss {compact(last.loss)} the gradient is exactly 0, so no learning rate can move it: "
                         f"{why.word} where it stopped ({why.explanation[0].lower()}{why.explanation[1:]})")
    if last.loss <= 1e-6 * first.loss:
        return ("converged", f"the loss fell from {compact(first.loss)} to {compact(last.loss)} in {steps} steps.")
    tail = frame.loss.to_numpy()[-max(5, len(frame) // 4):]
    zigzag = tail.max() > 2 * tail.min() and bool(np.any(np.diff(tail) > 0))
    early, late = tail[: len(tail) // 2], tail[len(tail) // 2:]
    if late.max() > 2 * early.max() and last.loss > first.loss:  # each overshoot lands further up the walls
        return ("blowing up", f"the loss grew from {compact(first.loss)} to {compact(last.loss)} in {steps} steps "
                              f"(over the last {len(tail)} steps it swings up to {compact(tail.max())}): each step "
                              "overshoots further.")
    if zigzag and not (late.max() < early.max() and late.min() < early.min()):  # swings that do not shrink
        return ("oscillating", f"over the last {len(tail)} steps the loss swings between {compact(tail.min())} and "
                               f"{compact(tail.max())}: the steps overshoot. Try a smaller learning rate (or "
                               "clipping threshold).")
    if tail[-1] < 0.99 * tail[0]:
        how = "zig-zagging down" if zigzag else "still falling"  # a zig-zag whose highs and lows both fall
        return ("still learning", f"the loss went from {compact(first.loss)} to {compact(last.loss)} in {steps} "
                                  f"steps and was {how} at the end ({compact(tail[0])} to {compact(tail[-1])} over "
                                  f"the last {len(tail)} steps): try more steps.")
    reached = config.with_values(**{p: float(last[p]) for p in config.params if p in frame.columns})
    why = diagnose(run(reached))
    cause = (f" Where it stopped the gradient is {why.word}: {why.explanation[0].lower()}{why.explanation[1:]}"
             if why.word in ("vanishing", "saturated", "underflow") else
             " Try a larger learning rate, other trained parameters or another start.")
    return ("levelled off", f"the loss went from {compact(first.loss)} to {compact(last.loss)} in {steps} steps but "
                            f"changed by less than 1% over the last {len(tail)} steps (|gradient| now "
                            f"{compact(last.grad_norm)}): at this step size progress is slow.{cause}")


KINDS = ("cannot start", "diverged", "nothing to learn", "moving target", "stuck", "converged", "blowing up",
         "oscillating", "still learning", "levelled off")
