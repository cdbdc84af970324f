"""The Memory page's charts and words: (a) loss curves at one L, (b) success rate against L, (c) |dL/dh_1| at the
start against L, for the plain and the gated cell.

Inputs are core.memory's frames: runs (one row per cell, L, seed), curves (cell, L, seed, step, loss) and the
success table (cell, L, rate, successes, seeds). Every sentence here is computed from the same frames the charts
draw, so it says only what the chart shows.
"""
from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from ..core.diagnosis import compact
from ..core.status import classify
from .common import (
    BLUE,
    GREY,
    VERMILLION,
    banded,
    data,
    legend_below,
    log_y,
    points,
    shown,
    special_marks,
    template,
)

CELLS = {"gru": "gated cell", "plain": "plain cell"}  # core's name -> what the page calls it
CELL_COLORS = alt.Scale(domain=list(CELLS.values()), range=[BLUE, VERMILLION])
CELL_DASHES = alt.Scale(domain=list(CELLS.values()), range=[[1, 0], [6, 3]])  # told apart without colour too
HALF = 0.5  # the success rate the sentence under (b) looks for
L_AXIS = alt.X("L:Q", title="L: sequence length", scale=alt.Scale(domainMin=0),
               axis=alt.Axis(tickMinStep=1, format="d"))


def _color() -> alt.Color:
    legend = alt.Legend(symbolType="stroke", symbolOpacity=1, symbolStrokeWidth=3)  # not the faint seed lines
    return alt.Color("cell:N", scale=CELL_COLORS, title=None, legend=legend)


def _cell_points(base: alt.Chart, size: int) -> list[alt.Chart]:
    """Filled circles for the gated cell, squares for the plain one: fixed shapes per layer, so the shape scale
    stays the special marks' own (a shared one would draw an underflow as a square)."""
    return [base.transform_filter(alt.datum.cell == name).mark_point(filled=True, size=size, shape=shape, opacity=1)
            for name, shape in zip(CELLS.values(), ("circle", "square"), strict=True)]


def _named(frame: pd.DataFrame) -> pd.DataFrame:
    """core's cell names (gru, plain) as the page says them, gated first."""
    out = frame.assign(cell=frame["cell"].map(CELLS))
    return out.assign(cell=pd.Categorical(out["cell"], categories=list(CELLS.values())))


def pct(rate: float) -> str:
    return f"{rate:.0%}"


def seeds_word(n: int) -> str:
    return f"{n} seed{'s' if n != 1 else ''}"


# ---------------------------------------------------------------- (a) loss curves at one L

@template
def loss_curves() -> alt.TopLevelMixin:
    """Training loss per step on a log axis: one faint line per seed, the median over seeds bold, per cell."""
    step = alt.X("step:Q", title="training step", axis=alt.Axis(tickMinStep=1, format="d"))
    tip = [alt.Tooltip("cell:N"), alt.Tooltip("line:N", title="line"), alt.Tooltip("step:Q"),
           alt.Tooltip("value:Q", title="loss", format=".4~g")]
    base = shown().encode(x=step, y=log_y("training loss (log scale)"), color=_color(), detail="line:N",
                          tooltip=tip)
    seeds = base.transform_filter(alt.datum.kind == "seed").mark_line(opacity=0.3, strokeWidth=1)
    median = base.transform_filter(alt.datum.kind == "median").mark_line(strokeWidth=3)
    special = special_marks(color=_color(), size=60, tooltip=[
        alt.Tooltip("cell:N"), alt.Tooltip("line:N", title="line"), alt.Tooltip("step:Q"),
        alt.Tooltip("status:N", title="loss is")])
    return legend_below(banded([seeds, median], special.encode(x=step)))


def loss_curves_data(curves: pd.DataFrame, L: int) -> dict[str, pd.DataFrame]:
    """One line per (cell, seed) at this L, and each cell's median over seeds at every step (inf/NaN kept:
    np.median of a column holding NaN is NaN, so a broken run is never averaged away)."""
    at = curves[curves["L"] == L]
    lines = at.assign(line="seed " + at["seed"].astype(str), kind="seed")
    medians = (at.groupby(["cell", "step"], sort=False)["loss"].agg(lambda v: float(np.median(v.to_numpy())))
               .reset_index().assign(line="median", kind="median"))
    both = _named(pd.concat([lines, medians], ignore_index=True))
    return points(both, "loss", keep=["cell", "line", "kind", "step"])


def final_medians(curves: pd.DataFrame, L: int) -> dict[str, float]:
    """Each cell's median training loss over seeds after the last step, at this L (core's cell names)."""
    at = curves[curves["L"] == L]
    last = at[at["step"] == at["step"].max()]
    return {cell: float(np.median(g["loss"].to_numpy())) for cell, g in last.groupby("cell", sort=False)}


