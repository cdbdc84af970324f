"""sweep(): the gradient of every (wh_init, L) cell in one vectorised computation."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import torch

from . import activations, budget, status, tangents
from .config import L_MAX, Config, check_config, choice, flag, name_list, number_list, whole_number

SWEEP_PARAMS = ("h_init", "wh", "wy")
METHODS = ("auto", "forward", "reverse")
OVER = {"plain": ("wh",), "gru": ("wh", "bz")}  # what a sweep can vary, per cell: the recurrent weight, or the gate's
# bias (how shut the update gate starts)
# Below this many element-steps (n * L_max^2) the exact reverse replay is cheap (< ~50 ms; tiny
# subnormal adjoints make it slower per element than the tangent pass, so it is kept for small grids).
REPLAY_BUDGET = 1e6


def sweep_arrays(config: Config, wh_values, L_max: int, method: str = "auto",
                 extras: bool = True, over: str = "wh") -> dict[str, np.ndarray]:
    """Arrays of shape (len(wh_values), L_max): dL/dtheta for every param of the cell, h, y, loss, log10 gain.

    Cell (i, L-1) is run(config) with wh_init = wh_values[i] and that L. The forward pass does
    not depend on L, so one pass over t = 1..L_max serves every L; each L's loss differs only
    in dL/dy_L at its own last step. method="forward" carries tangents dh_t/dtheta (RTRL,
    cost n*L_max) and replays autograd exactly in the cells where special values (inf, NaN, an
    overflowing or underflowing chain) could make the tangents disagree with it; "reverse" replays
    autograd's backward for all L at once (cost n*L_max^2/2) and is bit for bit equal to run(); "auto"
    replays when that is cheap. Either way inf, NaN and exact zeros are run()'s.

    wh_values: a non-empty 1-D list, tuple, range, numpy array or iterator of finite numbers within the
    config's dtype. Work is limited by budget.SWEEP_CELLS, budget.FORWARD_WORK (forward) and budget.REPLAY_WORK
    (reverse), checked before any work.

    The gated cell (config.cell "gru") can also vary its gate bias: over="bz" makes wh_values the bz values (and
    wh is config.wh_init). Its cells come from one forward pass with float64 tangents (tangents.py): h, y and
    the loss are run()'s bit for bit, each gradient equals autograd's up to rounding, and where a value is near
    overflow or underflow autograd's backward is replayed exactly, so inf, NaN and 0 are run()'s (method is not
    used; len(wh_values) x L_max^2 is at most budget.GATED_WORK).
    """
    config = check_config(config)
    over = choice("over", over, OVER[config.cell])
    wh_list = number_list("wh_values", wh_values, config.dtype)
    L_max = whole_number("L_max", L_max, 1, L_MAX)
    method = choice("method", method, METHODS)
    extras = flag("extras", extras)
    n = wh_list.size
    budget.check(budget.sweep_work(n, L_max), budget.SWEEP_CELLS,
                 f"len(wh_values) x L_max = {n} x {L_max}", "use fewer wh values or a smaller L_max")
    if config.cell == "gru":
        budget.check(budget.forward_work(n, L_max), budget.GATED_WORK,
                     f"the gated cell's len(wh_values) x L_max^2 = {n} x {L_max}^2 (the exact replay of cells near a "
                     "special value)", "use fewer values or a smaller L_max")
        with torch.no_grad():
            return _gru_sweep(config, over, torch.as_tensor(wh_list, dtype=config.torch_dtype), L_max, extras)
    if method == "reverse":
        budget.check(budget.replay_work(n, L_max), budget.REPLAY_WORK,
                     f"the reverse replay's len(wh_values) x L_max^2 = {n} x {L_max}^2",
                     "use method='forward' (exact where it matters), fewer wh values or a smaller L_max")
    if method == "auto":
        method = "reverse" if n * L_max**2 <= REPLAY_BUDGET else "forward"
    if method == "forward":
        budget.check(budget.forward_work(n, L_max), budget.FORWARD_WORK,
                     f"len(wh_values) x L_max^2 = {n} x {L_max}^2 (the exact replay of special cells)",
                     "use fewer wh values or a smaller L_max")
    wh = torch.as_tensor(wh_list, dtype=config.torch_dtype)
    with torch.no_grad():
        return _sweep(config, wh, L_max, method == "forward", extras)


def _sweep(config: Config, wh: torch.Tensor, L_max: int, tangents: bool, extras: bool) -> dict[str, np.ndarray]:
    act, dtype, n = activations.get(config.activation), wh.dtype, wh.numel()
    wx, wy, one = (torch.tensor(v, dtype=dtype) for v in (config.wx, config.wy, 1.0))
    # Row t holds h_t (t = 0..L_max) and a_t, factor_t (t = 1..L_max, row t-1): contiguous writes.
    H = torch.empty((L_max + 1, n), dtype=dtype)
    A, F, S = (torch.empty((L_max, n), dtype=dtype) for _ in range(3))
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
        S[t] = slope = act.slope(A[t], H[t + 1])
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
        _exact_where_special(act, wh, H, A, S, F, up, grads)
    else:
        grads = _replay(act, wh, H, A, up)
    grads["wy"] = _wy_grad(g, H)
    out = {p: grads[p].T.numpy() for p in config.params}
    if extras:  # what the phase diagram needs besides gradients (sweep()'s frame does not)
        log_gain = torch.cumsum(torch.log10(torch.abs(F.double())), 0)
        exact = status.exact_zeros(config.activation, wh.double().numpy(), config.wx, config.h_init, A.numpy())
        out.update(h=H[1:].T.numpy(), y=Y.T.numpy(), loss=((Y - target) ** 2).T.numpy(),
                   log10_gain=log_gain.T.numpy(), exact_zero={p: z.T for p, z in exact.items()})
    return out


def _gru_sweep(config: Config, over: str, values: torch.Tensor, L_max: int, extras: bool) -> dict[str, np.ndarray]:
    """The gated cell's cells: one forward pass with tangents (tangents.py), then dL/dtheta = dL/dh_L dh_L/dtheta."""
    theta = tangents.settings(config, {over: values})
    run = tangents.gated_pass(config, theta, L_max)
    wy = theta["wy"]
    Y = wy * run.H[1:]
    target = config.target_for(Y)
    g = 2.0 * (Y - target)  # dL/dy_L, rounded as MSELoss's backward rounds it
    up = g * wy  # dL/dh_L
    up64 = up.double()
    # a zero upstream gives exactly 0, as the reverse pass does, even where a tangent overflowed (0 * inf = NaN)
    grads = {p: torch.where(up64 == 0, 0.0, up64 * run.D[p]).to(values.dtype) for p in tangents.TANGENT_PARAMS}
    Ls, cols = torch.nonzero(tangents.unsafe_cells(run, up, grads), as_tuple=True)
    if Ls.numel():  # near a special value: autograd's own order decides, so replay it there
        exact = tangents.replay(config, run, theta, up, Ls + 1, cols)
        for p, v in exact.items():
            grads[p][Ls, cols] = v
    grads["wy"] = _wy_grad(g, run.H)
    out = {p: grads[p].T.numpy() for p in config.params}
    if extras:
        exact = tangents.exact_zeros(config, run.H.double(), run.A.double())
        out.update(h=run.H[1:].T.numpy(), y=Y.T.numpy(), loss=((Y - target) ** 2).T.numpy(),
                   log10_gain=torch.cumsum(torch.log10(torch.abs(run.F.double())), 0).T.numpy(),
                   exact_zero={p: z.T for p, z in exact.items()})
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


