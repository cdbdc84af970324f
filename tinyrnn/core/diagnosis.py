"""diagnose(result): one word from a fixed vocabulary and one plain sentence with the numbers."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from . import activations
from .analysis import Dynamics, dynamics
from .engine import Result
from .witnesses import reference_run

# The gain G = |dh_L/dh_0| is how much a nudge to h_0 still moves h_L after L steps.
# We call it vanishing/exploding past 10^-4.5 / 10^4.5: beyond four orders of magnitude, and
# halfway in log scale to five, so the seed's wh = 0.1 and 10 rows flip at L = 5 rather than
# on a rounding hair at L = 4 (0.1 in float32 is 0.10000000149).
GAIN_VANISHING = 10 ** -4.5
GAIN_EXPLODING = 10 ** 4.5

VOCABULARY: dict[str, str] = {
    "overflow": "a value became inf or NaN, so the gradient is not a number you can use",
    "cancelled": "the loss rounded to exactly 0 although y_L differs from its target",
    "no signal": "the loss sends no gradient into h: the loss is exactly 0 by construction (offset 0, or y_L on "
                 "its fixed target) or wy = 0",
    "dead": "the activation's slope is exactly 0 at some step (relu off, or wh = 0): no gradient flows back",
    "underflow": "the gain is non-zero in exact math but rounded to exactly 0 in this dtype",
    "saturated": "tanh/sigmoid sit where their slope is under half its peak, so the gradient vanishes although "
                 "|wh| >= 1",
    "vanishing": f"the gain |dh_L/dh_0| is below {GAIN_VANISHING:.1e}",
    "exploding": f"the gain |dh_L/dh_0| is above {GAIN_EXPLODING:.1e}",
    "stable": f"the gain |dh_L/dh_0| stays between {GAIN_VANISHING:.1e} and {GAIN_EXPLODING:.1e}",
}
SMALLEST = {"float32": "1.4e-45", "float64": "4.9e-324"}
LARGEST = {"float32": "3.4e+38", "float64": "1.8e+308"}


def _peak_slope(act) -> float:
    """act'(0): the steepest slope of tanh (1) and sigmoid (1/4)."""
    zero = torch.zeros(1, dtype=torch.float64)
    return float(act.slope(zero, act.fn(zero)))


@dataclass(frozen=True)
class Diagnosis:
    """A word from VOCABULARY, a sentence explaining it, and the gain behind it."""

    word: str
    explanation: str
    log10_gain: float  # log10 |dh_L/dh_0|, exact in float64 even where the product under/overflows
    mean_factor: float  # the per-step factor |wh act'| averaged geometrically over the L steps


