"""The Training page's runs, verdicts, numbers and landscape (Streamlit), read off core.train and charts.training."""
from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from ..charts import training as tc
from ..core import budget, train
from ..core.config import Config
from ..core.landscape import landscape, window
from ..core.outcome import outcome
from . import widgets
from .controls import CONTROLS
from .lessons import training_preset_values
from .state import apply_values
from .training_runs import clip_heuristic, probe, trained

GRID = 80  # landscape cells per side: 2 panels x 6,400 rects draw in well under a second


def preset_buttons() -> None:
    """One button per preset, with what it shows."""
    st.markdown("**Presets**")
    presets = train.TRAINING_PRESETS
    for col, (name, preset) in zip(st.columns(len(presets)), presets.items(), strict=True):
        col.button(name, key=f"train_preset_{name}", on_click=apply_values, args=(training_preset_values(name),),
                   width="stretch")
        col.caption(preset["description"])


def of_this_cell(cfg: Config, params: list[str]) -> list[str]:
    """The chosen parameters this cell has, saying which were left out (the plain cell has no gate to train)."""
    missing = [p for p in params if p not in cfg.params]
    if missing:
        st.info(f"{', '.join(missing)} belong{'s' if len(missing) == 1 else ''} to the gated cell's gate (choose the "
                "gated cell in the sidebar): not trained here.", icon=":material/info:")
    return [p for p in params if p in cfg.params]


def within_budget(L: int, steps: int) -> int:
    """The steps a request may train (core.budget: L × steps is bounded), saying so when the link asked for more."""
    most = budget.TRAINING_WORK // L
    if budget.training_work(L, steps) <= budget.TRAINING_WORK:
        return steps
    st.warning(f"L × steps is capped at {budget.TRAINING_WORK:,} per run (up to about 1 s of server CPU each; the "
               f"page trains two): with L = {L} this page trains {most} steps, not {steps}. Lower L for more steps.",
               icon=":material/speed:")
    return most


def both_runs(cfg: Config, steps: int, lr: float, clip: float, mode: str, params: tuple) -> pd.DataFrame:
    """Plain and clipped SGD from the same start, with a progress bar while they train (cached for everyone)."""
    bar = st.progress(0.0, text="Training…")
    runs = []
    for label, c in (("plain SGD", None), ("clipped SGD", clip)):
        def report(step: int, label=label) -> None:
            bar.progress(min(step / steps, 1.0), text=f"{label}: step {step} of {steps}")
        runs.append(trained(cfg, steps, lr, c, mode, params, report).assign(run=label))
    bar.empty()
    return pd.concat(runs, ignore_index=True)


SEVERITY = {"cannot start": "error", "diverged": "error", "blowing up": "error", "stuck": "warn",
            "oscillating": "warn", "vanished": "warn", "levelled off": "warn", "converged": "ok"}  # others: info
LARGEST_LR = max(float(o) for o in CONTROLS["lr"].options)  # what "no learning rate here" reaches


def verdicts(both: pd.DataFrame, cfg: Config, lr: float, params: tuple, clip: float, mode: str) -> None:
    """The heuristic's advice with its caveat, then how each run ended."""
    st.markdown(clip_heuristic(probe(cfg, lr, params, both[both.run == "plain SGD"]), clip))
    for label in tc.RUNS:
        run_frame = both[both.run == label]
        kind, sentence = outcome(run_frame, cfg, lr, clip if label == "clipped SGD" else None, mode, LARGEST_LR)
        fix = (" Clipping (the run beside it) or a smaller learning rate bounds every step." if label == "plain SGD"
               else " Lower the threshold or the learning rate.")
        advice = {"diverged": fix, "blowing up": fix}
        clipped = (f" Clipped at {int(run_frame.clipped.iloc[:-1].sum())} of {len(run_frame) - 1} steps."
                   if label == "clipped SGD" else "")
        widgets.banner(SEVERITY.get(kind, "info"), f"**{label} {kind}**: {sentence}{advice.get(kind, '')}{clipped}")


def numbers(both: pd.DataFrame) -> None:
    """Four numbers: each run's final loss, the clip events, the largest gradient seen."""
    plain, clipped = (both[both.run == r] for r in tc.RUNS)
    norms = both.grad_norm.to_numpy()
    largest = "NaN" if np.isnan(norms).all() else f"{np.nanmax(norms):.3g}"  # inf stays inf; NaN never hides it
    m = st.columns(4)
    m[0].metric("plain SGD: final loss", f"{plain.loss.iloc[-1]:.3g}", help=f"after {int(plain.step.iloc[-1])} steps")
    m[1].metric("clipped SGD: final loss", f"{clipped.loss.iloc[-1]:.3g}",
                help=f"after {int(clipped.step.iloc[-1])} steps")
    m[2].metric("clip events", int(clipped.clipped.iloc[:-1].sum()), help="steps whose update was clipped")
    m[3].metric("largest |gradient| seen", largest, help="before clipping, over both runs")


def landscape_panels(cfg: Config, both: pd.DataFrame, x: str, y: str) -> None:
    """The loss landscape over the two trained parameters, with each run's path, side by side."""
    xs, ys = window(both[both.run == "clipped SGD"], x, y, GRID)
    grid = landscape(cfg, x, y, xs, ys)
    shades = tc.shade_range(grid)
    for column, label in zip(st.columns(2), tc.RUNS, strict=True):
        path = both[both.run == label]
        with column:
            widgets.chart_title(label)
            widgets.draw(tc.landscape(x, y, label), tc.landscape_data(grid, path, x, y, shades))
    plain = both[both.run == "plain SGD"]
    outside = plain[(plain[x] < xs[0]) | (plain[x] > xs[-1]) | (plain[y] < ys[0]) | (plain[y] > ys[-1])]
    leave = (f" Plain SGD leaves this map at step {int(outside.step.iloc[0])}, for ({outside[x].iloc[0]:.4g}, "
             f"{outside[y].iloc[0]:.4g})." if len(outside) else "")
    st.caption(f"Colour: log10 of the gradient's length at each point ({GRID}×{GRID} grid, the other parameters fixed "
               f"at their starting values): steep places are bright, flat ones dark (a flat plateau is as dark as a "
               f"minimum: compare the loss in the tooltip). White circle: the start.{leave}")


def parameter_panels(both: pd.DataFrame, trained: list[str]) -> None:
    """Where each trained parameter goes, one panel per run (side by side, stacked on a phone)."""
    widgets.chart_title("Where each trained parameter goes (each panel has its own scale)")
    for column, label in zip(st.columns(2), tc.RUNS, strict=True):
        with column:
            st.markdown(label)
            widgets.draw(tc.params(tuple(trained)), tc.params_data(both[both.run == label], trained),
                         key=f"params_{label}")
    st.caption(tc.params_caption(both, trained))
    widgets.download(both, "training_runs.csv", "Download both runs (CSV)")