def _wy_grad(g: torch.Tensor, H: torch.Tensor) -> torch.Tensor:
    """dL/dwy as autograd sums it: g * h_L plus 0 * h_t for every t < L (y_t = wy*h_t feeds torch.stack, whose
    backward sends those outputs a zero gradient), so one inf or NaN h_t before L makes it NaN (0 * inf)."""
    bad = ~torch.isfinite(H[1:])
    before = torch.zeros_like(bad)
    before[1:] = torch.cummax(bad[:-1].to(torch.int8), dim=0).values.bool()  # some h_t, t < L, is inf or NaN
    return torch.where(before, torch.nan, g * H[1:])


# --- exact special values for the tangent (forward) method ------------------------------------------------------
# Autograd computes dL/dtheta backwards from t = L: lam_L = dL/dh_L, ga_t = act'(a_t) lam_t (the activation's
# backward kernel), lam_{t-1} = ga_t wh, dL/dwh += ga_t h_{t-1}, dL/dwx += ga_t. The tangents multiply the same
# factors in the other order, so where a partial product overflows, underflows, or meets an inf, they can give
# NaN where autograd gives 0 (relu's mask zeroes an inf adjoint), inf where it gives NaN (inf*0 or inf-inf in its
# sums), or a number where its chain underflowed. So: keep the tangents in the cells that are provably safe (every
# value finite, the adjoint chain's largest partial product below overflow and never under the smallest float
# unless monotonically), and replay autograd exactly in the others, stopping each cell's replay once its adjoint
# is special (inf, -inf, NaN or 0): from there the outcome follows IEEE rules alone, tabulated per row (G below).
_SPECIAL = (math.inf, -math.inf, math.nan, 0.0)  # the classes a special adjoint can be in, by index
_MARGIN = 0.05  # decades kept from the overflow/underflow edge: the chain's own rounding moves its log < 1e-4
DUST = 16  # ulps of the smallest subnormal: below this a gradient's rounding may differ between the methods
_BIG = 1e6  # a zero factor ends a chain: a -BIG (or +BIG) step in the prefix sums of log10|factor| marks it


