"""Phase diagrams and multi-line sweeps as tidy frames: the status of every (wh_init, L) cell, honestly."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from . import budget
from .config import (
    L_MAX,
    PARAM_FIELDS,
    Config,
    check_config,
    choice,
    dtype_number,
    name_list,
    number_list,
    whole_number,
)
from .status import STATUSES, classify
from .sweep import OVER, sweep_arrays


def cell_status(arrays: dict, param: str, config: Config) -> np.ndarray:
    """Per cell, in status.STATUSES' words: finite, exactly 0, underflow, cancelled, inf or NaN."""
    grad, loss = arrays[param], arrays["loss"]
    cancelled = (loss == 0) & (config.target is None) & (config.offset != 0)
    no_signal = (loss == 0) & ~cancelled  # offset 0, or y_L exactly on its fixed target: dL/dy_L = 0
    upstream_zero = no_signal | (config.wy == 0 and param != "wy")  # y_L = wy*h_L ignores h when wy = 0
    return classify(grad, cancelled, arrays["exact_zero"][param] | upstream_zero)


def gradient_lines(config: Config, wh_values, L_max: int, params: str | tuple[str, ...]) -> pd.DataFrame:
    """Long form wh_init, L, param, grad, status for a few wh values and one or more params: one sweep call.

    params: one name or a non-empty list of distinct names from the cell's params (config.params). The frame has
    len(wh_values) x L_max x len(params) rows, at most budget.SWEEP_ROWS.
    """
    config = check_config(config)
    wh = number_list("wh_values", wh_values, config.dtype)
    L_max = whole_number("L_max", L_max, 1, L_MAX)
    params = name_list("params", params, config.params, allow_str=True)
    budget.check(budget.sweep_rows(wh.size, L_max, len(params)), budget.SWEEP_ROWS,
                 f"the frame's len(wh_values) x L_max x len(params) = {wh.size} x {L_max} x {len(params)} rows",
                 "use fewer wh values, a smaller L_max or fewer params")
    arrays = sweep_arrays(config, wh, L_max)
    return pd.concat([pd.DataFrame({
        "wh_init": np.repeat(wh, L_max), "L": np.tile(np.arange(1, L_max + 1), wh.size), "param": p,
        "grad": arrays[p].reshape(-1).astype(np.float64), "status": cell_status(arrays, p, config).reshape(-1),
    }) for p in params], ignore_index=True)


def _block(a: np.ndarray, k: int, reduce) -> np.ndarray:
    """Reduce k x k blocks of a 2-D array (its sides are multiples of k)."""
    n, m = a.shape
    return reduce(a.reshape(n // k, k, m // k, k).swapaxes(1, 2).reshape(n // k, m // k, k * k), axis=-1)


def _mode(codes: np.ndarray, axis: int) -> np.ndarray:
    counts = np.stack([(codes == i).sum(axis=axis) for i in range(len(STATUSES))], axis=-1)
    return counts.argmax(axis=-1)


def phase_diagram(config: Config, span: float, res: int, param: str, display_max: int = 100,
                  over: str = "wh") -> dict:
    """log10 |dL/dparam| over wh (or the gated cell's bz: over="bz") in [-span, span] x L in 1..res, computed at
    res x res by one sweep call.

    span: a finite number > 0 (within the dtype); res: 1 to L_MAX, within budget.SWEEP_CELLS (res^2) and
    budget.FORWARD_WORK (res^3); param: one of the cell's params; display_max: 1 to L_MAX; over: "wh", or "bz"
    for the gru. The cells' columns are {over}_lo, {over}_hi, L_lo, L_hi, log10, status; the boundary's are
    the swept field (wh_init or bz) and L.

    Drawn at most display_max x display_max: larger grids are shown as k x k blocks holding the median of their
    finite cells and their most common status (the caption says so). A side with no
    divisor near res / display_max (a prime, say) is drawn in full rather than cropped.
    """
    config = check_config(config)
    span = dtype_number("span", span, config.dtype)
    if span <= 0:
        raise ValueError(f"span={span!r} must be > 0: wh runs over [-span, span]")
    res = whole_number("res", res, 1, L_MAX)
    param = choice("param", param, config.params)
    over = choice("over", over, OVER[config.cell])
    display_max = whole_number("display_max", display_max, 1, L_MAX)
    budget.check(budget.phase_work(res), budget.SWEEP_CELLS, f"res x res = {res} x {res} cells", "lower res")
    budget.check(budget.forward_work(res, res), budget.FORWARD_WORK, f"res^3 = {res}^3 (the exact replay of special "
                 "cells grows like wh values x L^2)", "lower res")
    wh = np.linspace(-span, span, res)
    arrays = sweep_arrays(config, wh, res, over=over)
    status = cell_status(arrays, param, config)
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.where(status == "finite", np.log10(np.abs(arrays[param].astype(np.float64))), np.nan)
    codes = _codes(status)
    k = _block_size(res, display_max)
    if k > 1:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # an all-special block's median is NaN, as it should be
            logs = _block(logs, k, np.nanmedian)
        codes = _block(codes, k, _mode)
    n_wh, n_L = logs.shape
    step = (wh[1] - wh[0]) if res > 1 else 1.0
    wh_edges = -span - step / 2 + np.arange(n_wh + 1) * step * k
    L_edges = 0.5 + np.arange(n_L + 1) * k
    cells = pd.DataFrame({
        f"{over}_lo": np.repeat(wh_edges[:-1], n_L), f"{over}_hi": np.repeat(wh_edges[1:], n_L),
        "L_lo": np.tile(L_edges[:-1], n_wh), "L_hi": np.tile(L_edges[1:], n_wh),
        "log10": logs.reshape(-1), "status": np.array(STATUSES)[codes.reshape(-1)],
    })
    mean_log_factor = arrays["log10_gain"] / np.arange(1, res + 1)  # log10 of the geometric-mean |dh_t/dh_{t-1}|
    edge = boundary(wh, mean_log_factor).rename(columns={"wh_init": PARAM_FIELDS[over]})
    return {"cells": cells, "boundary": edge, "computed": res, "block": k, "over": over}


def _block_size(res: int, display_max: int) -> int:
    """The smallest divisor k of res with res / k <= display_max (within 2x of the ideal), else 1: draw all."""
    ideal = max(1, int(np.ceil(res / display_max)))
    return next((k for k in range(ideal, 2 * ideal + 1) if res % k == 0), 1)


def _codes(status: np.ndarray) -> np.ndarray:
    out = np.zeros(status.shape, dtype=np.int8)
    for i, name in enumerate(STATUSES):
        out[status == name] = i
    return out


def boundary(wh: np.ndarray, mean_log_factor: np.ndarray) -> pd.DataFrame:
    """Where the geometric-mean factor |dh_t/dh_{t-1}| crosses 1, interpolated between neighbouring wh columns."""
    a, b = mean_log_factor[:-1], mean_log_factor[1:]
    with np.errstate(invalid="ignore"):
        cross = np.isfinite(a) & np.isfinite(b) & (np.sign(a) != np.sign(b))
    i, t = np.nonzero(cross)
    frac = a[i, t] / (a[i, t] - b[i, t])
    return pd.DataFrame({"wh_init": wh[i] + frac * (wh[i + 1] - wh[i]), "L": t + 1})
