"""TinyRNN: the seed notebook's one-unit RNN, with activation, initial values and dtype as knobs."""
from __future__ import annotations

import torch
import torch.nn as nn

from . import activations
from .config import Config


class TinyRNN(nn.Module):
    """h_t = act(wh*h_{t-1} + wx*x_t), y_t = wy*h_t, with h_0 = h_init a parameter."""

    def __init__(self, config: Config):
        super().__init__()
        dtype = config.torch_dtype
        self.act = activations.get(config.activation).fn
        self.h_init = nn.Parameter(torch.tensor(config.h_init, dtype=dtype))
        self.wh = nn.Parameter(torch.tensor(config.wh_init, dtype=dtype))
        # wx is frozen (not a Parameter, so an optimiser never moves it), but it
        # records its gradient so the lab can show what training it would do.
        self.wx = torch.tensor(config.wx, dtype=dtype, requires_grad=True)
        self.wy = nn.Parameter(torch.tensor(config.wy, dtype=dtype))

    def forward(self, x_seq: torch.Tensor, detach_at: int | None = None
                ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Run over x_seq; return outputs y_1..y_L, hiddens h_0..h_L, pre-activations a_1..a_L.

        detach_at=s cuts the graph at h_s (h_s.detach()): backprop then stops there, as truncated BPTT does.
        """
        h = self.h_init
        h_list, y_list, a_list = [h], [], []
        for t, x in enumerate(x_seq):
            if t == detach_at:
                h = h.detach()
            a = self.wh * h + self.wx * x  # same expression and order as the seed
            h = self.act(a)
            y_list.append(self.wy * h)
            h_list.append(h)
            a_list.append(a)
        return torch.stack(y_list), torch.stack(h_list), torch.stack(a_list)
