"""sweep(): the gradient of every (wh_init, L) cell in one vectorised computation."""
from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from . import activations, status
from .config import L_MAX, PARAMS, Config

SWEEP_PARAMS = ("h_init", "wh", "wy")
ALL_PARAMS = PARAMS
# Below this many element-steps (n * L_max^2) the exact reverse replay is cheap (< ~50 ms; tiny
# subnormal adjoints make it slower per element than the tangent pass, so it is kept for small grids).
REPLAY_BUDGET = 1e6


def sweep_arrays(config: Config, wh_values, L_max: int, method: str = "auto",
                 extras: bool = True) -> dict[str, np.ndarray]:
    """Arrays of shape (len(wh_values), L_max): dL/dtheta for all four params, h, y, loss, log10 gain.

    Cell (i, L-1) is run(config) with wh_init = wh_values[i] and that L. The forward pass does
    not depend on L, so one pass over t = 1..L_max serves every L; each L's loss differs only
    in dL/dy_L at its own last step. method="forward" carries tangents dh_t/dtheta (RTRL,
    cost n*L_max); "reverse" replays autograd's backward for all L at once (cost n*L_max^2/2)
    and is bit for bit equal to run(); "auto" replays when that is cheap.
    """
    if isinstance(L_max, bool) or not isinstance(L_max, (int, np.integer)) or not 1 <= L_max <= L_MAX:
        raise ValueError(f"L_max={L_max!r} is out of range; allowed 1 to {L_MAX}")
    if method not in ("auto", "forward", "reverse"):
        raise ValueError(f"method={method!r} is unknown; choose auto, forward or reverse")
    dtype = config.torch_dtype
    wh = torch.as_tensor(np.asarray(wh_values, dtype=np.float64).reshape(-1), dtype=dtype)
    if wh.numel() == 0 or not torch.isfinite(wh).all():
        raise ValueError("wh_values must be a non-empty list of finite numbers")
    if method == "auto":
        method = "reverse" if wh.numel() * L_max**2 <= REPLAY_BUDGET else "forward"
    with torch.no_grad():
        return _sweep(config, wh, L_max, method == "forward", extras)


def _sweep(config: Config, wh: torch.Tensor, L_max: int, tangents: bool, extras: bool) -> dict[str, np.ndarray]:
    act, dtype, n = activations.get(config.activation), wh.dtype, wh.numel()
    wx, wy, one = (torch.tensor(v, dtype=dtype) for v in (config.wx, config.wy, 1.0))
    # Row t holds h_t (t = 0..L_max) and a_t, factor_t (t = 1..L_max, row t-1): contiguous writes.
    H = torch.empty((L_max + 1, n), dtype=dtype)
    A, F = torch.empty((L_max, n), dtype=dtype), torch.empty((L_max, n), dtype=dtype)
    H[0] = config.h_init
    # Tangents run in float64 even for a float32 model: dh_L/dwh ~ L wh^(L-1) outgrows h_L itself, and a
    # float32 tangent would overflow to inf where the gradient it multiplies is still finite.
    f64 = torch.float64
    d = {p: torch.empty((L_max, n), dtype=f64) for p in ("h_init", "wh", "wx")} if tangents else {}
    d_h0, d_wh, d_wx = torch.ones(n, dtype=f64), torch.zeros(n, dtype=f64), torch.zeros(n, dtype=f64)
    wh64 = wh.double()
    for t in range(L_max):
        A[t] = wh * H[t] + wx * one  # a_t = wh*h_{t-1} + wx*x_t with x_t = 1, as the seed writes it
        H[t + 1] = act.fn(A[t])
        slope = act.slope(A[t], H[t + 1])
        F[t] = wh * slope  # dh_t/dh_{t-1}
        if tangents:  # dh_t/dtheta = act'(a_t) * (da_t/dtheta + wh * dh_{t-1}/dtheta)
            s64 = slope.double()
            d_h0 = s64 * (wh64 * d_h0)
            d_wh = s64 * (H[t].double() + wh64 * d_wh)
            d_wx = s64 * (1.0 + wh64 * d_wx)
            d["h_init"][t], d["wh"][t], d["wx"][t] = d_h0, d_wh, d_wx
    Y = wy * H[1:]
    target = config.target_for(Y)
    g = 2.0 * (Y - target)  # dL/dy_L, rounded as MSELoss's backward rounds it
    up = g * wy  # dL/dh_L
    if tangents:  # dL/dtheta = dL/dh_L * dh_L/dtheta; a zero upstream gives exactly 0, as the reverse pass
        # does, even where the tangent itself overflowed (0 * inf would be NaN)
        up64 = up.double()
        grads = {p: torch.where(up64 == 0, 0.0, up64 * d[p]).to(dtype) for p in d}
    else:
        grads = _replay(act, wh, H, A, up)
    grads["wy"] = g * H[1:]
    out = {p: grads[p].T.numpy() for p in ALL_PARAMS}
    if extras:  # what the phase diagram needs besides gradients (sweep()'s frame does not)
        log_gain = torch.cumsum(torch.log10(torch.abs(F.double())), 0)
        exact = status.exact_zeros(config.activation, wh.double().numpy(), config.wx, config.h_init, A.numpy())
        out.update(h=H[1:].T.numpy(), y=Y.T.numpy(), loss=((Y - target) ** 2).T.numpy(),
                   log10_gain=log_gain.T.numpy(), exact_zero={p: z.T for p, z in exact.items()})
    return out


def _replay(act, wh, H, A, up) -> dict[str, torch.Tensor]:
    """Autograd's backward for every L at once: at step k, row L-1 is at time t = L - k."""
    L_max = A.shape[0]
    lam = up.clone()  # dL/dh_t for each L's own chain
    acc = {"wh": torch.empty_like(up), "wx": torch.empty_like(up)}
    for k in range(L_max):
        rows, ts = slice(k, L_max), slice(0, L_max - k)  # rows L-1 >= k; their t-1 = L-1-k
        grad_a = act.backward(lam[rows], A[ts], H[1:][ts])
        c_wh, c_wx = grad_a * H[ts], grad_a  # da_t/dwh = h_{t-1}, da_t/dwx = x_t = 1
        if k == 0:  # autograd accumulates t = L first, then L-1, ... in that order
            acc["wh"][rows], acc["wx"][rows] = c_wh, c_wx
        else:
            acc["wh"][rows] += c_wh
            acc["wx"][rows] += c_wx
        lam[rows] = grad_a * wh  # dL/dh_{t-1} = dL/da_t * wh
    return {"h_init": lam, **acc}


def sweep(config: Config, wh_values, L_max: int, params=SWEEP_PARAMS, method: str = "auto") -> pd.DataFrame:
    """Long form (wh_init, L, param, grad): every wh in wh_values, every L in 1..L_max."""
    unknown = [p for p in params if p not in ALL_PARAMS]
    if unknown:
        raise ValueError(f"params {unknown} unknown; choose from {', '.join(ALL_PARAMS)}")
    arrays = sweep_arrays(config, wh_values, L_max, method, extras=False)
    wh = np.asarray(wh_values, dtype=np.float64).reshape(-1)
    cells = wh.size * L_max
    return pd.DataFrame({
        "wh_init": np.tile(np.repeat(wh, L_max), len(params)),
        "L": np.tile(np.arange(1, L_max + 1, dtype=np.int64), wh.size * len(params)),
        "param": pd.Categorical.from_codes(np.repeat(np.arange(len(params), dtype=np.int8), cells),
                                           categories=list(params)),
        "grad": np.concatenate([arrays[p].reshape(-1) for p in params]).astype(np.float64, copy=False),
    })
