"""landscape(): loss and gradient over a 2-D grid of two parameters, in one vectorised pass."""
from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from . import activations
from .config import PARAMS, Config

MAX_CELLS = 1_000_000  # ~1 s per 100 steps of L at this size; keeps a shared server responsive


def landscape(config: Config, x: str, y: str, x_values, y_values) -> pd.DataFrame:
    """Long form (x, y, loss, grad_x, grad_y): one row per grid point, x varying fastest.

    Parameter x takes x_values and y takes y_values; the other two come from config (wh is
    config.wh_init). The loss is config's: MSE(y_L, target) with config.target set, else the seed's
    MSE(y_L, y_L.detach() - offset), whose target moves with the point: there loss = offset^2 and
    grad = 2*offset*dy_L/dtheta at every cell, so only a fixed target gives a meaningful landscape.
    Non-finite cells (overflow) are kept as inf/NaN, never dropped.
    """
    _check_names(x, y)
    dtype = config.torch_dtype
    xs, ys = _values("x_values", x_values), _values("y_values", y_values)
    if xs.size * ys.size > MAX_CELLS:
        raise ValueError(f"grid of {xs.size} x {ys.size} = {xs.size * ys.size} cells is too big; at most {MAX_CELLS}")
    # Shape (len(y), len(x)), row i is y_values[i]; the x, y columns give the values as asked, the
    # computation sees them rounded to the config's dtype (as run() would).
    gy, gx = np.meshgrid(ys, xs, indexing="ij")
    grid = {x: torch.tensor(gx.reshape(-1), dtype=dtype), y: torch.tensor(gy.reshape(-1), dtype=dtype)}
    with torch.no_grad():
        loss, grad_x, grad_y = _forward(config, grid, x, y)
    return pd.DataFrame({
        "x": gx.reshape(-1), "y": gy.reshape(-1),
        **{k: v.numpy().astype(np.float64) for k, v in (("loss", loss), ("grad_x", grad_x), ("grad_y", grad_y))},
    })


def _forward(config: Config, grid: dict, x: str, y: str):
    """Run the recurrence on the flattened grid, carrying tangents dh_t/dx and dh_t/dy (forward mode)."""
    act, dtype = activations.get(config.activation), config.torch_dtype
    n = next(iter(grid.values())).numel()
    theta = {p: grid[p] if p in grid else torch.full((n,), config.value_of(p), dtype=dtype) for p in PARAMS}
    h_init, wh, wx, wy = theta["h_init"], theta["wh"], theta["wx"], theta["wy"]
    one = torch.tensor(1.0, dtype=dtype)
    h = h_init.clone()
    # dh_0/dtheta is 1 for h_init and 0 otherwise.
    tan = {p: torch.full((n,), float(p == "h_init"), dtype=dtype) for p in (x, y)}
    for _ in range(config.L):
        a = wh * h + wx * one  # a_t = wh*h_{t-1} + wx*x_t with x_t = 1, as the model writes it
        h_new = act.fn(a)
        slope = act.slope(a, h_new)
        for p in (x, y):  # dh_t/dtheta = act'(a_t) * (wh*dh_{t-1}/dtheta + da_t/dtheta directly)
            direct = h if p == "wh" else one if p == "wx" else None
            inner = wh * tan[p] if direct is None else wh * tan[p] + direct
            tan[p] = slope * inner
        h = h_new
    out = wy * h  # y_L = wy * h_L; dy_L/dtheta = wy * dh_L/dtheta (+ h_L for theta = wy)
    d_out = {p: h if p == "wy" else wy * tan[p] for p in (x, y)}
    target = config.target_for(out)
    err = out - target  # = offset in exact math for the seed's moving target (NaN when y_L is inf)
    g = 2.0 * err  # dL/dy_L
    return err * err, g * d_out[x], g * d_out[y]


def _check_names(x, y) -> None:
    for name, value in (("x", x), ("y", y)):
        if value not in PARAMS:
            raise ValueError(f"{name}={value!r} is not a parameter; choose one of {', '.join(PARAMS)}")
    if x == y:
        raise ValueError(f"x and y are both {x!r}; choose two different parameters from {', '.join(PARAMS)}")


def _values(name: str, values) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name}={values!r} must be a list of finite numbers") from None
    if arr.ndim != 1 or arr.size == 0 or not np.isfinite(arr).all():
        raise ValueError(f"{name} must be a non-empty 1-D list of finite numbers, got {values!r}")
    return arr


def window(path: pd.DataFrame, x: str, y: str, cells: int = 80, pad: float = 0.3,
           least: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Grid values around a training path: its finite points' range, padded by `pad` of the span (at least
    `least` wide), `cells` values per side."""
    finite = path[np.isfinite(path[x]) & np.isfinite(path[y])]
    lo_x, hi_x, lo_y, hi_y = finite[x].min(), finite[x].max(), finite[y].min(), finite[y].max()
    pad_x, pad_y = max(hi_x - lo_x, least) * pad, max(hi_y - lo_y, least) * pad
    return np.linspace(lo_x - pad_x, hi_x + pad_x, cells), np.linspace(lo_y - pad_y, hi_y + pad_y, cells)