def _classes(x: torch.Tensor) -> torch.Tensor:
    """Index into _SPECIAL of each value (a special adjoint's products are always special: inf, NaN or 0)."""
    return torch.where(torch.isnan(x), 2, torch.where(x == math.inf, 0, torch.where(x == -math.inf, 1, 3)))


def _unsafe(wh, H, A, S, F, up, grads) -> torch.Tensor:
    """Cells (L-1, i) where the tangents may disagree with autograd on inf/NaN/0: replay those exactly."""
    info = torch.finfo(wh.dtype)
    top, least = math.log10(info.max), math.log10(info.smallest_normal * info.eps)
    state_bad = ~(torch.isfinite(H[1:]) & torch.isfinite(A))
    unsafe = torch.cummax(state_bad.to(torch.int8), 0).values.bool()  # some h_t or a_t, t <= L, inf or NaN
    unsafe |= ~torch.isfinite(up) | (up == 0)  # the adjoint starts special: the table alone answers
    for g in grads.values():
        unsafe |= ~torch.isfinite(g)
    f = torch.log10(F.double().abs())
    zero = F == 0
    n = F.shape[1]
    z0 = torch.zeros((1, n), dtype=torch.float64)
    down = torch.cat([z0, torch.cumsum(torch.where(zero, -_BIG, f), 0)])  # a zero factor: far below
    up_ = torch.cat([z0, torch.cumsum(torch.where(zero, _BIG, f), 0)])  # a zero factor: far above
    log_up = torch.log10(up.double().abs())
    # log10 of the adjoint chain's partial products |lam_t / lam_L| over t = L..0, within the segment after
    # the last zero factor (before it the chain is exactly 0 in both methods): their max and min
    most = down[1:] - torch.cummin(down, 0).values[1:]
    least_chain = up_[1:] - torch.cummax(up_, 0).values[1:]
    steps = torch.arange(F.shape[0] + 1, dtype=torch.int64)[:, None].expand(-1, n)
    last_zero = torch.cummax(torch.where(torch.cat([torch.zeros((1, n), dtype=torch.bool), zero]), steps, 0),
                             0).values[1:]
    end = up_[1:] - torch.gather(up_, 0, last_zero)  # the chain at t = 0, or just above its last zero factor
    ln10 = math.log(10.0)
    terms = {}
    for p, w in (("wh", torch.log10((S * H[:-1]).double().abs())), ("wx", torch.log10(S.double().abs()))):
        # log10 of sum_t |lam_t/lam_L act'(a_t) h_{t-1}| (resp. |... act'(a_t)|): a bound on every partial sum
        terms[p] = down[1:] + torch.logcumsumexp((w - down[1:]) * ln10, 0) / ln10
    largest = torch.maximum(most, torch.maximum(terms["wh"], terms["wx"]))
    unsafe |= torch.nan_to_num(log_up + largest, nan=0.0) > top - _MARGIN
    # a chain that sinks to 0 on the way and then would rise again (not the end's own underflow)
    unsafe |= (log_up + least_chain < least + _MARGIN) & (least_chain < end - 1)
    # tangents that underflowed to 0 where the exact chain ends well above the smallest float (float64's
    # prefix products can). Results within a few ulps of the smallest subnormal are left to rounding: there
    # a chain of subnormal products and one rounded tangent may differ by an ulp, 0 or DUST (replaying every
    # such cell would cost L steps each, across the whole vanishing tail of a sweep).
    unsafe |= (grads["h_init"] == 0) & (log_up + end > least + 1) & ~_zero_anywhere(zero)
    return unsafe