def loss_title(curves: pd.DataFrame, runs: pd.DataFrame, L: int) -> str:
    """(a)'s title: where each cell's median ends (over every seed, a broken one included), how many seeds ended
    on inf or NaN if any did, and how many seeds learn the task at this L."""
    end = final_medians(curves, L)
    steps = int(curves["step"].max())
    at = curves[curves["L"] == L]
    last = at[at["step"] == at["step"].max()]
    broke = last.groupby("cell")["loss"].agg(lambda v: int((~np.isfinite(v.to_numpy())).sum()))
    won = runs[runs["L"] == L].groupby("cell")["success"].agg(["sum", "size"])
    said = []
    for c in CELLS:
        if c not in end:
            continue
        n, k = int(won.loc[c, "size"]), int(broke.get(c, 0))
        ended = f"{k} of {seeds_word(n)} ended on inf or NaN; " if k else ""
        said.append(f"{CELLS[c]} {compact(end[c])} ({ended}{int(won.loc[c, 'sum'])} of {seeds_word(n)} "
                    f"learn{'s' if int(won.loc[c, 'sum']) == 1 else ''} it)")
    return f"Training loss at L = {L}, median over every seed after {steps} steps: " + "; ".join(said)


LOSS_CAPTION = ("Log scale. Faint lines: one seed each; bold: the median over seeds. Answering 0 always scores 1; "
                "a ▼ in the bottom band is a loss of exactly 0 in float32 (the answer equals the target to the last "
                "bit). A ▲ (inf) or ✚ (NaN) in the top band is a loss that broke: a model whose loss or gradient "
                "turns inf or NaN stays where it broke, so its marks run on to the last step. The median counts an "
                "inf as the largest value, and is NaN as soon as one seed is.")


# ---------------------------------------------------------------- (b) success rate against L

