"""Why a gradient is what it is: the per-step factors of one run, their products, and dL/dwh's terms in time."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from . import activations, cells
from .engine import Result


@dataclass(frozen=True)
class Dynamics:
    """The backward pass of one run, step by step (computed once per run by dynamics())."""

    factors: np.ndarray  # dh_t/dh_{t-1} = wh * act'(a_t) (plain; cells.gru_step_factor for the gru), t = 1..L
    # (float64 copy of the run-dtype value)
    gain: np.ndarray  # dh_t/dh_0, t = 0..L: the running product of factors, rounded in the run's dtype
    reach: np.ndarray  # dh_L/dh_t, t = 0..L: the product of factors t+1..L, what backprop carries from h_L to h_t
    log10_gain: float  # log10 |dh_L/dh_0| summed in float64: exact even where the product under/overflows
    wh_terms: np.ndarray  # c_t = dL/da_t * h_{t-1}, t = 1..L: what step t adds to dL/dwh
    dloss_dy: float  # dL/dy_L = 2 (y_L - target), rounded in the run's dtype as MSELoss's backward rounds it

    @property
    def mean_factor(self) -> float:
        """The geometric mean of |factor| over the L steps (0 if a factor is exactly 0, NaN if one is NaN)."""
        if np.isfinite(self.log10_gain):
            return float(10 ** (self.log10_gain / len(self.factors)))
        return float(np.nan if np.isnan(self.log10_gain) else 0.0 if self.log10_gain < 0 else np.inf)


def dynamics(result: Result) -> Dynamics:
    """Step factors, both products and the temporal terms of dL/dwh, from one run's stored states."""
    cfg = result.config
    dtype = cfg.torch_dtype
    a, h = torch.tensor(result.preacts, dtype=dtype), torch.tensor(result.hidden, dtype=dtype)
    wh = torch.tensor(cfg.wh_init, dtype=dtype)
    act = activations.get(cfg.activation)
    if cfg.cell == "gru":
        z, c = torch.tensor(result.gates, dtype=dtype), act.fn(a)  # the gate and the candidate at each step
        sens = cells.gru_sensitivities(h[:-1], z, c, act.slope(a, c))
        # dh_t/dh_{t-1} = (1 - z_t) + z_t act'(a_t) wh + (c_t - h_{t-1}) z_t (1 - z_t) wz
        factors = sens.keep + sens.cand * wh + sens.gate * torch.tensor(cfg.wz, dtype=dtype)
        slope = sens.cand  # dh_t/da_t: what the candidate's pre-activation passes on
    else:
        slope = act.slope(a, h[1:])  # act'(a_t) as autograd's kernel computes it
        factors = wh * slope  # dh_t/dh_{t-1} = wh * act'(a_t)
    one = torch.ones(1, dtype=dtype)
    gain = torch.cat([one, torch.cumprod(factors, 0)])  # dh_t/dh_0 = prod_{s<=t} factor_s
    reach = torch.cat([torch.flip(torch.cumprod(torch.flip(factors, [0]), 0), [0]), one])  # prod_{s>t} factor_s
    with np.errstate(divide="ignore"):
        log10_gain = float(np.sum(np.log10(np.abs(factors.double().numpy()))))
    y, target = torch.tensor(result.y_last, dtype=dtype), torch.tensor(result.target, dtype=dtype)
    dloss_dy = 2.0 * (y - target)
    upstream = dloss_dy * torch.tensor(cfg.wy, dtype=dtype)  # dL/dh_L
    terms = torch.empty_like(a)
    for t in range(cfg.L - 1, -1, -1):  # reverse time, as backprop walks it
        d_a = upstream * slope[t]  # dL/da_t = dL/dh_t * dh_t/da_t (act'(a_t) in the plain cell)
        terms[t] = d_a * h[t]  # da_t/dwh = h_{t-1}
        # dL/dh_{t-1} = dL/da_t * wh in the plain cell; the gru adds the kept share and the gate's path
        upstream = d_a * wh if cfg.cell == "plain" else upstream * factors[t]
    return Dynamics(factors=factors.double().numpy(), gain=gain.double().numpy(), reach=reach.double().numpy(),
                    log10_gain=log10_gain, wh_terms=terms.double().numpy(), dloss_dy=float(dloss_dy))