def _zero_anywhere(zero: torch.Tensor) -> torch.Tensor:
    """Cells whose chain has an exactly-zero factor at some t <= L."""
    return torch.cummax(zero.to(torch.int8), 0).values.bool()


def _tables(act, wh, H, A, rows: torch.Tensor, t_max: int) -> tuple[torch.Tensor, ...]:
    """G[t][r, c]: autograd's outcome over steps t..1 for row rows[r] entered with a special adjoint lam_t of class
    c: the class of dL/dh_init, and of what the steps add to dL/dwh and dL/dwx. Exact: it runs the very kernels
    on inf, -inf, NaN and 0."""
    dtype, r = wh.dtype, rows.numel()
    special = torch.tensor(_SPECIAL, dtype=dtype)
    add = _classes(special[:, None] + special[None, :])  # class of x + y by classes
    lam0 = torch.empty((t_max + 1, r, 4), dtype=torch.int64)
    add_wh, add_wx = torch.empty_like(lam0), torch.empty_like(lam0)
    lam0[0], add_wh[0], add_wx[0] = torch.arange(4).expand(r, 4), 3, 3
    lam = special.expand(r, 4).contiguous()
    w = wh[rows][:, None].expand(r, 4)
    for t in range(1, t_max + 1):
        a, h, h_prev = (X[i, rows][:, None].expand(r, 4).contiguous() for X, i in ((A, t - 1), (H, t), (H, t - 1)))
        ga = act.backward(lam, a, h)
        nxt = _classes(ga * w)
        lam0[t] = torch.gather(lam0[t - 1], 1, nxt)
        add_wh[t] = add[_classes(ga * h_prev), torch.gather(add_wh[t - 1], 1, nxt)]
        add_wx[t] = add[_classes(ga), torch.gather(add_wx[t - 1], 1, nxt)]
    return lam0, add_wh, add_wx


