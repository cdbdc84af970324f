"""TinyRNN: the seed notebook's one-unit RNN, with activation, initial values, dtype and cell as knobs."""
from __future__ import annotations

from typing import NamedTuple

import torch
import torch.nn as nn

from . import activations, cells
from .config import Config
from .names import GATE_PARAMS


class Trace(NamedTuple):
    """What one forward pass went through: outputs y_1..y_L, states h_0..h_L, (candidate) pre-activations
    a_1..a_L, and the update gate z_1..z_L (empty for the plain cell)."""

    y: torch.Tensor
    h: torch.Tensor
    a: torch.Tensor
    z: torch.Tensor


class TinyRNN(nn.Module):
    """h_t = act(wh*h_{t-1} + wx*x_t) (plain) or its gated version (gru, see cells.py), y_t = wy*h_t,
    with h_0 = h_init a parameter."""

    def __init__(self, config: Config):
        super().__init__()
        dtype = config.torch_dtype
        self.cell, self.activation = config.cell, config.activation
        self.act = activations.get(config.activation).fn
        self.h_init = nn.Parameter(torch.tensor(config.h_init, dtype=dtype))
        self.wh = nn.Parameter(torch.tensor(config.wh_init, dtype=dtype))
        # wx is frozen (not a Parameter, so an optimiser never moves it), but it
        # records its gradient so the lab can show what training it would do.
        self.wx = torch.tensor(config.wx, dtype=dtype, requires_grad=True)
        self.wy = nn.Parameter(torch.tensor(config.wy, dtype=dtype))
        if config.cell == "gru":
            for name in GATE_PARAMS:
                setattr(self, name, nn.Parameter(torch.tensor(getattr(config, name), dtype=dtype)))

    def forward(self, x_seq: torch.Tensor, detach_at: int | None = None) -> Trace:
        """Run over x_seq; return the Trace (outputs, states, pre-activations, gates).

        detach_at=s cuts the graph at h_s (h_s.detach()): backprop then stops there, as truncated BPTT does.
        """
        h = self.h_init
        h_list, y_list, a_list, z_list = [h], [], [], []
        for t, x in enumerate(x_seq):
            if t == detach_at:
                h = h.detach()
            if self.cell == "gru":
                z, _, h = cells.gru_parts(h, x, self.wh, self.wx, self.wz, self.uz, self.bz, self.activation)
                z_list.append(z)
                a = cells.plain_preact(h_list[-1], x, self.wh, self.wx).detach()  # the candidate's, for the record
            else:
                a = self.wh * h + self.wx * x  # same expression and order as the seed
                h = self.act(a)
            y_list.append(self.wy * h)
            h_list.append(h)
            a_list.append(a)
        z = torch.stack(z_list) if z_list else torch.empty(0, dtype=x_seq.dtype)
        return Trace(torch.stack(y_list), torch.stack(h_list), torch.stack(a_list), z)
