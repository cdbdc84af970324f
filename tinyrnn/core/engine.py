"""run(config): one forward pass and one reverse-mode backward, exactly as the seed does it."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from .config import Config, check_config, whole_number
from .model import TinyRNN


@dataclass(frozen=True)
class Result:
    """Everything one run produced, as plain numbers (no tensors, no graph)."""

    config: Config
    hidden: np.ndarray  # h_0..h_L in the run's dtype
    preacts: np.ndarray  # a_1..a_L, a_t = wh*h_{t-1} + wx*x_t (the candidate's, in the gru)
    outputs: np.ndarray  # y_1..y_L
    target: float  # what y_L was compared with
    loss: float
    grads: dict[str, float]  # dL/dtheta for h_init, wh, wy, (as if trainable) wx, and the gru's wz, uz, bz
    gates: np.ndarray  # the gru's update gate z_1..z_L; empty for the plain cell

    @property
    def y_last(self) -> float:
        """y_L, the output the loss looks at."""
        return float(self.outputs[-1])

    def grads_frame(self) -> pd.DataFrame:
        """One row per parameter of the cell: param, grad, |grad|, sign, trainable."""
        params = self.config.params
        grad = np.array([self.grads[p] for p in params])
        return pd.DataFrame({
            "param": list(params), "grad": grad, "magnitude": np.abs(grad),
            "sign": np.sign(grad), "trainable": [p != "wx" for p in params],
        })


def run(config: Config, truncate: int | None = None) -> Result:
    """Run the seed's experiment for one Config and return plain numbers.

    truncate=k backpropagates through the last k steps only (h_{L-k} is detached, as truncated BPTT does);
    the forward pass, and so the loss, are unchanged. truncate: None or a whole number 1..config.L. No budget:
    L <= L_MAX keeps one run under 0.1 s.
    """
    config = check_config(config)
    if truncate is not None:
        truncate = whole_number("truncate", truncate, 1, config.L)
    model = TinyRNN(config)  # a fresh module per call: no .grad is ever shared
    dtype = config.torch_dtype
    x_seq = torch.ones(config.L, dtype=dtype)
    y_seq, h_seq, a_seq, z_seq = model(x_seq, detach_at=None if truncate is None else config.L - truncate)
    y_last = y_seq[-1]
    y_true = config.target_for(y_last)  # the seed's y_L - offset unless a fixed target is set
    loss = torch.nn.MSELoss()(y_last, y_true)
    loss.backward()
    return Result(
        config=config,
        hidden=h_seq.detach().numpy().copy(),
        preacts=a_seq.detach().numpy().copy(),
        outputs=y_seq.detach().numpy().copy(),
        target=float(y_true),
        loss=float(loss.detach()),
        grads={name: _grad(getattr(model, name)) for name in config.params},
        gates=z_seq.detach().numpy().copy(),
    )


def _grad(tensor: torch.Tensor) -> float:
    """A parameter's gradient; a parameter cut off from the loss (truncated before h_0) gets exactly 0."""
    return 0.0 if tensor.grad is None else float(tensor.grad)
