"""The gated cell over many settings at once: its forward pass with forward-mode derivatives (RTRL).

A sweep (one setting per wh or bz value) and a landscape (one per grid point) need dL/dtheta for every setting
and, for a sweep, every length L. Reverse mode would need one backward pass per L; carrying the tangents
dh_t/dtheta forward instead costs one pass for all L (Williams & Zipser 1989):

    dh_t/dtheta = f_t * dh_{t-1}/dtheta + (the step's own partial of h_t with respect to theta)
    f_t = dh_t/dh_{t-1} = (1 - z_t) + z_t act'(a_t) wh + (c_t - h_{t-1}) z_t (1 - z_t) wz      (cells.py)

with the own partials, from h_t = (1 - z_t) h_{t-1} + z_t c_t, c_t = act(a_t), a_t = wh h_{t-1} + wx x_t and
z_t = sigmoid(wz h_{t-1} + uz x_t + bz), x_t = 1:
    wh: z_t act'(a_t) h_{t-1}     wx: z_t act'(a_t)     wz: (c_t - h_{t-1}) z_t (1 - z_t) h_{t-1}
    uz: (c_t - h_{t-1}) z_t (1 - z_t)     bz: the same     h_init: none (dh_0/dh_init = 1)

The states are computed in the config's dtype by the very step functions run() uses, so h, y and the loss are
run()'s numbers bit for bit; the tangents are carried in float64 and rounded to the dtype at the end, so a
gradient equals autograd's up to rounding (autograd sums the same terms in another order, in the dtype).
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import torch

from . import activations, cells
from .config import Config
from .names import GATE_PARAMS

TANGENT_PARAMS = ("h_init", "wh", "wx") + GATE_PARAMS  # wy needs none: y_L = wy h_L reads h_L directly


class GatedPass(NamedTuple):
    """One pass over t = 1..L_max for n settings: states in the dtype, tangents in float64.

    With store=True every step is kept (rows t = 1..L_max; H also has h_0 in row 0); with store=False only the
    last (H holds h_{L_max-1} and h_{L_max}, the rest hold the last row), which is all a landscape needs.
    """

    H: torch.Tensor  # h_t
    Z: torch.Tensor  # z_t, the update gate
    A: torch.Tensor  # a_t, the candidate's pre-activation
    F: torch.Tensor  # f_t = dh_t/dh_{t-1}, in the dtype
    D: dict[str, torch.Tensor]  # dh_t/dtheta for theta in TANGENT_PARAMS, float64
    bad_before: torch.Tensor  # per setting: some h_t, t < L_max, is inf or NaN (then dL/dwy is NaN, as autograd)
    chain: torch.Tensor  # log10 of the largest |f_{s+1} ... f_t| over s <= t: autograd's biggest partial product
    size: torch.Tensor  # log10 max(1, |h_0|, ..., |h_t|): the largest state a step's own term multiplies


def settings(config: Config, varied: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Every gru parameter as a vector over n settings: the varied ones as given, the rest from config."""
    n = next(iter(varied.values())).numel()
    dtype = config.torch_dtype
    return {p: varied[p] if p in varied else torch.full((n,), config.value_of(p), dtype=dtype)
            for p in config.params}


