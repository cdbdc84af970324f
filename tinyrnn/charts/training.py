"""The Training page's charts and words: loss, gradient norm, parameters and the loss landscape with both paths."""
from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from .common import (
    BLUE,
    GREY,
    PARAMS,
    VERMILLION,
    banded,
    data,
    legend_below,
    log_y,
    param_scales,
    points,
    shown,
    special_marks,
    template,
)

RUNS = ("plain SGD", "clipped SGD")
RUN_COLORS = alt.Scale(domain=list(RUNS), range=[VERMILLION, BLUE])
STEP = alt.X("step:Q", title="SGD step", axis=alt.Axis(tickMinStep=1, format="d"))


def _run_color() -> alt.Color:
    return alt.Color("run:N", scale=RUN_COLORS, title=None, legend=alt.Legend(symbolType="stroke"))


@template
def loss() -> alt.TopLevelMixin:
    """Loss per step on a log axis, plain vs clipped; a run that stops on inf/NaN is marked in the top band."""
    tip = [alt.Tooltip("run:N"), alt.Tooltip("step:Q"), alt.Tooltip("value:Q", title="loss", format=".4~g")]
    line = shown().mark_line().encode(x=STEP, y=log_y("loss (log scale)"), color=_run_color(),
                                                      tooltip=tip)
    special = special_marks(color=_run_color(), tooltip=[alt.Tooltip("run:N"), alt.Tooltip("step:Q"),
                                                              alt.Tooltip("status:N", title="loss is")])
    return legend_below(banded([line], special.encode(x=STEP)))


