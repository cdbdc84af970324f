"""run(config): one forward pass and one reverse-mode backward, exactly as the seed does it."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import torch

from .config import PARAMS, Config
from .diagnosis import Diagnosis, diagnose
from .model import TinyRNN


@dataclass(frozen=True)
class Result:
    """Everything one run produced, as plain numbers (no tensors, no graph)."""

    config: Config
    hidden: np.ndarray  # h_0..h_L in the run's dtype
    preacts: np.ndarray  # a_1..a_L, a_t = wh*h_{t-1} + wx*x_t
    outputs: np.ndarray  # y_1..y_L
    target: float  # what y_L was compared with
    loss: float
    grads: dict[str, float]  # dL/dtheta for h_init, wh, wy and (as if trainable) wx
    diagnosis: Diagnosis | None = field(default=None, repr=False)

    @property
    def y_last(self) -> float:
        """y_L, the output the loss looks at."""
        return float(self.outputs[-1])

    def to_frame(self) -> pd.DataFrame:
        """Tidy per-step frame: t, a, h, y, step factor dh_t/dh_{t-1}, gain dh_t/dh_0, dL/dwh term."""
        from . import analysis

        steps = np.arange(self.config.L + 1)
        nan = np.array([np.nan])
        return pd.DataFrame({
            "t": steps,
            "a": np.concatenate([nan, self.preacts.astype(np.float64)]),
            "h": self.hidden.astype(np.float64),
            "y": np.concatenate([nan, self.outputs.astype(np.float64)]),
            "factor": np.concatenate([nan, analysis.step_factors(self)]),
            "gain": analysis.long_range_gain(self),
            "wh_term": np.concatenate([nan, analysis.temporal_contributions(self)]),
        })

    def grads_frame(self) -> pd.DataFrame:
        """One row per parameter: param, grad, |grad|, sign, trainable."""
        grad = np.array([self.grads[p] for p in PARAMS])
        return pd.DataFrame({
            "param": list(PARAMS), "grad": grad, "magnitude": np.abs(grad),
            "sign": np.sign(grad), "trainable": [p != "wx" for p in PARAMS],
        })


def run(config: Config) -> Result:
    """Run the seed's experiment for one Config and return plain numbers."""
    model = TinyRNN(config)  # a fresh module per call: no .grad is ever shared
    dtype = config.torch_dtype
    x_seq = torch.ones(config.L, dtype=dtype)
    y_seq, h_seq, a_seq = model(x_seq)
    y_last = y_seq[-1]
    y_true = config.target_for(y_last)  # the seed's y_L - offset unless a fixed target is set
    loss = torch.nn.MSELoss()(y_last, y_true)
    loss.backward()
    grads = {name: float(getattr(model, name).grad) for name in PARAMS}
    result = Result(
        config=config,
        hidden=h_seq.detach().numpy().copy(),
        preacts=a_seq.detach().numpy().copy(),
        outputs=y_seq.detach().numpy().copy(),
        target=float(y_true),
        loss=float(loss.detach()),
        grads=grads,
    )
    return dataclasses.replace(result, diagnosis=diagnose(result))
