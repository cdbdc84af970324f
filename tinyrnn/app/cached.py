"""Cached computations: one Report per setting, shared by every session of the process (a room on one setting
computes it once). st.cache_data hashes the frozen Config itself and returns each caller its own copy."""
from __future__ import annotations

import time

import pandas as pd
import streamlit as st

from ..core.config import Config
from ..core.engine import run
from ..core.phase import gradient_lines, phase_diagram
from ..core.report import Report
from ..core.seed import seed_experiment
from . import exercises


@st.cache_data(max_entries=512, show_spinner=False)
def report(cfg: Config) -> Report:
    """Everything the Explorer shows for one setting."""
    return Report.from_config(cfg)


@st.cache_data(max_entries=4, show_spinner=False)
def seed(dtype: str) -> pd.DataFrame:
    """The seed notebook's grid, one run per cell as the seed did it."""
    return seed_experiment(dtype)


@st.cache_data(max_entries=64, show_spinner=False)
def lines(cfg: Config, whs: tuple[float, ...], param: str) -> pd.DataFrame:
    """dL/dparam for L = 1..cfg.L at each wh_init, with every cell's status."""
    return gradient_lines(cfg, list(whs), cfg.L, param)


@st.cache_data(max_entries=64, show_spinner=False)
def phase(cfg: Config, span: float, res: int, param: str, display_max: int = 100, over: str = "wh") -> dict:
    """The phase diagram over wh_init (or the gate's bz) in [-span, span] x L = 1..res, and its time (seconds)."""
    start = time.perf_counter()
    out = phase_diagram(cfg, span, res, param, display_max, over)
    return {**out, "seconds": time.perf_counter() - start}


@st.cache_data(max_entries=16, show_spinner=False)
def answer(number: int):
    """An exercise's answer, computed by the engine (once per process)."""
    return exercises.answer(number)


@st.cache_data(max_entries=256, show_spinner=False)
def truncated(cfg: Config, k: int) -> dict[str, float]:
    """Gradients from autograd with h_{L-k} detached: truncated BPTT's own numbers (a witness for the chart)."""
    return run(cfg, truncate=min(k, cfg.L)).grads
