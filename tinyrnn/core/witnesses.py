"""Second witnesses for autograd: a closed form on linear pieces and float64 finite differences."""
from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from . import activations, cells
from .config import Config
from .engine import Result, run


def reference_run(config: Config) -> Result:
    """The same setting in float64: what both witnesses start from."""
    return run(config.replace(dtype="float64"))


def closed_form(config: Config, reference: Result | None = None) -> dict[str, float] | None:
    """Exact gradients in float64 when the trajectory stays on one linear piece of act, else None.

    reference is config's float64 run (computed here when not given): it tells which piece the states are on.
    The gated cell has none (its gate is a sigmoid at every step): None.
    """
    if config.cell == "gru":
        return None
    act = activations.get(config.activation)
    reference = reference or reference_run(config)
    a = reference.preacts.astype(np.float64)
    if act.linear_slopes is None or (np.any(a > 0) and np.any(a <= 0)):
        return None
    if act.linear_slopes[0] != act.linear_slopes[1] and np.any(a == 0):
        return None  # on the kink itself the slope is a convention, not a closed form
    s = act.linear_slopes[1] if a[0] > 0 else act.linear_slopes[0]
    L, h0, wh, wx, wy = config.L, config.h_init, config.wh_init, config.wx, config.wy
    W, B = np.float64(s * wh), np.float64(s * wx)  # on one piece, h_t = W h_{t-1} + B; numpy floats overflow
    # to inf (honestly) where Python floats would raise OverflowError
    k = np.arange(L, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        powers = W ** k  # W^0 .. W^{L-1}
        geometric = B * powers.sum() if B != 0 else 0.0  # 0 * inf would be NaN: with B = 0 the term is 0
        h_L = W ** L * h0 + geometric
        dh_dh0 = W ** L
        dh_dwh = s * (L * W ** (L - 1) * h0 + (B * np.sum(k[1:] * powers[:-1]) if B != 0 else 0.0))
        dh_dwx = s * powers.sum()
        g = 2.0 * config.offset if config.target is None else 2.0 * (wy * h_L - config.target)
        return {"h_init": g * wy * dh_dh0, "wh": g * wy * dh_dwh, "wy": g * h_L, "wx": g * wy * dh_dwx}


def finite_difference(config: Config, reference: Result | None = None, rel_step: float = 1e-7,
                      one_sided: bool = False) -> dict:
    """dL/dtheta = 2 (y_L - target) dy_L/dtheta, with dy_L/dtheta by central differences in float64.

    Differencing y_L rather than the loss keeps the step's own quadratic error (which is huge when
    y_L ~ 1e10 but the loss ~ 1) out of the witness; the target is held where the seed detaches it.
    With one_sided=True, returns {"central": ..., "up": ..., "down": ...}: the forward and backward
    differences differ when a relu kink lies within the step.
    """
    reference = reference or reference_run(config)
    base = reference.config
    dl_dy = 2.0 * (reference.y_last - reference.target)
    values = {p: base.value_of(p) for p in base.params}
    eps = {p: rel_step * max(1.0, abs(v)) for p, v in values.items()}
    # One batched pass: column 2i is param i nudged up, column 2i+1 nudged down.
    batch = {p: torch.full((2 * len(values),), v, dtype=torch.float64) for p, v in values.items()}
    for i, p in enumerate(values):
        batch[p][2 * i] += eps[p]
        batch[p][2 * i + 1] -= eps[p]
    with torch.no_grad():  # the cell's own step functions (cells.py), x_t = 1 at every step
        h = cells.run_sequence(base.cell, torch.ones(base.L, dtype=torch.float64), batch, base.activation)[-1]
        y = cells.readout(h, batch["wy"]).numpy()
    y0 = reference.y_last
    with np.errstate(invalid="ignore", over="ignore"):  # inf - inf is NaN: an overflowed run has no witness
        central = {p: float(dl_dy * (y[2 * i] - y[2 * i + 1]) / (2 * eps[p])) for i, p in enumerate(values)}
        up = {p: float(dl_dy * (y[2 * i] - y0) / eps[p]) for i, p in enumerate(values)}
        down = {p: float(dl_dy * (y0 - y[2 * i + 1]) / eps[p]) for i, p in enumerate(values)}
    return {"central": central, "up": up, "down": down} if one_sided else central


def witnesses(result: Result, reference: Result | None = None) -> pd.DataFrame:
    """Per parameter: autograd, closed form (float64, where one exists), finite differences, agreement.

    agree is "yes", "one-sided" (a kink lies within the difference step: the central difference
    straddles it, but autograd matches the forward or backward difference) or "no".
    """
    cfg = result.config
    reference = reference or reference_run(cfg)
    fd = finite_difference(cfg, reference, one_sided=True)
    closed = closed_form(cfg, reference) or {}
    rtol = 1e-3 if cfg.dtype == "float32" else 1e-6  # float32 rounding grows with L; float64 FD error ~1e-9
    scale = max((abs(v) for v in fd["central"].values() if np.isfinite(v)), default=1.0) or 1.0

    def close(a: float, b: float) -> bool:
        return bool(np.isfinite(a) and abs(a - b) <= rtol * max(abs(b), 1e-3 * scale))

    rows = []
    for p, auto in result.grads.items():
        central, up, down = fd["central"][p], fd["up"][p], fd["down"][p]
        kink = not close(up, down) and (close(auto, up) or close(auto, down))
        exact = closed.get(p)  # exact math: catches a rounding that float64 differences share (y_L ~ 1e20)
        agree = ("no" if exact is not None and not close(auto, exact) else
                 "yes" if close(auto, central) else "one-sided" if kink else "no")
        rows.append({"param": p, "autograd": auto, "closed_form": closed.get(p, np.nan),
                     "finite_difference": central, "agree": agree})
    return pd.DataFrame(rows)
