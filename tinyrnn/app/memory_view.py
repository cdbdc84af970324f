"""The Memory page's words, controls, cached training and charts (Streamlit), read off core.memory and charts.memory.

Work: each cell trains on its own (so the gated cell's start and the plain cell's start are separate controls and
changing one retrains only that cell), all 20 lengths x the chosen seeds at once, cached with st.cache_data for
every session. The loss curves of (a) come from the same runs, so choosing another L for (a) trains nothing.
"""
from __future__ import annotations

import threading
from dataclasses import replace

import pandas as pd
import streamlit as st

from ..charts import memory as mc
from ..core import memory as M
from . import widgets
from .controls import CONTROLS
from .memory_runs import (
    GATED_STARTS,
    GRID_L,
    OPTIMIZERS,
    PLAIN_STARTS,
    STEPS,
    Choice,
    Progress,
    train_both,
)
from .state import page_links

INTRO = (
    "**The task.** Each sequence starts with one bit, $x_1 = +1$ or $-1$ (a fair coin), followed by $L - 1$ zeros. "
    "After the last step the network must say the bit again: the target is $y_L = x_1$. Nothing in between helps, "
    "so the unit has to carry the bit through $L - 1$ empty steps, and the training signal has to travel back "
    "through the same steps to reach it. Both cells are one unit, start from $h_0 = 0$ and answer "
    "$y_L = w_y h_L + b_y$.\n\n"
    "**The two cells.** The *plain* cell rewrites its state every step. The *gated* cell has an update gate $z_t$ "
    "between 0 and 1 that decides how much of its state to rewrite: where $z_t$ is near 0 the state, and the "
    "gradient, pass the step almost unchanged.")

FORMULAS = (
    "Plain: $h_t = \\tanh(w_h h_{t-1} + w_x x_t)$ (or relu for the IRNN start).\n\n"
    "Gated: $z_t = \\sigma(w_z h_{t-1} + u_z x_t + b_z)$, $c_t = \\tanh(w_h h_{t-1} + w_x x_t)$, "
    "$h_t = (1 - z_t)\\,h_{t-1} + z_t\\,c_t$.\n\n"
    "Backpropagation multiplies the gradient by one factor per step. Plain: "
    "$\\partial h_t/\\partial h_{t-1} = w_h\\,\\mathrm{act}'(a_t)$, at most $|w_h|$ in size for tanh, so with "
    "$|w_h| < 1$ the gradient shrinks geometrically. Gated: "
    "$\\partial h_t/\\partial h_{t-1} = (1 - z_t) + z_t (1 - c_t^2)\\,w_h + (c_t - h_{t-1})\\,z_t (1 - z_t)\\,w_z$. "
    "The first term is *added*: with the gate mostly closed ($z_t$ near 0) the factor is $1 - z_t$ plus terms that "
    "carry a factor $z_t$, so it stays near 1 and the gradient survives many steps. With the gate half open it "
    "need not: compare the two starts of the gated cell below.")

STARTS = (
    "**Starting values**, drawn per seed: wh, wx, wy, by, wz, uz, bz ~ U(−1, 1), PyTorch's default for a one-unit "
    "nn.RNN / nn.GRU and its nn.Linear readout; a seed's plain and gated cell share wh, wx, wy, by. *Gate mostly "
    "closed* sets the gated cell's bz = −4 instead, so z = σ(−4) ≈ 0.018 wherever h and x are 0 (as LSTM "
    "forget-gate biases are set: Gers et al. 2000, Jozefowicz et al. 2015). *IRNN* (Le, Jaitly & Hinton 2015) "
    "gives the plain cell relu, wh = 1 and wx ~ N(0, 0.001²); the gated cell keeps the U(−1, 1) draws. Each model "
    f"then takes {STEPS} full-batch steps of the chosen optimizer on {M.DEFAULTS['batch']} sequences and is tested "
    "on a fresh batch.")


def intro() -> None:
    st.markdown(INTRO)
    with st.expander("The formulas, and how a gate can keep the gradient alive"):
        st.markdown(FORMULAS)
    st.markdown(STARTS)


def sidebar() -> None:
    """Links to the other pages only: the one-unit model's settings (wh, L, ...) do not apply to this task, and
    they stay kept for the other pages."""
    with st.sidebar:
        st.caption("This page trains its own models; the settings of the other pages are kept for them.")
        page_links()


