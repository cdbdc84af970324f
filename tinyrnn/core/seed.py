"""The seed notebook's experiment: its grid of settings, run one cell at a time exactly as the notebook did."""
from __future__ import annotations

import pandas as pd

from .config import Config
from .diagnosis import diagnose
from .engine import run
from .report import graded_gradients

SEED_WH = (0.1, 1.0, 10.0)
SEED_L = (1, 2, 3, 4, 5, 10)
SEED_PARAMS = ("h_init", "wh", "wy")  # the seed prints rnn.named_parameters(): wx is not one


def seed_experiment(dtype: str = "float32", wh_values=SEED_WH, lengths=SEED_L, **settings) -> pd.DataFrame:
    """Long form wh_init, L, param, grad, status, diagnosis: one run per cell, as the seed's loop does it."""
    rows = []
    for wh in wh_values:
        for L in lengths:
            result = run(Config(wh_init=wh, L=L, dtype=dtype, **settings))
            diagnosis = diagnose(result)
            grads = graded_gradients(result, diagnosis).set_index("param")
            rows += [{"wh_init": wh, "L": L, "param": p, "grad": result.grads[p], "status": grads.status[p],
                      "diagnosis": diagnosis.word} for p in SEED_PARAMS]
    return pd.DataFrame(rows)
