"""diagnose(result): one word from a fixed vocabulary and one plain sentence with the numbers."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import activations
from .analysis import Dynamics, FixedPoint, dynamics, fixed_point
from .config import L_MAX, instance
from .engine import Result
from .witnesses import reference_run

# The word follows the per-step rate m, the geometric mean of |dh_t/dh_{t-1}| = |wh act'(a_t)| over the run, not
# the length: a factor of 10 per step is exploding at L = 1 as at L = 100; the sentence says how far it has got.
# m counts as 1 ("stable") within 10^(+-1/L_MAX): a rate so close to 1 that even the longest run the lab allows
# (2000 steps) changes the gain less than tenfold. wh = 0.99 is vanishing (0.99^2000 = 2e-9), wh = 1 stable.
STABLE_RATE = (10 ** (-1 / L_MAX), 10 ** (1 / L_MAX))

VOCABULARY: dict[str, str] = {
    "overflow": "a value became inf or NaN, so the gradient is not a number you can use",
    "cancelled": "the loss rounded to exactly 0 although y_L differs from its target",
    "no signal": "the loss sends no gradient into h: the loss is exactly 0 by construction (offset 0, or y_L on "
                 "its fixed target) or wy = 0",
    "dead": "the activation's slope is exactly 0 at some step (relu off, or wh = 0): no gradient flows back",
    "underflow": "the gain is non-zero in exact math but rounded to exactly 0 in this dtype",
    "saturated": "tanh/sigmoid could amplify (|wh| x its peak slope > 1) but the state sits where the slope is "
                 "small, so each step shrinks the gradient",
    "vanishing": "each step multiplies the gradient by less than 1 on average (|dh_t/dh_{t-1}| < 1; |wh act'| in "
                 "the plain cell)",
    "exploding": "each step multiplies the gradient by more than 1 on average (|dh_t/dh_{t-1}| > 1; |wh act'| in "
                 "the plain cell)",
    "stable": f"each step multiplies the gradient by 1 on average (within 10^±1/{L_MAX}): neither shrinks nor grows",
}
SMALLEST = {"float32": "1.4e-45", "float64": "4.9e-324"}
LARGEST = {"float32": "3.4e+38", "float64": "1.8e+308"}


def compact(x: float) -> str:
    """A number in few characters: 0.394, 1.72, 1.0e4, 2.0e-10 (exponents without padding); 0, inf, NaN."""
    if np.isnan(x):
        return "NaN"
    if x == 0 or not np.isfinite(x):
        return f"{x:g}"
    if 1e-3 <= abs(x) < 1e3:
        return f"{x:.3g}"
    if 1e3 <= abs(x) < 1e4:
        return f"{x:.0f}"
    mantissa, exponent = f"{x:.1e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def power(log10: float) -> str:
    """10^x in few characters: as a number when one fits (10^0.0 is 1, 10^27.3 is 2.0e27), else 10^2000.0."""
    return compact(10.0 ** log10) if abs(log10) < 300 else f"10^{log10:.1f}"


@dataclass(frozen=True)
class Diagnosis:
    """A word from VOCABULARY, a sentence explaining it, and the gain behind it."""

    word: str
    explanation: str
    log10_gain: float  # log10 |dh_L/dh_0|, exact in float64 even where the product under/overflows
    mean_factor: float  # the per-step rate: |dh_t/dh_{t-1}| averaged geometrically over the L steps
    fixed_point: FixedPoint | None = None  # where a saturating unit's state settled, if it did


def diagnose(result: Result, dyn: Dynamics | None = None, reference: Result | None = None) -> Diagnosis:
    """Classify a Result; the first rule that applies wins, in VOCABULARY's order.

    dyn is dynamics(result) and reference the float64 run of the same setting; each is computed here
    when not given (a Report passes both, so that a setting is computed once).
    """
    instance("result", result, Result, "run(config) returns one")
    instance("dyn", dyn, Dynamics, "dynamics(result) returns one", allow_none=True)
    instance("reference", reference, Result, "the float64 run(config) of the same setting", allow_none=True)
    cfg = result.config
    dyn = dyn or dynamics(result)
    factors, log_gain, mean = dyn.factors, dyn.log10_gain, dyn.mean_factor

    def verdict(word: str, sentence: str, settled: FixedPoint | None = None) -> Diagnosis:
        return Diagnosis(word, sentence, log_gain, mean, settled)

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
            fix = f"float64 would give dL/dh_init = {compact(better.grads['h_init'])}."
        else:
            fix = f"in exact math dL/dh_init = {power(exact)} ({cfg.dtype} cannot hold y_L − {cfg.offset:g} apart)."
        return verdict("cancelled", f"y_L = {compact(result.y_last)} and the target y_L − {cfg.offset:g} round to "
                                    f"the same {cfg.dtype}, so the loss and every gradient are exactly 0; {fix}")
    if result.loss == 0 or cfg.wy == 0:
        why = ("wy = 0, so y_L = 0·h_L ignores the hidden state: h_init, wh and wx get exactly 0 (only wy learns)"
               if cfg.wy == 0 else "offset = 0 makes the target equal y_L" if cfg.target is None
               else f"y_L is exactly on its target {cfg.target:g}")
        carry = (f"the gain dh_L/dh_0 = {power(log_gain)} is what would carry a signal if there were one"
                 if np.isfinite(log_gain) else "the gain dh_L/dh_0 is itself 0 here (a step factor is 0)")
        return verdict("no signal", f"No gradient reaches h: {why}; {carry}.")
    zero = np.flatnonzero(factors == 0)
    if zero.size and cfg.cell == "gru":
        t = int(zero[0]) + 1
        return verdict("dead", f"dh_{t}/dh_{t - 1} is exactly 0 at step {t}: the kept share 1 − z_{t} = "
                               f"{1 - result.gates[t - 1]:.3g} and the candidate's and gate's paths sum to 0 in "
                               f"{cfg.dtype}, so no gradient flows back past step {t}.")
    if zero.size:
        t = int(zero[0]) + 1
        if cfg.wh_init == 0:
            return verdict("dead", "wh = 0, so h_t forgets h_{t-1} completely: dh_t/dh_{t-1} = 0 at every step.")
        a_t, h_prev = result.preacts[t - 1], result.hidden[t - 1]
        if cfg.activation == "relu" and a_t == 0 and cfg.wx == 0 and h_prev != 0:
            # wh*h_{t-1} is non-zero in exact math (both are), so a_t = 0 is rounding
            return verdict("underflow", f"wh·h_{t - 1} = {cfg.wh_init:g} × {h_prev:.2g} is below the smallest "
                                        f"{cfg.dtype} ({SMALLEST[cfg.dtype]}) and rounded to exactly 0, so "
                                        f"relu's slope at step {t} is 0; in exact math the gradient is not zero.")
        if cfg.activation == "relu":
            return verdict("dead", f"relu's input a_{t} = {result.preacts[t - 1]:.2g} is not positive, so h_{t} = 0 "
                                   f"and its slope is 0: no gradient flows back through step {t}, and since h "
                                   "stays 0 the gradients that read it are exactly 0 too.")
        return verdict("saturated", f"{cfg.activation}'s slope at a_{t} = {result.preacts[t - 1]:.3g} rounds to "
                                    f"exactly 0 in {cfg.dtype}: the unit is fully saturated and passes no gradient.")
    gain = abs(dyn.gain[-1])
    if gain == 0:
        return verdict("underflow", f"The gain dh_L/dh_0 = {power(log_gain)} is below the smallest {cfg.dtype} "
                                    f"({SMALLEST[cfg.dtype]}), so it rounded to exactly 0; "
                                    "in exact math the gradient is not zero.")
    return _rate_verdict(result, dyn, verdict)


def _rate_verdict(result: Result, dyn: Dynamics, verdict) -> Diagnosis:
    """vanishing / saturated / exploding / stable, by the per-step rate, with how far the run has got."""
    cfg, L, mean = result.config, result.config.L, dyn.mean_factor
    act = activations.get(cfg.activation)
    gru = cfg.cell == "gru"
    steps = f"{L} step{'s' if L != 1 else ''}"
    so_far = f"after {steps} the gain |dh_L/dh_0| is {compact(abs(dyn.gain[-1]))}{_pace(mean)}"
    rate = "|dh_t/dh_{t-1}|" if gru else "|wh·act'|"
    gate = _gate_share(result) if gru else ""
    if STABLE_RATE[0] <= mean <= STABLE_RATE[1]:
        return verdict("stable", f"Each step multiplies the gradient by {mean:.4g} on average ({rate}): "
                                 f"{so_far}, so what h_0 sends reaches h_L undiminished.{gate}{_sums(result, dyn)}")
    if mean > 1:
        return verdict("exploding", f"×{compact(mean)} per step ({rate}): {so_far}, and every further step "
                                    f"multiplies it again.{gate}")
    settled = fixed_point(result) if act.saturates or gru else None
    long_range = _long_range_only(result)
    if gru:
        return verdict("vanishing", f"×{compact(mean)} per step ({rate}): {so_far}.{gate}{long_range}", settled)
    if act.saturates and abs(cfg.wh_init) * act.max_slope > 1:
        # could amplify at peak slope (Pascanu et al. 2013, sec. 2.1) but the state sits where the slope is small
        where = (f"the state settles at the fixed point h* = {settled.h:.4g}, where {cfg.activation}'s slope is "
                 f"{settled.slope:.3g}, so each step there multiplies by |wh·{cfg.activation}'| = "
                 f"{abs(settled.factor):.3g} < 1" if settled else
                 f"{cfg.activation}'s slope averages {mean / abs(cfg.wh_init):.3g} along the way, so each step "
                 f"multiplies by {compact(mean)} on average")
        return verdict("saturated", f"|wh| × peak slope = {abs(cfg.wh_init) * act.max_slope:.3g} > 1 could "
                                    f"amplify, yet {where}: {so_far}.{long_range}", settled)
    why = (f" |wh| × {cfg.activation}'s peak slope = {abs(cfg.wh_init) * act.max_slope:.3g} is at most 1, so no "
           "state can make a step amplify." if act.saturates else "")
    return verdict("vanishing", f"×{compact(mean)} per step (|wh·act'|): {so_far}.{why}{long_range}", settled)


def _gate_share(result: Result) -> str:
    """The gru's update gate along the run: how much of h_{t-1} each step keeps, the additive part of its factor."""
    z = result.gates.astype(np.float64)
    spread = f" (from {z.min():.3g} to {z.max():.3g})" if z.max() - z.min() > 5e-4 else ""
    own = " (0 here, as wz = 0)" if result.config.wz == 0 else ""
    return (f" The update gate writes z = {z.mean():.3g} of the new candidate per step on average{spread}, so each "
            f"step's factor starts from the kept share 1 − z = {1 - z.mean():.3g}, plus the candidate's path z·act'·wh "
            f"and the gate's own{own}.")


