"""The Memory page's training: each cell's runs at every length, cached for every session of the process.

Work: each cell trains on its own (so the gated cell's start and the plain cell's start are separate controls and
changing one retrains only that cell), all 20 lengths x the chosen seeds at once, cached with st.cache_data. The
loss curves come from the same runs, so choosing another L for them trains nothing. No widgets here: the page
(memory_view.py) and the server's warm-up (warmup.py) both call train_both().
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from ..charts import memory as mc
from ..core import memory as M

GRID_L = (1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 70, 80, 90, 100)  # (b) and (c): 20 lengths
CURVE_L = (5, 10, 20, 50, 100)  # (a): a few lengths, all in GRID_L (their curves come from the grid's runs)
GATED_STARTS = {"closed": -4.0, "pytorch": None}  # the `gate` control's options -> the gated cell's bz
PLAIN_STARTS = {"tanh": ("tanh", "pytorch"), "irnn": ("relu", "identity")}  # `plain` -> activation, init
OPTIMIZERS = {"adam": ("adam", 0.05), "sgd": ("sgd", 0.5)}  # `opt` -> optimizer, learning rate
MAX_SEEDS, SEEDS = 20, 5
STEPS = M.DEFAULTS["steps"]


@dataclass(frozen=True)
class Choice:
    """What the page's controls say for the training: each cell's start, the optimizer, the seeds per length."""

    gate_bias: float | None
    activation: str
    init: str
    optimizer: str
    lr: float
    seeds: int

    def settings(self, cell: str) -> dict:
        """core.memory settings for one cell: the gated cell always starts from PyTorch's default draws (plus
        its gate bias); the plain cell from its own start. Both share the optimizer."""
        common = {"optimizer": self.optimizer, "lr": self.lr, "steps": STEPS}
        if cell == "gru":
            return {**common, "gate_bias": self.gate_bias}
        return {**common, "activation": self.activation, "init": self.init}


@st.cache_data(max_entries=64, show_spinner=False)
def _grid(cell: str, seeds: int, settings: tuple, _report=None) -> dict[str, pd.DataFrame]:
    """One cell trained at every L of GRID_L x seeds 0..seeds-1: its runs and its loss curves at CURVE_L."""
    out = M.train_memory(GRID_L, range(seeds), cells=[cell], curves=True, on_progress=_report, **dict(settings))
    return {"runs": out.runs, "curves": out.curves[out.curves["L"].isin(CURVE_L)].reset_index(drop=True)}


@st.cache_data(max_entries=64, show_spinner=False)
def _witness(cell: str, seeds: int, settings: tuple) -> pd.DataFrame:
    """|dL/dh_1| at the start in float64, the same starts: tells an underflowed float32 0 from an exact one."""
    start = {k: v for k, v in settings if k not in ("optimizer", "lr", "steps")}
    return M.gradient_at_init(GRID_L, range(seeds), cells=[cell], dtype="float64", **start)


class Cancelled(Exception):
    """Raised inside training when the run that asked for it was interrupted (so nothing is cached)."""


class Progress:
    """Where the training thread is (written by it, read by the page's script thread), and whether the script
    run that asked for it was interrupted (written by that run, read by the training thread)."""

    def __init__(self) -> None:
        self.fraction, self.text, self.cancelled = 0.0, "Starting…", False


def train_both(choice: Choice, progress: Progress) -> dict[str, dict[str, pd.DataFrame]]:
    out = {}
    for i, cell in enumerate(mc.CELLS):
        def report(done: int, total: int, i=i, cell=cell) -> None:
            if progress.cancelled:  # nobody waits for this any more: free the CPU for the run that replaced it
                raise Cancelled(f"training of the {mc.CELLS[cell]} stopped at step {done * STEPS // total}")
            progress.fraction = (i + done / total) / len(mc.CELLS)
            progress.text = (f"Training the {mc.CELLS[cell]}: step {done * STEPS // total} of {STEPS}, "
                             f"{len(GRID_L)} lengths × {choice.seeds} seeds")
        settings = tuple(sorted(choice.settings(cell).items()))
        out[cell] = {**_grid(cell, choice.seeds, settings, _report=report),
                     "witness": _witness(cell, choice.seeds, settings)}
    return out