def gated_pass(config: Config, theta: dict[str, torch.Tensor], L_max: int, store: bool = True) -> GatedPass:
    """Run the gated cell for L_max steps on every setting in theta (vectors of one length n, see settings())."""
    act, dtype = activations.get(config.activation), config.torch_dtype
    wh, wx, wz, uz, bz = (theta[p] for p in ("wh", "wx", "wz", "uz", "bz"))
    wh64, wz64 = wh.double(), wz.double()
    n = wh.numel()
    rows = L_max if store else 1
    H = torch.empty((rows + 1, n), dtype=dtype)
    Z, A, F = (torch.empty((rows, n), dtype=dtype) for _ in range(3))
    D = {p: torch.empty((rows, n), dtype=torch.float64) for p in TANGENT_PARAMS}
    chain, size = torch.empty((rows, n), dtype=torch.float64), torch.empty((rows, n), dtype=torch.float64)
    prefix, lowest = torch.zeros(n, dtype=torch.float64), torch.zeros(n, dtype=torch.float64)  # log10|f_1..f_t|, min
    biggest = theta["h_init"].double().abs().clamp(min=1.0)
    one = torch.ones((), dtype=dtype)  # x_t = 1 at every step, as run() feeds the model
    h = theta["h_init"]
    d = {p: torch.ones(n, dtype=torch.float64) if p == "h_init" else torch.zeros(n, dtype=torch.float64)
         for p in TANGENT_PARAMS}
    bad_before = torch.zeros(n, dtype=torch.bool)
    if store:
        H[0] = h
    for t in range(L_max):
        if t > 0:
            bad_before |= ~torch.isfinite(h)
        z, c, h_next = cells.gru_parts(h, one, wh, wx, wz, uz, bz, config.activation)
        a = cells.plain_preact(h, one, wh, wx)
        s = cells.gru_sensitivities(h, z, c, act.slope(a, c))
        f = s.keep + s.cand * wh + s.gate * wz  # dh_t/dh_{t-1}, in the dtype (as analysis.dynamics)
        keep, cand, gate, h64 = s.keep.double(), s.cand.double(), s.gate.double(), h.double()
        f64 = keep + cand * wh64 + gate * wz64
        own = {"h_init": None, "wh": cand * h64, "wx": cand, "wz": gate * h64, "uz": gate, "bz": gate}
        d = {p: f64 * d[p] if own[p] is None else f64 * d[p] + own[p] for p in TANGENT_PARAMS}
        row = t if store else 0
        Z[row], A[row], F[row] = z, a, f
        prefix = prefix + torch.log10(f64.abs())
        lowest = torch.minimum(lowest, prefix)
        biggest = torch.maximum(biggest, h_next.double().abs())  # NaN stays NaN: flagged below
        chain[row], size[row] = prefix - lowest, torch.log10(biggest)
        for p in TANGENT_PARAMS:
            D[p][row] = d[p]
        if not store and t == L_max - 1:
            H[0] = h
        h = h_next
        H[row + 1] = h
    return GatedPass(H, Z, A, F, D, bad_before, chain, size)


def exact_zeros(config: Config, hidden, preacts) -> dict[str, np.ndarray]:
    """Which computed zeros of the gated cell's gradients are zero in exact math, per (L, setting).

    hidden holds h_0..h_L_max (rows) and preacts a_1..a_L_max, one column per setting, as computed. A gradient
    sums one term per step t <= L, times dL/dh_t (never 0 in exact math: the kept share 1 - z_t > 0 keeps every
    factor's chain alive, a zero upstream aside, which the caller adds). Step t's term is exactly 0 when
      wh: z_t act'(a_t) h_{t-1} with act'(a_t) = 0 (relu off: a_t <= 0, whose sign rounding never flips) or
          h_{t-1} = 0;            wx: z_t act'(a_t), so relu off;
      wz: (c_t - h_{t-1}) z_t (1 - z_t) h_{t-1} with c_t = h_{t-1} (the gate chooses between equal values) or
          h_{t-1} = 0;            uz, bz: the same without h_{t-1}, so c_t = h_{t-1};
    and dL/dwy = dL/dy_L h_L is 0 when h_L is. c_t = act(a_t) is recomputed here in float64 from the run's own
    a_t, so a float32 tanh that rounded to 1.0 does not count as equal to h_{t-1} = 1 (its zero is rounding); a
    state of exactly 0 is taken as exact (it stays zero: c = act(0) = 0 for relu, tanh, identity and leaky_relu).
    h_init: never exactly 0.
    """
    act = activations.get(config.activation)
    H = torch.as_tensor(np.asarray(hidden, dtype=np.float64))
    A = torch.as_tensor(np.asarray(preacts, dtype=np.float64))
    prev = H[:-1]
    c = act.fn(A)
    relu_off = (A <= 0) if config.activation == "relu" else torch.zeros_like(A, dtype=torch.bool)
    same = c == prev  # the gate's partial (c_t - h_{t-1}) z_t (1 - z_t) is 0

    def every(step_zero: torch.Tensor) -> np.ndarray:  # every term up to t is 0: cumulative AND over t
        return torch.cummin(step_zero.to(torch.int8), 0).values.bool().numpy()

    return {"h_init": np.zeros(A.shape, dtype=bool), "wh": every(relu_off | (prev == 0)), "wx": every(relu_off),
            "wz": every(same | (prev == 0)), "uz": every(same), "bz": every(same), "wy": (H[1:] == 0).numpy()}