def diagnose(result: Result, dyn: Dynamics | None = None, reference: Result | None = None) -> Diagnosis:
    """Classify a Result; the first rule that applies wins, in VOCABULARY's order.

    dyn is dynamics(result) and reference the float64 run of the same setting; each is computed here
    when not given (a Report passes both, so that a setting is computed once).
    """
    cfg, L = result.config, result.config.L
    dyn = dyn or dynamics(result)
    factors, log_gain = dyn.factors, dyn.log10_gain
    mean = float(10 ** (log_gain / L)) if np.isfinite(log_gain) else float(np.nan if np.isnan(log_gain) else 0.0)

    def verdict(word: str, sentence: str) -> Diagnosis:
        return Diagnosis(word, sentence, log_gain, mean)

    values = np.concatenate([result.hidden, result.outputs, [result.loss], list(result.grads.values())])
    if not np.all(np.isfinite(values)):
        bad = np.flatnonzero(~np.isfinite(result.hidden))
        where = (f"h_{bad[0]} = {result.hidden[bad[0]]}" if bad.size else "the loss or a gradient")
        return verdict("overflow", f"{where} is beyond the largest {cfg.dtype} ({LARGEST[cfg.dtype]}), "
                                   "so the loss and gradients are inf or NaN: no usable step.")
    if cfg.target is None and cfg.offset != 0 and result.loss == 0:
        exact = np.log10(abs(2 * cfg.offset * cfg.wy)) + log_gain  # dL/dh_init = 2 offset wy dh_L/dh_0
        better = (reference or reference_run(cfg)) if cfg.dtype == "float32" else None
        if better is not None and better.loss != 0:
            fix = f"float64 would give dL/dh_init = {better.grads['h_init']:.1e}."
        else:
            fix = f"in exact math dL/dh_init = 10^{exact:.1f} ({cfg.dtype} cannot hold y_L - {cfg.offset:g} apart)."
        return verdict("cancelled", f"y_L = {result.y_last:.1e} and the target y_L - {cfg.offset:g} round to the "
                                    f"same {cfg.dtype}, so the loss and every gradient are exactly 0; {fix}")
    if result.loss == 0 or cfg.wy == 0:
        why = ("wy = 0, so y_L = 0·h_L ignores the hidden state: h_init, wh and wx get exactly 0 (only wy learns)"
               if cfg.wy == 0 else "offset = 0 makes the target equal y_L" if cfg.target is None
               else f"y_L is exactly on its target {cfg.target:g}")
        carry = (f"the gain dh_L/dh_0 = 10^{log_gain:.1f} is what would carry a signal if there were one"
                 if np.isfinite(log_gain) else "the gain dh_L/dh_0 is itself 0 here (a step factor is 0)")
        return verdict("no signal", f"No gradient reaches h: {why}; {carry}.")
    zero = np.flatnonzero(factors == 0)
    if zero.size:
        t = int(zero[0]) + 1
        if cfg.wh_init == 0:
            return verdict("dead", "wh = 0, so h_t forgets h_{t-1} completely: dh_t/dh_{t-1} = 0 at every step.")
        a_t, h_prev = result.preacts[t - 1], result.hidden[t - 1]
        if cfg.activation == "relu" and a_t == 0 and cfg.wx == 0 and h_prev != 0:
            # wh*h_{t-1} is non-zero in exact math (both are), so a_t = 0 is rounding
            return verdict("underflow", f"wh*h_{t - 1} = {cfg.wh_init:g} x {h_prev:.2g} is below the smallest "
                                        f"{cfg.dtype} ({SMALLEST[cfg.dtype]}) and rounded to exactly 0, so "
                                        f"relu's slope at step {t} is 0; in exact math the gradient is not zero.")
        if cfg.activation == "relu":
            return verdict("dead", f"relu's input a_{t} = {result.preacts[t - 1]:.2g} is not positive, so h_{t} = 0 "
                                   f"and its slope is 0: no gradient reaches h_init or wh through step {t}.")
        return verdict("saturated", f"{cfg.activation}'s slope at a_{t} = {result.preacts[t - 1]:.3g} rounds to "
                                    f"exactly 0 in {cfg.dtype}: the unit is fully saturated and passes no gradient.")
    gain = abs(dyn.gain[-1])
    if gain == 0:
        return verdict("underflow", f"the gain dh_L/dh_0 = 10^{log_gain:.1f} is below the smallest {cfg.dtype} "
                                    f"({SMALLEST[cfg.dtype]}), so it rounded to exactly 0; "
                                    "in exact math the gradient is not zero.")
    per_step = f"each step multiplies the gradient by about {mean:.3g} (|wh * act'|)"
    if log_gain < np.log10(GAIN_VANISHING):
        act = activations.get(cfg.activation)
        slope = mean / abs(cfg.wh_init) if cfg.wh_init else 0.0
        if act.saturates and abs(cfg.wh_init) >= 1 and slope < 0.5 * _peak_slope(act):
            return verdict("saturated", f"{cfg.activation} is saturated: its slope averages {slope:.3g}, "
                                        f"so {per_step} although |wh| = {abs(cfg.wh_init):g}; "
                                        f"after L={L} steps the gain is {gain:.1e}.")
        return verdict("vanishing", f"{per_step.capitalize()}, so after L={L} steps what h_0 sends reaches h_L "
                                    f"scaled by {gain:.1e}.")
    if log_gain > np.log10(GAIN_EXPLODING):
        return verdict("exploding", f"{per_step.capitalize()}, so after L={L} steps what h_0 sends reaches h_L "
                                    f"multiplied by {gain:.1e}.")
    return verdict("stable", f"{per_step.capitalize()}; after L={L} steps the gain dh_L/dh_0 = {gain:.3g} "
                             f"stays within 10^±4.5.")
