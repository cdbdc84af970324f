"""The two one-unit cells, as pure functions on tensors that broadcast.

plain (the seed's):  a_t = wh*h_{t-1} + wx*x_t,   h_t = act(a_t)
gated ("gru", a GRU-style unit with an update gate only):
    z_t = sigmoid(wz*h_{t-1} + uz*x_t + bz)        how much of the new candidate to write
    c_t = act(wh*h_{t-1} + wx*x_t)                 the candidate: the plain cell's value (tanh, as in a GRU,
                                                   unless another activation is chosen)
    h_t = (1 - z_t)*h_{t-1} + z_t*c_t

Every parameter is a tensor (or a float) that broadcasts against h and x: a scalar per parameter for one run,
a vector over wh values for a sweep, or a column per model for a batch of seeds x lengths. No function here
holds state, draws random numbers or changes torch's global settings. Activations come from the registry
(activations.py), so each one's value and slope are computed by the very kernels autograd uses.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import torch

from . import activations
from .names import CELL_NAMES, GATE_PARAMS, PARAM_MEANINGS

CELLS = CELL_NAMES
PLAIN_PARAMS = ("h_init", "wh", "wx", "wy")
GRU_PARAMS = PLAIN_PARAMS + GATE_PARAMS
PARAMS = {"plain": PLAIN_PARAMS, "gru": GRU_PARAMS}
__all__ = ["CELLS", "GATE_PARAMS", "GRU_PARAMS", "PARAMS", "PARAM_MEANINGS", "PLAIN_PARAMS", "activate",
           "activation_slope", "gru_parts", "gru_sensitivities", "gru_step", "gru_step_factor", "plain_preact",
           "plain_step", "plain_step_factor", "readout", "run_sequence", "step_factors"]


def _check_cell(cell: str) -> None:
    if cell not in CELLS:
        raise ValueError(f"cell={cell!r} is unknown; choose one of {', '.join(CELLS)}")


def activate(a: torch.Tensor, activation: str) -> torch.Tensor:
    """act(a) with the registry's torch call (torch.relu for relu, as the seed), so float32 rounds alike."""
    return activations.get(activation).fn(a)


def activation_slope(a: torch.Tensor, h: torch.Tensor, activation: str) -> torch.Tensor:
    """act'(a) given a and h = act(a), computed by the very ATen kernel autograd calls (so it rounds alike).

    relu: 1 where h > 0, else 0 (autograd masks on the output, so a = 0 has slope 0);
    leaky_relu: 1 where a > 0, else 0.01 (autograd masks on the input); tanh: 1 - h^2; sigmoid: h*(1 - h);
    identity: 1.
    """
    return activations.get(activation).slope(a, h)


# ---------------------------------------------------------------- plain cell

def plain_preact(h_prev, x, wh, wx) -> torch.Tensor:
    """a_t = wh*h_{t-1} + wx*x_t, written in the seed's order (its float32 numbers depend on it)."""
    return wh * h_prev + wx * x


def plain_step(h_prev, x, wh, wx, activation: str = "relu") -> torch.Tensor:
    """h_t = act(wh*h_{t-1} + wx*x_t)."""
    return activate(plain_preact(h_prev, x, wh, wx), activation)


def plain_step_factor(h_prev, x, wh, wx, activation: str = "relu") -> torch.Tensor:
    """dh_t/dh_{t-1} = wh * act'(a_t), a_t = wh*h_{t-1} + wx*x_t.

    Derivation: h_t = act(a_t) and da_t/dh_{t-1} = wh, so the chain rule gives act'(a_t)*wh. The gradient
    reaching h_0 from h_L is the product of L such factors; with |factor| < 1 at every step it shrinks
    geometrically (vanishes), with |factor| > 1 it grows (explodes).
    """
    a = plain_preact(h_prev, x, wh, wx)
    return wh * activation_slope(a, activate(a, activation), activation)


# ---------------------------------------------------------------- gated cell

class GRUParts(NamedTuple):
    """One gated step's pieces: the gate z_t, the candidate c_t and the new state h_t."""

    z: torch.Tensor
    c: torch.Tensor
    h: torch.Tensor


def gru_parts(h_prev, x, wh, wx, wz, uz, bz, activation: str = "tanh") -> GRUParts:
    """z_t = sigmoid(wz*h_{t-1} + uz*x_t + bz), c_t = act(wh*h_{t-1} + wx*x_t), h_t = (1-z_t)*h_{t-1} + z_t*c_t.

    The candidate has no bias, so h_{t-1} = x_t = 0 gives c_t = act(0) and h_t = 0 exactly for tanh, relu,
    leaky_relu and identity, whatever the gate: zero input leaves a zero state at rest (the memory task pads
    short sequences with such steps).
    """
    z = torch.sigmoid(wz * h_prev + uz * x + bz)
    c = activate(plain_preact(h_prev, x, wh, wx), activation)
    return GRUParts(z, c, (1 - z) * h_prev + z * c)


def gru_step(h_prev, x, wh, wx, wz, uz, bz, activation: str = "tanh") -> torch.Tensor:
    """h_t of the gated cell (see gru_parts)."""
    return gru_parts(h_prev, x, wh, wx, wz, uz, bz, activation).h