# --- autograd's own backward, for the cells where the tangents could round to another special value -----------
# Where a value overflows or underflows, the order of the products decides between inf, NaN, 0 and a tiny number,
# so those cells are recomputed the way autograd computes them: its nodes for one gated step, run in its order
# (highest sequence number first; a buffer fed twice adds in arrival order), with the very ATen kernels:
#   h_t = k + m,  m = z*c,  k = (1 - z)*h_{t-1},  c = act(a),  a = wh*h_{t-1} + wx*1,
#   z = sigmoid(wz*h_{t-1} + uz*1 + bz), G = dL/dh_t:
#   dL/dz     = G*c + (-(G*h_{t-1}))                 (m's backward first, then the rsub's)
#   dL/da     = act.backward(G*z, a, c)
#   dL/dpre_z = sigmoid_backward(dL/dz, z)
#   dL/dh_{t-1} = (G*(1 - z) + dL/da*wh) + dL/dpre_z*wz     (k, then a's product, then the gate's product)
#   each parameter adds its step's term, step L first: wh += dL/da*h_{t-1}, wx += dL/da*1, wz += dL/dpre_z*h_{t-1},
#   uz += dL/dpre_z*1, bz += dL/dpre_z
_aten = torch.ops.aten
_MARGIN = 4.0  # decades kept from the dtype's edges: a sum of up to 2000 terms, rounded in two orders


def unsafe_cells(run: GatedPass, up: torch.Tensor, grads: dict[str, torch.Tensor]) -> torch.Tensor:
    """Cells (L-1, i) whose tangent gradients may differ from autograd's in a special value: replay those.

    Any non-finite state, upstream or gradient; a gradient within _MARGIN decades of the smallest normal number
    (0 included); or an adjoint chain |dL/dh_L| * |f_{t+1} ... f_L| * max(1, |h|) that comes within _MARGIN decades
    of overflow at some t <= L (the partial products autograd forms on its way back, not only the final one).
    """
    info = torch.finfo(up.dtype)
    # a non-finite state anywhere up to L makes the largest state so far inf or NaN too
    unsafe = ~torch.isfinite(run.size) | ~torch.isfinite(up)
    tiny = info.smallest_normal * 10**_MARGIN
    for g in grads.values():
        unsafe |= ~torch.isfinite(g) | (g.abs() < tiny)
    top = torch.log10(up.double().abs()) + run.chain + run.size
    return unsafe | (torch.nan_to_num(top, nan=math.inf) > math.log10(info.max) - _MARGIN)


def replay(config: Config, run: GatedPass, theta: dict[str, torch.Tensor], up: torch.Tensor, Ls: torch.Tensor,
           cols: torch.Tensor) -> dict[str, torch.Tensor]:
    """Autograd's gradients for the cells (Ls[k], cols[k]), exactly (see above); up is dL/dh_L for every cell."""
    act = activations.get(config.activation)
    n = run.H.shape[1]
    lam = up[Ls - 1, cols].clone()
    acc = {p: torch.zeros_like(lam) for p in ("wh", "wx", "wz", "uz", "bz")}
    wh, wz = theta["wh"][cols], theta["wz"][cols]
    h_flat, z_flat, a_flat = run.H.reshape(-1), run.Z.reshape(-1), run.A.reshape(-1)
    t = Ls.clone()
    live = torch.ones_like(Ls, dtype=torch.bool)
    first = True
    while bool(live.any()):
        k = torch.nonzero(live, as_tuple=True)[0]
        at = (t[k] - 1) * n + cols[k]  # row t-1 of Z and A, and of H (h_{t-1}); H's row t is at + n
        G, h_prev, z, a = lam[k], h_flat[at], z_flat[at], a_flat[at]
        c = act.fn(a)
        d_z = G * c + (-(G * h_prev))
        d_a = act.backward(G * z, a, c)
        d_pz = _aten.sigmoid_backward(d_z, z)
        lam[k] = (G * (1 - z) + d_a * wh[k]) + d_pz * wz[k]
        for p, term in (("wh", d_a * h_prev), ("wx", d_a), ("wz", d_pz * h_prev), ("uz", d_pz), ("bz", d_pz)):
            acc[p][k] = term if first else acc[p][k] + term
        t[k] -= 1
        live = t > 0
        first = False
    return {"h_init": lam, **acc}
