"""The special values a gradient can take, in one vocabulary: every page and chart says them with these words.

A computed 0 is one of three things: `exactly 0` (zero in exact math too: relu switched off, wh = 0, wy = 0, no
signal), `underflow` (non-zero in exact math, rounded to 0: a tiny gain below the smallest float) or `cancelled`
(the seed's loss (y_L - (y_L - offset))^2 rounded to 0, so every gradient is 0). inf and NaN are overflow.
"""
from __future__ import annotations

import numpy as np

STATUSES = ("finite", "exactly 0", "underflow", "cancelled", "inf", "NaN")
MEANING = {
    "finite": "an ordinary number",
    "exactly 0": "zero in exact math too (relu off, wh = 0, wy = 0 or no signal)",
    "underflow": "non-zero in exact math, rounded to 0 (below the smallest float)",
    "cancelled": "the seed's loss rounded to 0 (y_L and y_L - offset are the same float), so every gradient is 0",
    "inf": "beyond the largest float (overflow)",
    "NaN": "not a number (inf - inf or 0 * inf after an overflow)",
}


def classify(values, cancelled=False, exact_zero=True) -> np.ndarray:
    """Status of each value: NaN, inf, then for a computed 0: cancelled, exactly 0 (where exact_zero) or underflow.

    cancelled and exact_zero are booleans or arrays broadcasting against values.
    """
    v = np.asarray(values, dtype=np.float64)
    zero = v == 0
    return np.select([np.isnan(v), np.isinf(v), zero & cancelled, zero & exact_zero, zero],
                     ["NaN", "inf", "cancelled", "exactly 0", "underflow"], "finite")


def exact_zeros(activation: str, wh, wx: float, h_init: float, preacts: np.ndarray) -> dict[str, np.ndarray]:
    """Which computed zeros are zero in exact math, per parameter, for every (wh, L): arrays (L_max, n) of bool.

    preacts holds a_t (rows t = 1..L_max) for each wh (columns). The sign of a_t = wh*h_{t-1} + wx is exact
    in floating point (rounding never flips a sign) unless it rounds to 0, so relu switched off by a negative
    a_t is exact. Other slopes are never 0 in exact math, so a zero factor there needs wh = 0. A 0 that none
    of this explains (a product of non-zero factors rounded to 0) is underflow. Returned for "h_init", "wh",
    "wx" (a zero upstream aside, which the caller adds) and "wy" (h_L exactly 0).
    """
    wh = np.asarray(wh, dtype=np.float64)
    A = np.asarray(preacts, dtype=np.float64)
    relu = activation == "relu"
    holds_zero = activation in ("relu", "tanh", "identity", "leaky_relu")  # act(0) = 0 (sigmoid(0) = 1/2)
    state_zero = np.full(wh.shape, h_init == 0.0 and holds_zero)  # h_t is 0 in exact math
    dead_before = np.zeros(wh.shape, dtype=bool)  # an exact-zero factor at some step <= t
    all_zero_before = state_zero.copy()  # h_0 .. h_{t-1} all exactly 0: every term of dL/dwh is 0
    dead, slope_zero, h_zero, terms_zero = (np.empty(A.shape, dtype=bool) for _ in range(4))
    for t in range(A.shape[0]):
        a_zero = (state_zero | (wh == 0)) & (wx == 0)  # a_t = wh*h_{t-1} + wx is 0 in exact math
        if relu:  # relu'(a) = 0 for a <= 0 (PyTorch masks on h > 0); h_t = 0 then too
            off = (A[t] < 0) | a_zero | ((A[t] == 0) & (wx != 0))
            factor_zero, state_zero = off | (wh == 0), off
        else:
            factor_zero, state_zero = wh == 0, a_zero & holds_zero
        dead_before = dead_before | factor_zero
        last_slope_zero = off if relu else np.zeros(wh.shape, dtype=bool)
        dead[t], slope_zero[t], h_zero[t], terms_zero[t] = dead_before, last_slope_zero, state_zero, all_zero_before
        all_zero_before = all_zero_before & state_zero
    # dL/dh_init is a product of every factor; dL/dwh and dL/dwx are sums whose every term passes act'(a_L),
    # and each term of dL/dwh is a multiple of h_{t-1}.
    return {"h_init": dead, "wh": slope_zero | terms_zero, "wx": slope_zero, "wy": h_zero}