def controls() -> tuple[Choice, int]:
    """The page's controls (bound to the link like every page's), in two rows; and (a)'s L."""
    c = st.columns(2)
    gated = widgets.widget(CONTROLS["gate"], c[0])
    plain = widgets.widget(CONTROLS["plain"], c[1])
    c = st.columns(3)
    optimizer = widgets.widget(CONTROLS["opt"], c[0])
    seeds = widgets.widget(CONTROLS["seeds"], c[1])
    curve_L = int(widgets.widget(CONTROLS["mL"], c[2]))
    activation, init = PLAIN_STARTS[plain]
    name, lr = OPTIMIZERS[optimizer]
    return Choice(GATED_STARTS[gated], activation, init, name, lr, int(seeds)), curve_L


def bounded(choice: Choice) -> tuple[Choice, str | None]:
    """The choice with as many seeds as core.memory's work budget allows, and what was limited (None if nothing)."""
    settings = M.Settings(**choice.settings("plain"))
    for n in range(choice.seeds, 0, -1):
        try:
            M.check_budget(GRID_L, range(n), M.CELLS, settings)
        except ValueError as error:
            reason = str(error)
            continue
        if n == choice.seeds:
            return choice, None
        return (replace(choice, seeds=n),
                f"Limited to {n} seeds per length (of {choice.seeds}) to stay within the work budget: {reason}")
    M.check_budget(GRID_L, range(1), M.CELLS, settings)  # raises: not even one seed fits
    raise AssertionError("unreachable")


# ---------------------------------------------------------------- cached work (shared by every session)

def results(choice: Choice) -> dict[str, pd.DataFrame]:
    """Both cells' runs, curves, success table and gradient table, with a progress bar while a miss trains.

    The training runs on a worker thread and this script thread draws the bar: a Streamlit call inside a cached
    function would be recorded and replayed on every later hit, and a bar made outside it cannot be replayed.
    A rerun that interrupts this run (a control moved meanwhile) tells the worker to stop at its next progress
    report (every ~1% of the work), so quick clicks do not pile up trainings on a 2-core machine.
    """
    slot = st.empty()
    progress, box, finished = Progress(), {}, threading.Event()

    def work() -> None:
        try:
            box["value"] = train_both(choice, progress)
        except BaseException as error:  # handed to the script thread, which raises it
            box["error"] = error
        finally:
            finished.set()

    threading.Thread(target=work, name="tinyrnn-memory", daemon=True).start()
    try:
        while not finished.wait(0.1):
            slot.progress(min(progress.fraction, 1.0), text=progress.text)
    except BaseException:  # Streamlit stops or reruns this script at an st call: the result is not wanted now
        progress.cancelled = True
        raise
    slot.empty()
    if "error" in box:
        raise box["error"]
    both = box["value"]
    runs = pd.concat([both[c]["runs"] for c in mc.CELLS], ignore_index=True)
    curves = pd.concat([both[c]["curves"] for c in mc.CELLS], ignore_index=True)
    witness = pd.concat([both[c]["witness"] for c in mc.CELLS], ignore_index=True)
    return {"runs": runs, "curves": curves, "success": M.success_table(runs),
            "gradient": mc.gradient_table(runs, witness)}


# ---------------------------------------------------------------- the charts

def success_block(res: dict[str, pd.DataFrame]) -> str:
    """(b) with its title, caption and the sentence under it (returned too, for tests)."""
    table = res["success"]
    widgets.block(mc.success_title(table, res["runs"]), mc.success(), mc.success_data(table),
                  mc.success_caption(M.SUCCESS_MSE, STEPS))
    sentence = mc.success_sentence(table)
    st.markdown(sentence)
    widgets.download(table, "memory_success.csv", "Download (CSV)")
    return sentence


def loss_block(res: dict[str, pd.DataFrame], L: int) -> None:
    widgets.block(mc.loss_title(res["curves"], res["runs"], L), mc.loss_curves(),
                  mc.loss_curves_data(res["curves"], L), mc.LOSS_CAPTION)


def gradient_block(res: dict[str, pd.DataFrame]) -> None:
    table = res["gradient"]
    widgets.block(mc.gradient_title(table), mc.gradient_start(), mc.gradient_data(table), mc.GRADIENT_CAPTION,
                  (table, "memory_gradient_at_start.csv", "Download (CSV)"))
