"""landscape(): loss and gradient over a 2-D grid of two parameters, in one vectorised pass."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import torch

from . import activations, budget, tangents
from .config import ALL_PARAMS, Config, check_config, finite_number, number_list, shown, whole_number

MAX_CELLS = 1_000_000  # grid points: the arrays of one step stay ~10 MB each


def landscape(config: Config, x: str, y: str, x_values, y_values) -> pd.DataFrame:
    """Long form (x, y, loss, grad_x, grad_y): one row per grid point, x varying fastest.

    Parameter x takes x_values and y takes y_values (two of config.params); the others come from config (wh is
    config.wh_init). The loss is config's: MSE(y_L, target) with config.target set, else the seed's
    MSE(y_L, y_L.detach() - offset), whose target moves with the point: there loss = offset^2 and
    grad = 2*offset*dy_L/dtheta at every cell, so only a fixed target gives a meaningful landscape.
    The gradient is autograd's reverse pass replayed on the whole grid (checkpointed), so every cell is
    run()'s own number, inf, NaN and exact 0 included; non-finite cells are kept, never dropped. For the gated
    cell it is carried forward as float64 tangents (tangents.py): autograd's up to rounding.
    x_values, y_values: non-empty 1-D lists of finite numbers within the dtype; len(x_values) x len(y_values)
    x L is at most budget.LANDSCAPE_WORK.
    """
    config = check_config(config)
    x, y = _check_names(x, y, config.params)
    xs = number_list("x_values", x_values, config.dtype)
    ys = number_list("y_values", y_values, config.dtype)
    if xs.size * ys.size > MAX_CELLS:
        raise ValueError(f"grid of {xs.size} x {ys.size} = {xs.size * ys.size} cells is too big; at most {MAX_CELLS}")
    budget.check(budget.landscape_work(xs.size, ys.size, config.L), budget.LANDSCAPE_WORK,
                 f"len(x_values) x len(y_values) x L = {xs.size} x {ys.size} x {config.L}",
                 "use fewer grid values or a smaller L")
    dtype = config.torch_dtype
    # Shape (len(y), len(x)), row i is y_values[i]; the x, y columns give the values as asked, the
    # computation sees them rounded to the config's dtype (as run() would).
    gy, gx = np.meshgrid(ys, xs, indexing="ij")
    grid = {x: torch.tensor(gx.reshape(-1), dtype=dtype), y: torch.tensor(gy.reshape(-1), dtype=dtype)}
    with torch.no_grad():
        loss, grads = (_gated_loss_and_grads if config.cell == "gru" else _loss_and_grads)(config, grid)
    return pd.DataFrame({
        "x": gx.reshape(-1), "y": gy.reshape(-1),
        **{k: v.numpy().astype(np.float64) for k, v in (("loss", loss), ("grad_x", grads[x]), ("grad_y", grads[y]))},
    })


def _loss_and_grads(config: Config, grid: dict) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    """The loss and autograd's gradients for every grid point: the forward pass, then the backward pass in
    autograd's order and kernels (so special values are run()'s). The states h_t are kept every K ~ sqrt(L)
    steps only and recomputed segment by segment on the way back: memory ~ 3 sqrt(L) arrays, not L."""
    act, dtype, L = activations.get(config.activation), config.torch_dtype, config.L
    n = next(iter(grid.values())).numel()
    theta = {p: grid[p] if p in grid else torch.full((n,), config.value_of(p), dtype=dtype) for p in config.params}
    h_init, wh, wx, wy = theta["h_init"], theta["wh"], theta["wx"], theta["wy"]
    one = torch.tensor(1.0, dtype=dtype)
    K = max(1, math.isqrt(L))
    saved, h = {}, h_init
    bad_before = torch.zeros(n, dtype=torch.bool)  # some h_t, t < L, is inf or NaN: then dL/dwy is NaN
    for t in range(1, L + 1):
        if (t - 1) % K == 0:
            saved[t - 1] = h
        if t > 1:
            bad_before |= ~torch.isfinite(h)
        h = act.fn(wh * h + wx * one)  # a_t = wh*h_{t-1} + wx*x_t with x_t = 1, as the model writes it
    out = wy * h  # y_L = wy * h_L
    target = config.target_for(out)
    err = out - target  # = offset in exact math for the seed's moving target (NaN when y_L is inf)
    g = 2.0 * err  # dL/dy_L, as MSELoss's backward rounds it
    # y_t = wy*h_t for t < L get a zero gradient from torch.stack's backward: 0*h_t, NaN where h_t is inf
    grads = {"wy": torch.where(bad_before, torch.nan, g * h)}
    lam = g * wy  # dL/dh_L
    g_wh = g_wx = None
    for start in sorted(saved, reverse=True):  # segments t = start+1 .. stop, last one first
        stop = min(L, start + K)
        hs, acts = [saved[start]], []
        for _ in range(start + 1, stop + 1):
            acts.append(wh * hs[-1] + wx * one)
            hs.append(act.fn(acts[-1]))
        for t in range(stop, start, -1):  # autograd's order: t = L first
            i = t - start
            ga = act.backward(lam, acts[i - 1], hs[i])
            c_wh, c_wx = ga * hs[i - 1], ga * one  # da_t/dwh = h_{t-1}, da_t/dwx = x_t = 1
            g_wh = c_wh if g_wh is None else g_wh + c_wh
            g_wx = c_wx if g_wx is None else g_wx + c_wx
            lam = ga * wh  # dL/dh_{t-1}
    grads.update(h_init=lam, wh=g_wh, wx=g_wx)
    return err * err, grads


def _gated_loss_and_grads(config: Config, grid: dict) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    """The gated cell's loss and gradients on the grid: one forward pass with tangents, the last step only."""
    theta = tangents.settings(config, grid)
    run = tangents.gated_pass(config, theta, config.L, store=False)
    h_last, wy = run.H[-1], theta["wy"]
    out = wy * h_last
    err = out - config.target_for(out)
    g = 2.0 * err  # dL/dy_L
    up = g * wy  # dL/dh_L
    up64 = up.double()
    grads = {p: torch.where(up64 == 0, 0.0, up64 * run.D[p][-1]).to(h_last.dtype) for p in tangents.TANGENT_PARAMS}
    unsafe = tangents.unsafe_cells(run, up[None], {p: v[None] for p, v in grads.items()})[0]
    cells = torch.nonzero(unsafe, as_tuple=True)[0]
    chunk = max(1, 2_000_000 // config.L)  # the replay keeps every step of its cells: ~180 MB at most per chunk
    for start in range(0, cells.numel(), chunk):  # near a special value autograd's own order decides: replay it
        idx = cells[start:start + chunk]
        sub = {p: v[idx] for p, v in theta.items()}
        full = tangents.gated_pass(config, sub, config.L)
        k = torch.arange(idx.numel())
        exact = tangents.replay(config, full, sub, up[idx].expand(config.L, -1), torch.full_like(k, config.L), k)
        for p, v in exact.items():
            grads[p][idx] = v
    grads["wy"] = torch.where(run.bad_before, torch.nan, g * h_last)
    return err * err, grads


def _check_names(x, y, params=ALL_PARAMS) -> tuple[str, str]:
    for name, value in (("x", x), ("y", y)):
        if not isinstance(value, str) or value not in params:
            raise ValueError(f"{name}={shown(value)} is not a parameter; choose one of {', '.join(params)}")
    if x == y:
        raise ValueError(f"x and y are both {x!r}; choose two different parameters from {', '.join(params)}")
    return x, y


def window(path: pd.DataFrame, x: str, y: str, cells: int = 80, pad: float = 0.3,
           least: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Grid values around a training path: its finite points' range, padded by `pad` of the span (at least
    `least` wide), `cells` values per side (2 to 1000). path is train()'s frame, with columns x and y."""
    x, y = _check_names(x, y)
    if not isinstance(path, pd.DataFrame):
        raise ValueError(f"path={shown(path)} must be a pandas DataFrame such as train() returns")
    missing = [c for c in (x, y) if c not in path.columns]
    if missing:
        raise ValueError(f"path has no column {', '.join(missing)} (its columns: {', '.join(map(str, path.columns))}); "
                         "train the parameters you map, e.g. params=(x, y)")
    cells = whole_number("cells", cells, 2, math.isqrt(MAX_CELLS))
    pad = finite_number("pad", pad)
    least = finite_number("least", least)
    if pad < 0 or least <= 0:
        raise ValueError(f"pad={pad!r} and least={least!r}: pad must be >= 0 and least > 0")
    try:
        xs, ys = path[x].to_numpy(dtype=np.float64), path[y].to_numpy(dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"path's columns {x} and {y} must hold numbers") from None
    finite = np.isfinite(xs) & np.isfinite(ys)
    if not finite.any():
        raise ValueError(f"path has no point where both {x} and {y} are finite: nothing to centre a window on")
    xs, ys = xs[finite], ys[finite]
    lo_x, hi_x, lo_y, hi_y = xs.min(), xs.max(), ys.min(), ys.max()
    pad_x, pad_y = max(hi_x - lo_x, least) * pad, max(hi_y - lo_y, least) * pad
    out = np.linspace(lo_x - pad_x, hi_x + pad_x, cells), np.linspace(lo_y - pad_y, hi_y + pad_y, cells)
    if not (np.isfinite(out[0]).all() and np.isfinite(out[1]).all()):
        raise ValueError(f"the path spans too far (up to {max(abs(xs).max(), abs(ys).max()):.3g}) to pad: lower pad")
    return out