def _exact_where_special(act, wh, H, A, S, F, up, grads) -> None:
    """Overwrite the unsafe cells of grads (h_init, wh, wx) with autograd's exact values."""
    Ls, rows = torch.nonzero(_unsafe(wh, H, A, S, F, up, grads), as_tuple=True)
    if Ls.numel() == 0:
        return
    Ls = Ls + 1
    n = wh.numel()
    lam = up[Ls - 1, rows].clone()
    s_wh, s_wx = torch.zeros_like(lam), torch.zeros_like(lam)
    t = Ls.clone()
    a_flat, h_flat = A.reshape(-1), H.reshape(-1)
    # autograd's own steps, from t = L down, while the adjoint is an ordinary number; the cells still replaying
    # are kept packed (index k, their state in c_*) so that a step costs only the live cells
    k = torch.nonzero(torch.isfinite(lam) & (lam != 0), as_tuple=True)[0]
    c_lam, c_wh, c_wx, c_t, c_r = lam[k], s_wh[k], s_wx[k], t[k], rows[k]
    c_w = wh[c_r]
    while k.numel():
        at = (c_t - 1) * n + c_r  # flat index of a_t (row t-1 of A) and of h_{t-1} (row t-1 of H)
        ga = act.backward(c_lam, a_flat[at], h_flat[at + n])
        c_wh = c_wh + ga * h_flat[at]
        c_wx = c_wx + ga
        c_lam = ga * c_w
        c_t = c_t - 1
        go = (c_t > 0) & torch.isfinite(c_lam) & (c_lam != 0)
        if not bool(go.all()):  # write the finished cells back, keep the rest packed
            done = ~go
            kd = k[done]
            lam[kd], s_wh[kd], s_wx[kd], t[kd] = c_lam[done], c_wh[done], c_wx[done], c_t[done]
            k, c_lam, c_wh, c_wx, c_t, c_r, c_w = (x[go] for x in (k, c_lam, c_wh, c_wx, c_t, c_r, c_w))
    h_init, d_wh, d_wx = lam.clone(), s_wh, s_wx
    rest = t > 0  # stopped on a special adjoint: the table finishes steps t..1
    if bool(rest.any()):
        used, row_of = torch.unique(rows[rest], return_inverse=True)
        lam0, add_wh, add_wx = _tables(act, wh, H, A, used, int(t[rest].max()))
        special = torch.tensor(_SPECIAL, dtype=wh.dtype)
        tr, c = t[rest], _classes(lam[rest])
        h_init[rest] = special[lam0[tr, row_of, c]]
        d_wh[rest] = s_wh[rest] + special[add_wh[tr, row_of, c]]
        d_wx[rest] = s_wx[rest] + special[add_wx[tr, row_of, c]]
    for p, v in (("h_init", h_init), ("wh", d_wh), ("wx", d_wx)):
        grads[p][Ls - 1, rows] = v


def sweep(config: Config, wh_values, L_max: int, params=SWEEP_PARAMS, method: str = "auto") -> pd.DataFrame:
    """Long form (wh_init, L, param, grad): every wh in wh_values, every L in 1..L_max.

    params: a non-empty list of distinct names from the cell's params (config.params), in the order the frame
    lists them. The frame has len(wh_values) x L_max x len(params) rows, at most budget.SWEEP_ROWS.
    """
    config = check_config(config)
    params = name_list("params", params, config.params)
    wh = number_list("wh_values", wh_values, config.dtype)  # materialised once: an iterator is read here only
    L_max = whole_number("L_max", L_max, 1, L_MAX)
    budget.check(budget.sweep_rows(wh.size, L_max, len(params)), budget.SWEEP_ROWS,
                 f"the frame's len(wh_values) x L_max x len(params) = {wh.size} x {L_max} x {len(params)} rows",
                 "use fewer wh values, a smaller L_max or fewer params (or sweep_arrays, which builds no frame)")
    arrays = sweep_arrays(config, wh, L_max, method, extras=False)
    cells = wh.size * L_max
    return pd.DataFrame({
        "wh_init": np.tile(np.repeat(wh, L_max), len(params)),
        "L": np.tile(np.arange(1, L_max + 1, dtype=np.int64), wh.size * len(params)),
        "param": pd.Categorical.from_codes(np.repeat(np.arange(len(params), dtype=np.int8), cells),
                                           categories=list(params)),
        "grad": np.concatenate([arrays[p].reshape(-1) for p in params]).astype(np.float64, copy=False),
    })