@template
def success() -> alt.TopLevelMixin:
    """Share of seeds that learn the task, against L, one line per cell; a dashed rule at 50%."""
    tip = [alt.Tooltip("cell:N"), alt.Tooltip("L:Q"), alt.Tooltip("rate:Q", format=".0%", title="success rate"),
           alt.Tooltip("successes:Q", title="seeds that learn it"), alt.Tooltip("seeds:Q", title="seeds")]
    y = alt.Y("rate:Q", title="success rate", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"))
    base = alt.Chart(data("points")).encode(x=L_AXIS, y=y, color=_color(), tooltip=tip)
    lines = base.mark_line(strokeWidth=2).encode(strokeDash=alt.StrokeDash("cell:N", scale=CELL_DASHES, legend=None))
    rule = alt.Chart(alt.InlineData(values=[{"y": HALF}])).mark_rule(color=GREY, strokeDash=[2, 3]).encode(y="y:Q")
    return legend_below(alt.layer(rule, lines, *_cell_points(base, 50)).properties(width="container", height=240))


def success_data(table: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {"points": _named(table[["cell", "L", "rate", "successes", "seeds"]]).reset_index(drop=True)}


def success_title(table: pd.DataFrame, runs: pd.DataFrame) -> str:
    """(b)'s title: how many of all runs each cell learns, and how many stopped on inf/NaN if any did."""
    n_L, seeds = table["L"].nunique(), int(table["seeds"].iloc[0])
    totals = table.groupby("cell")["successes"].sum()
    broke = runs.groupby("cell")["diverged"].sum()
    runs_word = f"{n_L * seeds} runs"
    said = [f"{CELLS[c]} {int(totals[c])} of {runs_word}" for c in CELLS if c in totals]
    stopped = [f"{int(broke[c])} of the {CELLS[c]}'s {runs_word} turned inf or NaN" for c in CELLS
               if broke.get(c, 0)]
    return (f"How often each cell learns the task, at {n_L} lengths × {seeds_word(seeds)} = {runs_word} each: "
            + ", ".join(said) + "".join(f"; {s}" for s in stopped))


def success_sentence(table: pd.DataFrame) -> str:
    """(b) in words: where the plain cell's rate first drops below 50%, the gated cell's rate there, and at how
    many lengths the gated cell does better, worse or the same (read off the table, nothing else)."""
    rate = table.pivot(index="L", columns="cell", values="rate").sort_index()
    plain, gated = rate["plain"], rate["gru"]
    below = plain[plain < HALF]
    if below.empty:
        where = (f"The plain cell's success rate never drops below 50% here (its lowest is {pct(plain.min())}, "
                 f"first at L = {int(plain.idxmin())}).")
    else:
        L0 = int(below.index[0])
        start = "is below 50% from the shortest length, L" if L0 == plain.index[0] else "first drops below 50% at L"
        where = (f"The plain cell's success rate {start} = {L0} ({pct(plain[L0])}); the gated cell's is "
                 f"{pct(gated[L0])} there.")
    better, worse = int((gated > plain).sum()), int((gated < plain).sum())
    same, n = len(rate) - better - worse, len(rate)
    if better == worse == 0:
        verdict = f"Over all {n} lengths the two cells do the same."
    elif worse == 0:
        verdict = f"The gated cell does better at {better} of the {n} lengths and worse at none."
    elif better == 0:
        verdict = f"The gated cell does worse at {worse} of the {n} lengths and better at none."
    else:
        verdict = f"The gated cell does better at {better}, worse at {worse} and the same at {same} of the {n} lengths."
    return f"{where} {verdict}"


def success_caption(threshold: float, steps: int) -> str:
    return (f"A run learns the task when its mean squared error on a fresh test batch is below {threshold:g} after "
            f"{steps} steps (and nothing turned inf or NaN). Dashed line: 50%.")


# ---------------------------------------------------------------- (c) |dL/dh_1| at the start against L

@template
def gradient_start() -> alt.TopLevelMixin:
    """Median over seeds of |dL/dh_1| before training, against L, on a log axis; zeros (underflow) in the band."""
    tip = [alt.Tooltip("cell:N"), alt.Tooltip("L:Q"), alt.Tooltip("value:Q", title="median |dL/dh_1|", format=".3~e"),
           alt.Tooltip("low:Q", title="smallest seed", format=".3~e"),
           alt.Tooltip("high:Q", title="largest seed", format=".3~e"), alt.Tooltip("seeds:Q")]
    base = shown().encode(x=L_AXIS, y=log_y("|dL/dh_1| at the start (log scale)"), color=_color(), tooltip=tip)
    lines = base.mark_line(strokeWidth=2).encode(strokeDash=alt.StrokeDash("cell:N", scale=CELL_DASHES, legend=None))
    special = special_marks(color=_color(), size=70, tooltip=[
        alt.Tooltip("cell:N"), alt.Tooltip("L:Q"), alt.Tooltip("status:N", title="median is"),
        alt.Tooltip("witness:Q", title="float64 gives", format=".3~e")])
    return legend_below(banded([lines, *_cell_points(base, 40)], special.encode(x=L_AXIS)))


def gradient_table(runs: pd.DataFrame, witness: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per (cell, L): the median, smallest and largest over seeds of |dL/dh_1| at the start, and its status.

    witness (optional) holds the same medians from the same starts in float64 (core.memory.gradient_at_init with
    dtype="float64": columns cell, L, grad_h1): a float32
    0 whose witness is non-zero is `underflow`, else `exactly 0`.
    """
    table = (runs.groupby(["cell", "L"], sort=False)["grad_h1_init"]
             .agg(grad=lambda v: float(np.median(v.to_numpy())), low="min", high="max", seeds="size").reset_index())
    if witness is None:
        return table.assign(witness=np.nan, status=classify(table["grad"]))
    table = table.merge(witness[["cell", "L", "grad_h1"]].rename(columns={"grad_h1": "witness"}), on=["cell", "L"],
                        how="left")
    return table.assign(status=classify(table["grad"], exact_zero=table["witness"].to_numpy() == 0))


def gradient_data(table: pd.DataFrame) -> dict[str, pd.DataFrame]:
    named = _named(table)
    return points(named, "grad", status=named["status"].to_numpy(), keep=["cell", "L", "low", "high", "seeds",
                                                                              "witness"])


def gradient_title(table: pd.DataFrame) -> str:
    """(c)'s title: each cell's median at the longest L, with its status when it is not an ordinary number."""
    longest = int(table["L"].max())
    said = []
    for cell in CELLS:
        row = table[(table["cell"] == cell) & (table["L"] == longest)]
        if len(row):
            r = row.iloc[0]
            value = compact(r["grad"]) if r["status"] == "finite" else r["status"]
            if r["status"] == "underflow" and np.isfinite(r["witness"]):
                value += f" (float64: {compact(r['witness'])})"
            said.append(f"{CELLS[cell]} {value}")
    return f"|dL/dh_1| before training, median over seeds, at L = {longest}: " + ", ".join(said)


GRADIENT_CAPTION = ("Log scale; the gradient that reaches the bit's step, summed over the batch, in float32 as "
                    "trained. A 0 in the bottom band is an underflow when the same start gives a non-zero value in "
                    "float64 (hover it).")
