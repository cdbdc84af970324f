"""How one training run ended, in words that claim only what its numbers show."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .config import Config
from .diagnosis import compact, diagnose
from .engine import run


def outcome(frame: pd.DataFrame, config: Config, lr: float, clip: float | None = None, clip_mode: str = "norm",
            largest_lr: float = 2.0) -> tuple[str, str]:
    """(kind, sentence) for a train() frame started from config with this learning rate and clipping.

    kind is one of KINDS: cannot start, diverged, nothing to learn, moving target, stuck, converged, blowing up,
    oscillating, still learning, vanished, levelled off. largest_lr: the largest learning rate worth suggesting
    (the caller's menu); a gradient so small that even it would not move the parameters is "vanished".
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
    return _levelled(frame, config, len(tail), lr, clip, clip_mode, largest_lr)


MOVE = 0.01  # a parameter change that is visible on the parameter chart: what "moving them at all" means below


def _levelled(frame: pd.DataFrame, config: Config, n: int, lr: float, clip: float | None, clip_mode: str,
              largest_lr: float) -> tuple[str, str]:
    """A run whose loss ends its last n rows within 1% of where they began: why, from the numbers of those rows."""
    first, last, tail = frame.iloc[0], frame.iloc[-1], frame.iloc[-n:]
    steps, loss = int(last.step), tail.loss.to_numpy()
    head = (f"the loss went from {compact(first.loss)} to {compact(last.loss)} in {steps} steps and over the last "
            f"{n} steps ended within 1% of where it began")
    swings = bool(np.any(np.diff(loss) > 0))  # a step that raised the loss: longer than the slope allows
    swing = f", rising and falling between {compact(loss.min())} and {compact(loss.max())} on the way" if swings else ""
    updates = tail.clipped.to_numpy()[:-1]  # row k's flag is update k+1's; the last row's gradient is never applied
    if clip is not None and updates.any():
        step = lr * clip
        length = (f"a step of length lr × threshold = {compact(step)}" if clip_mode == "norm" else
                  f"a step of at most lr × threshold = {compact(step)} per parameter")
        which = (f"every one of its last {updates.size} updates was clipped" if updates.all() else
                 f"{int(updates.sum())} of its last {updates.size} updates were clipped")
        advice = (" A step that raises the loss is too long: try a smaller one (a lower learning rate or threshold)."
                  if swings else " Longer steps (a larger learning rate or threshold) would move faster.")
        return ("levelled off", f"{head}{swing}: {which}, each to {length} whatever the gradient.{advice}")
    trained = [p for p in config.params if p in frame.columns]
    g = float(np.nanmax(tail.grad_norm.to_numpy()))
    moved = float(np.max(np.abs(tail[trained].to_numpy() - tail[trained].to_numpy()[0]))) if trained else 0.0
    needed = MOVE / (steps * g) if g > 0 else np.inf  # the lr at which `steps` steps of length lr*g add up to MOVE
    cause = _cause(config, frame)
    if needed > largest_lr:
        how = "they did not change at all" if moved == 0 else f"they moved by at most {compact(moved)}"
        return ("vanished", f"{head}: the gradient has vanished. |gradient| was at most {compact(g)} over those steps, "
                            f"so each step moved the parameters by at most lr × |gradient| = {compact(lr * g)} ({how});"
                            f" moving them even {MOVE} in {steps} steps would take a learning rate of about "
                            f"{compact(needed)}, beyond the largest here ({largest_lr:g}), so no learning rate fixes "
                            f"this.{cause}")
    advice = (" A step that raises the loss is too long: try a smaller learning rate." if swings else
              " Try a larger learning rate, other trained parameters or another start.")
    return ("levelled off", f"{head}{swing} (|gradient| now {compact(last.grad_norm)}).{advice}{cause}")


def _cause(config: Config, frame: pd.DataFrame) -> str:
    """The diagnosis where training stopped, when it says the gradient through time is small."""
    last = frame.iloc[-1]
    reached = config.with_values(**{p: float(last[p]) for p in config.params if p in frame.columns})
    why = diagnose(run(reached))
    return (f" Where it stopped the gradient is {why.word}: {why.explanation[0].lower()}{why.explanation[1:]}"
            if why.word in ("vanishing", "saturated", "underflow") else "")


KINDS = ("cannot start", "diverged", "nothing to learn", "moving target", "stuck", "converged", "blowing up",
         "oscillating", "still learning", "vanished", "levelled off")