class GRUSensitivities(NamedTuple):
    """Partial derivatives of h_t = (1-z)*h_{t-1} + z*c at one step.

    keep: dh_t/dh_{t-1} through the (1 - z) path alone, = 1 - z;
    cand: dh_t/da_c, a_c = wh*h_{t-1} + wx*x_t the candidate's pre-activation, = z*act'(a_c) (z*(1 - c^2) for tanh);
    gate: dh_t/da_z, a_z = wz*h_{t-1} + uz*x_t + bz the gate's pre-activation, = (c - h_{t-1})*z*(1 - z).
    """

    keep: torch.Tensor
    cand: torch.Tensor
    gate: torch.Tensor


def gru_sensitivities(h_prev, z, c, slope=None) -> GRUSensitivities:
    """The three partials of one gated step, from its h_{t-1}, z_t, c_t and the candidate's slope act'(a_c)
    (see GRUSensitivities); slope None means tanh's, 1 - c^2."""
    keep = 1 - z
    return GRUSensitivities(keep, z * (1 - c * c) if slope is None else z * slope, (c - h_prev) * z * keep)


def gru_step_factor(h_prev, x, wh, wx, wz, uz, bz, activation: str = "tanh") -> torch.Tensor:
    """dh_t/dh_{t-1} = (1 - z_t) + z_t*act'(a_c)*wh + (c_t - h_{t-1})*z_t*(1 - z_t)*wz  (act' = 1 - c_t^2 for tanh).

    Derivation: h_t = (1 - z_t)*h_{t-1} + z_t*c_t depends on h_{t-1} three ways.
      1. directly, through the kept share (1 - z_t)*h_{t-1}:                 (1 - z_t)
      2. through the candidate c_t = act(a_c), a_c = wh*h_{t-1} + wx*x_t:
         dh_t/dc_t * dc_t/da_c * da_c/dh_{t-1} = z_t * act'(a_c) * wh
      3. through the gate z_t = sigmoid(a_z), a_z = wz*h_{t-1} + uz*x_t + bz:
         dh_t/dz_t = c_t - h_{t-1}, dz_t/da_z = z_t*(1 - z_t), da_z/dh_{t-1} = wz
    and the chain rule adds the three. The additive (1 - z_t) is what a plain cell lacks: when the gate is
    mostly closed (z_t near 0) the factor is near 1 whatever wh and the tanh slope are, so the gradient
    passes many steps without vanishing, as the state itself does.
    """
    z, c, _ = gru_parts(h_prev, x, wh, wx, wz, uz, bz, activation)
    s = gru_sensitivities(h_prev, z, c, activation_slope(plain_preact(h_prev, x, wh, wx), c, activation))
    return s.keep + s.cand * wh + s.gate * wz


# ---------------------------------------------------------------- whole sequences

def _unpack(cell: str, params: Mapping, like: torch.Tensor) -> list[torch.Tensor]:
    """h_init, wh, wx (then wz, uz, bz for the gru) from params, as tensors of like's dtype."""
    _check_cell(cell)
    needed = ("h_init", "wh", "wx") + (GATE_PARAMS if cell == "gru" else ())
    missing = [p for p in needed if p not in params]
    if missing:
        raise ValueError(f"params lacks {', '.join(missing)}; the {cell} cell needs {', '.join(needed)}")
    return [v if isinstance(v := params[p], torch.Tensor) else torch.as_tensor(v, dtype=like.dtype) for p in needed]


def _activation_of(cell: str, activation: str | None) -> str:
    """The activation a cell uses when none is named: the seed's relu for the plain cell, tanh for the gru."""
    return activation or ("tanh" if cell == "gru" else "relu")


def run_sequence(cell: str, x_seq: torch.Tensor, params: Mapping, activation: str | None = None) -> torch.Tensor:
    """h_0..h_L stacked along dim 0, for x_seq of shape (L, *batch); params maps names to broadcastable values.

    params needs h_init, wh, wx (and wz, uz, bz for the gru); activation is the plain cell's or the gru's
    candidate's (None: relu for the plain cell, as the seed; tanh for the gru, as a GRU).
    Every h_t is broadcast to the shape common to all of them.
    """
    h, wh, wx, *gate = _unpack(cell, params, x_seq)
    activation = _activation_of(cell, activation)
    hs = [h]
    for x in x_seq:
        h = gru_step(h, x, wh, wx, *gate, activation) if cell == "gru" else plain_step(h, x, wh, wx, activation)
        hs.append(h)
    return torch.stack(torch.broadcast_tensors(*hs))


def readout(h, wy, by=None) -> torch.Tensor:
    """y = wy*h, the seed's readout, or wy*h + by with a bias (the memory task needs one, see memory.py)."""
    return wy * h if by is None else wy * h + by


def step_factors(cell: str, x_seq: torch.Tensor, params: Mapping, activation: str | None = None) -> torch.Tensor:
    """f_1..f_L, f_t = dh_t/dh_{t-1} in closed form, along the run of run_sequence (shape (L, *batch)).

    Their product f_1*...*f_L is the gain dh_L/dh_0 that decides whether a gradient vanishes or explodes.
    """
    hs = run_sequence(cell, x_seq, params, activation)
    _, wh, wx, *gate = _unpack(cell, params, x_seq)
    activation = _activation_of(cell, activation)
    if cell == "gru":
        fs = [gru_step_factor(h, x, wh, wx, *gate, activation) for h, x in zip(hs[:-1], x_seq, strict=True)]
    else:
        fs = [plain_step_factor(h, x, wh, wx, activation) for h, x in zip(hs[:-1], x_seq, strict=True)]
    return torch.stack(torch.broadcast_tensors(*fs))
