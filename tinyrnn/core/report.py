"""Report: everything the lab shows about one setting, computed once (then charts and pages only read it).

Like scikit-learn's `RocCurveDisplay.from_predictions`: `Report.from_config(cfg)` does all the work; nothing that
reads a Report computes. Each float64 reference run happens once, here, and is shared by the diagnosis and both
witnesses.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import tangents
from .analysis import Dynamics, dynamics, step_frame
from .config import Config
from .diagnosis import Diagnosis, diagnose
from .engine import Result, run
from .phase import gradient_lines
from .status import classify, exact_zeros
from .witnesses import reference_run, witnesses


@dataclass(frozen=True)
class Report:
    """One setting, read-only: the run, its float64 reference, the per-step story, the verdict and its witnesses."""

    config: Config
    result: Result  # the run in the config's dtype, exactly as the seed computes it
    reference: Result  # the same setting in float64 (the very same object when the config is float64)
    dynamics: Dynamics
    frame: pd.DataFrame  # one row per step t = 0..L: a, h, y, factor, gain, reach, wh_term
    grads: pd.DataFrame  # one row per parameter: param, grad, magnitude, sign, trainable
    by_length: pd.DataFrame  # dL/dtheta for every L' = 1..L at this wh_init, with each cell's status
    diagnosis: Diagnosis
    witnesses: pd.DataFrame  # autograd beside the closed form and float64 finite differences

    @classmethod
    def from_config(cls, config: Config) -> Report:
        """Compute everything for one setting: its run, one float64 reference run, one sweep over L."""
        result = run(config)
        reference = result if config.dtype == "float64" else reference_run(config)
        dyn = dynamics(result)
        diagnosis = diagnose(result, dyn, reference)
        return cls(config=config, result=result, reference=reference, dynamics=dyn,
                   frame=step_frame(result, dyn), grads=graded_gradients(result, diagnosis),
                   by_length=gradient_lines(config, [config.wh_init], config.L, config.params),
                   diagnosis=diagnosis, witnesses=witnesses(result, reference))


def graded_gradients(result: Result, diagnosis: Diagnosis) -> pd.DataFrame:
    """The gradients frame with each value's status: exactly 0, underflow, cancelled, inf, NaN or finite."""
    cfg, grads = result.config, result.grads_frame()
    if cfg.cell == "gru":
        exact = tangents.exact_zeros(cfg, result.hidden[:, None], result.preacts[:, None])
    else:
        exact = exact_zeros(cfg.activation, [cfg.wh_init], cfg.wx, cfg.h_init, result.preacts[:, None])
    no_signal = diagnosis.word == "no signal"
    zero_is_exact = [bool(exact[p][-1, 0]) or no_signal or (cfg.wy == 0 and p != "wy") for p in grads.param]
    return grads.assign(status=classify(grads.grad, diagnosis.word == "cancelled", np.array(zero_is_exact)))