def _pace(mean: float) -> str:
    """How many steps a tenfold change takes at this rate: a slow drift reads differently from ×10 per step."""
    if not np.isfinite(mean) or mean <= 0 or STABLE_RATE[0] <= mean <= STABLE_RATE[1]:
        return ""
    steps = 1 / abs(np.log10(mean))
    if steps < 2:
        return ""
    return f" ({'growing' if mean > 1 else 'shrinking'} tenfold every {steps:.0f} steps)"


def _long_range_only(result: Result) -> str:
    """Say so when only the long-range part vanishes: dL/dwy reads h_L directly, through no product of factors."""
    wy, h_init = abs(result.grads["wy"]), abs(result.grads["h_init"])
    if np.isfinite(wy) and wy > 0 and wy >= 100 * h_init:
        return (f" Only the long-range part vanishes: dL/dwy = {compact(result.grads['wy'])} reads h_L "
                "directly, through no product of factors.")
    return ""


def _sums(result: Result, dyn: Dynamics) -> str:
    """At a rate of 1, dL/dwh still grows with L: it sums one term per step (2L at wh = 1 for the seed's relu)."""
    terms = dyn.wh_terms
    if len(terms) > 1 and np.all(np.isfinite(terms)) and np.ptp(terms) <= 1e-6 * np.max(np.abs(terms)):
        return (f" dL/dwh = {compact(result.grads['wh'])} still grows with L: it adds {len(terms)} equal terms "
                f"of {compact(float(terms[0]))}, one per step.")
    return ""