def loss_data(both: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return points(both, "loss", keep=["run", "step"])


@template
def grad_norm() -> alt.TopLevelMixin:
    """|gradient| per step before clipping; the threshold as a rule; steps whose update was clipped as diamonds."""
    tip = [alt.Tooltip("run:N"), alt.Tooltip("step:Q"), alt.Tooltip("value:Q", title="|g|", format=".4~g"),
           alt.Tooltip("event:N", title="this step")]
    base = shown().encode(x=STEP, y=log_y("|gradient| (log scale)"), color=_run_color(), tooltip=tip)
    line = base.mark_line(opacity=0.85)
    clipped = base.transform_filter(alt.datum.event == "clipped").mark_point(filled=True, size=45, shape="diamond")
    rule = alt.Chart(data("threshold")).mark_rule(strokeDash=[5, 3], color=GREY).encode(
        y="y:Q", tooltip=[alt.Tooltip("label:N", title="")])
    special = special_marks(color=_run_color(), tooltip=[alt.Tooltip("run:N"), alt.Tooltip("step:Q"),
                                                              alt.Tooltip("status:N", title="|g| is")])
    return legend_below(banded([line, clipped, rule], special.encode(x=STEP)))


def grad_norm_data(both: pd.DataFrame, clip: float, mode: str) -> dict[str, pd.DataFrame]:
    frame = both.assign(event=np.where(both.clipped, "clipped", "not clipped"))
    out = points(frame, "grad_norm", keep=["run", "step", "event"])
    # value mode clips components, not the norm: the line is only a guide there (no norm "crosses" it)
    label = f"threshold {clip:g} ({'norm' if mode == 'norm' else 'per component, shown on the norm axis'})"
    return {**out, "threshold": pd.DataFrame({"y": [clip], "label": [label]})}


PARAMS_HEIGHT = 200  # px of the parameter panels: lines closer than one pixel of it hide each other


@template
def params(trained: tuple[str, ...] = PARAMS) -> alt.TopLevelMixin:
    """One run's trained parameters per step (linear scale); a panel per run, each with its own y scale.

    The legend lists exactly the trained parameters, each with its colour and dash from every other chart.
    """
    tip = [alt.Tooltip("step:Q"), alt.Tooltip("param:N"), alt.Tooltip("value:Q", format=".5~g")]
    colors, dashes = param_scales(trained)
    return legend_below(alt.Chart(data("main")).mark_line().encode(
        x=STEP, y=alt.Y("value:Q", title="value (linear scale)"),
        color=alt.Color("param:N", scale=colors, title="parameter"),
        strokeDash=alt.StrokeDash("param:N", scale=dashes, title="parameter"), tooltip=tip).properties(
        width="container", height=PARAMS_HEIGHT))


def params_data(run: pd.DataFrame, trained: list[str]) -> dict[str, pd.DataFrame]:
    long = run.melt(id_vars=["step"], value_vars=trained, var_name="param", value_name="value")
    return {"main": long[np.isfinite(long.value)].reset_index(drop=True)}


def hidden_lines(run: pd.DataFrame, trained: list[str]) -> list[tuple[str, str]]:
    """Pairs of trained parameters whose lines in one run's panel lie within a pixel of each other at every step.

    The panel's y range is that run's finite values, drawn over PARAMS_HEIGHT pixels: two paths never further
    apart than range / PARAMS_HEIGHT are drawn as one line (the later one hides the earlier).
    """
    values = run[trained].to_numpy(dtype=float)
    drawn = np.isfinite(values)
    span = float(np.ptp(values[drawn])) if drawn.any() else 0.0
    pairs = []
    for i, p in enumerate(trained):
        for j in range(i + 1, len(trained)):
            a, b = values[:, i], values[:, j]
            both = drawn[:, i] & drawn[:, j]
            if both.any() and np.array_equal(drawn[:, i], drawn[:, j]) and \
                    np.max(np.abs(a[both] - b[both])) <= span / PARAMS_HEIGHT:
                pairs.append((p, trained[j]))
    return pairs


def params_caption(both: pd.DataFrame, trained: list[str]) -> str:
    """The panels' key, naming the lines that one hides the other."""
    same = [f"in {label} {p} and {q} coincide" for label in RUNS
            for p, q in hidden_lines(both[both.run == label], trained)]
    return ("Linear scale; a run that stopped on inf or NaN ends where it stopped." +
            (f" Here {'; '.join(same)} (one line hides the other)." if same else ""))


@template
def landscape(x: str, y: str, run: str) -> alt.TopLevelMixin:
    """log10 |gradient| over two parameters (a cliff shows as a bright ridge), with one run's path on top."""
    scale = {"nice": False, "zero": False}
    heat = alt.Chart(data("grid")).mark_rect().encode(
        x=alt.X("x1:Q", title=x, scale=alt.Scale(**scale)), x2="x2:Q",
        y=alt.Y("y1:Q", title=y, scale=alt.Scale(**scale)), y2="y2:Q",
        color=alt.Color("shade:Q", title="log10 |∇loss|", scale=alt.Scale(scheme="viridis"),
                        legend=alt.Legend(orient="bottom", gradientLength=160)),
        tooltip=[alt.Tooltip("x:Q", format=".4g", title=x), alt.Tooltip("y:Q", format=".4g", title=y),
                 alt.Tooltip("loss:Q", format=".4g"), alt.Tooltip("log_g:Q", format=".2f", title="log10 |∇loss|")])
    color = VERMILLION if run == "plain SGD" else BLUE
    trail = alt.Chart(data("path")).mark_line(point=alt.OverlayMarkDef(size=14, filled=True, color=color),
                                              color=color, clip=True, strokeWidth=2).encode(
        x=alt.X("px:Q"), y=alt.Y("py:Q"), order="step:Q",
        tooltip=["step:Q", alt.Tooltip("px:Q", format=".5g", title=x), alt.Tooltip("py:Q", format=".5g", title=y),
                 alt.Tooltip("loss:Q", format=".4g")])
    start = alt.Chart(data("start")).mark_point(shape="circle", size=160, color="#FFFFFF", stroke="#000000",
                                                filled=True).encode(x="px:Q", y="py:Q")
    return alt.layer(heat, trail, start).properties(width="container", height=300)


def landscape_data(grid: pd.DataFrame, path: pd.DataFrame, x: str, y: str,
                   shade_range: tuple[float, float]) -> dict[str, pd.DataFrame]:
    with np.errstate(divide="ignore"):
        log_g = np.log10(np.hypot(grid.grad_x, grid.grad_y))
    dx = float(np.diff(np.unique(grid.x))[:1].mean()) if grid.x.nunique() > 1 else 1.0
    dy = float(np.diff(np.unique(grid.y))[:1].mean()) if grid.y.nunique() > 1 else 1.0
    # each value belongs to its grid point, so its cell is centred there (the paths are drawn at exact points)
    cells = grid.assign(x1=grid.x - dx / 2, x2=grid.x + dx / 2, y1=grid.y - dy / 2, y2=grid.y + dy / 2,
                        log_g=np.where(np.isfinite(log_g), log_g, np.nan),
                        shade=np.clip(np.where(np.isfinite(log_g), log_g, shade_range[0]), *shade_range))
    trail = path.rename(columns={x: "px", y: "py"})[["step", "px", "py", "loss"]]
    inside = trail.px.between(cells.x1.min(), cells.x2.max()) & trail.py.between(cells.y1.min(), cells.y2.max())
    trail = trail[inside.cummin()]  # up to where the path leaves the map (the caption says where it goes)
    return {"grid": cells[["x", "y", "x1", "x2", "y1", "y2", "loss", "log_g", "shade"]], "path": trail,
            "start": trail.head(1)}


def shade_range(grid: pd.DataFrame) -> tuple[float, float]:
    """The colour range of the landscape: the 1st to 99.5th percentile of log10 |∇loss| (a cliff's spike would
    otherwise wash everything else into one colour). Values beyond are drawn at the ends; tooltips keep them."""
    with np.errstate(divide="ignore"):
        g = np.log10(np.hypot(grid.grad_x, grid.grad_y))
    g = g[np.isfinite(g)]
    return (float(np.percentile(g, 1)), float(np.percentile(g, 99.5))) if g.size else (-1.0, 1.0)