def step_frame(result: Result, dyn: Dynamics) -> pd.DataFrame:
    """Tidy per-step frame: t, a, h, y, factor dh_t/dh_{t-1}, gain dh_t/dh_0, reach dh_L/dh_t, dL/dwh term."""
    nan = np.array([np.nan])
    return pd.DataFrame({
        "t": np.arange(result.config.L + 1),
        "a": np.concatenate([nan, result.preacts.astype(np.float64)]),
        "h": result.hidden.astype(np.float64),
        "y": np.concatenate([nan, result.outputs.astype(np.float64)]),
        "factor": np.concatenate([nan, dyn.factors]),
        "gain": dyn.gain,
        "reach": dyn.reach,
        "wh_term": np.concatenate([nan, dyn.wh_terms]),
    })


@dataclass(frozen=True)
class FixedPoint:
    """A state the unit maps to itself, h* = act(wh*h* + wx*1) (or the gru's step), and the per-step factor there."""

    h: float
    slope: float  # act'(a*) at a* = wh*h* + wx (the candidate's, in the gru)
    factor: float  # dh_t/dh_{t-1} at h*: |factor| < 1 makes h* attract nearby states (and shrink the gradient)


def fixed_point(result: Result, tol: float = 1e-6) -> FixedPoint | None:
    """The fixed point h_t has settled at by t = L, found by Newton's method from h_L in float64.

    None when the trajectory has not settled: no fixed point within tol * (1 + |h*|) of h_L (the input is
    x_t = 1 at every step, so the map h -> step(h) is the same at every step).
    """
    cfg = result.config
    step, factor = _one_step(cfg)
    h_last = float(result.hidden[-1])
    if not np.isfinite(h_last):
        return None
    h = torch.tensor(h_last, dtype=torch.float64)
    for _ in range(50):  # Newton on g(h) = step(h) - h: g'(h) = dh_t/dh_{t-1} - 1
        out = step(h)
        denominator = factor(h) - 1.0
        if denominator == 0 or not torch.isfinite(out):
            return None
        move = (out - h) / denominator
        h = h - move
        if abs(float(move)) <= 1e-15 * (1.0 + abs(float(h))):
            break
    if not torch.isfinite(h) or abs(float(h) - h_last) > tol * (1.0 + abs(float(h))) or \
            abs(float(step(h) - h)) > 1e-12 * (1.0 + abs(float(h))):
        return None
    act = activations.get(cfg.activation)
    a = cells.plain_preact(h, 1.0, cfg.wh_init, cfg.wx)
    return FixedPoint(h=float(h), slope=float(act.slope(a, act.fn(a))), factor=float(factor(h)))


def _one_step(cfg):
    """The map h_{t-1} -> h_t with x_t = 1, and its derivative dh_t/dh_{t-1}, in float64 for this cell."""
    wh, wx, wz, uz, bz = (torch.tensor(v, dtype=torch.float64) for v in (cfg.wh_init, cfg.wx, cfg.wz, cfg.uz, cfg.bz))
    if cfg.cell == "gru":
        return (lambda h: cells.gru_step(h, 1.0, wh, wx, wz, uz, bz, cfg.activation),
                lambda h: cells.gru_step_factor(h, 1.0, wh, wx, wz, uz, bz, cfg.activation))
    return (lambda h: cells.plain_step(h, 1.0, wh, wx, cfg.activation),
            lambda h: cells.plain_step_factor(h, 1.0, wh, wx, cfg.activation))
