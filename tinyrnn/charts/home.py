"""Home's chart and words: the seed notebook's experiment, |dL/dθ| against L for wh_init = 0.1, 1 and 10."""
from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from ..core.seed import SEED_WH
from .common import (
    SERIES,
    banded,
    describe,
    legend_below,
    log_y,
    points,
    shown,
    special_marks,
    template,
    with_bands,
)

WH_LABELS = [f"wh_init = {w:g}" for w in SEED_WH]


@template
def seed_lines(param: str) -> alt.TopLevelMixin:
    """One line per wh_init; the float32 zero at wh_init = 10, L = 10 sits in the = 0 band, marked cancelled."""
    color = alt.Color("wh:N", scale=alt.Scale(domain=WH_LABELS, range=list(SERIES[:3])), title=None,
                      legend=alt.Legend(symbolType="stroke"))
    tip = [alt.Tooltip("wh:N", title="setting"), alt.Tooltip("L:Q"),
           alt.Tooltip("value:Q", title=f"dL/d{param}", format=".4~g")]
    x = alt.X("L:Q", title="sequence length L (steps)", axis=alt.Axis(tickMinStep=1, format="d"))
    lines = shown().mark_line(point=True).encode(x=x, y=log_y(f"|dL/d{param}| (log scale)", 240),
                                                                  color=color, tooltip=tip)
    special = special_marks(color=color, size=150,
                            tooltip=[alt.Tooltip("wh:N", title="setting"), alt.Tooltip("L:Q"),
                                     alt.Tooltip("status:N", title=f"dL/d{param} is")])
    return legend_below(banded([lines], special.encode(x=x), height=240))


def seed_data(seed: pd.DataFrame, param: str) -> dict[str, pd.DataFrame]:
    rows = seed[seed.param == param]
    labelled = rows.assign(wh=pd.Categorical(rows.wh_init.map(lambda w: f"wh_init = {w:g}"), categories=WH_LABELS))
    return points(labelled, "grad", rows.status, keep=["wh", "L"])


def seed_title(seed: pd.DataFrame, param: str) -> str:
    """What the lines show, claiming only what the numbers do: each line's rate per step, or its ends."""
    rows = seed[seed.param == param]
    return f"|dL/d{param}| against L: " + "; ".join(
        f"{describe(rows[rows.wh_init == wh].sort_values('L'))} at wh_init = {wh:g}" for wh in SEED_WH)


def seed_caption(param: str) -> str:
    if param in ("h_init", "wy"):
        return with_bands(f"dL/d{param} is 2·wh^L here (h_L = wh^L): one factor of wh per step, so each line is "
                          "straight on this log axis.")
    return with_bands("dL/dwh = 2·L·wh^(L-1) sums one term per step, so its lines bend: at wh_init = 1 it grows as "
                      "2L although every per-step factor is exactly 1.")


def seed_table(seed: pd.DataFrame) -> pd.DataFrame:
    """The seed's printout as a table: one row per (wh_init, L), the three gradients as the notebook printed them
    (2.0e-01), and the diagnosis."""
    table = seed.pivot_table(index=["wh_init", "L"], columns="param", values="grad", aggfunc="first",
                             observed=True).reset_index()
    shown = table.assign(**{p: table[p].map(lambda g: f"{g:2.1e}") for p in ("h_init", "wh", "wy")})
    shown["diagnosis"] = seed.drop_duplicates(["wh_init", "L"]).diagnosis.to_numpy()
    # the diagnosis next to the setting it reads: on a phone the last columns are off-screen
    return shown[["wh_init", "L", "diagnosis", "h_init", "wh", "wy"]]


def table_caption(table: pd.DataFrame) -> str:
    """What the table's diagnosis column says at each wh_init (the per-step factor of relu from h_0 = 1), with the
    lengths where it says something else."""
    parts = []
    for wh, rows in table.groupby("wh_init", sort=True):
        words = rows.diagnosis.tolist()
        main = max(dict.fromkeys(words), key=words.count)  # the most common; ties: the first
        others = [f"{w} at L = {', '.join(str(int(L)) for L in rows.L[rows.diagnosis == w])}"
                  for w in dict.fromkeys(words) if w != main]
        parts.append(f"×{wh:g} per step (wh_init = {wh:g}) reads {main}" +
                     (" at every L" if not others else f", but {'; '.join(others)}"))
    below = " (the float32 zero explained below)" if (table.diagnosis == "cancelled").any() else ""
    return "The diagnosis column, by the per-step factor: " + "; ".join(parts) + below + "."


def cancelled_cell(seed: pd.DataFrame) -> pd.DataFrame:
    """The seed's famous cell, wh_init = 10 and L = 10."""
    return seed[(seed.wh_init == 10.0) & (seed.L == 10)]


assert np.isclose(SEED_WH, (0.1, 1.0, 10.0)).all()
