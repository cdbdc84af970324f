"""The Compare page's charts: settings A and B on one chart each, so they share their axes."""
from __future__ import annotations

import altair as alt
import pandas as pd

from ..core.diagnosis import compact
from ..core.report import Report
from .common import BLUE, VERMILLION, banded, legend_below, log_y, points, shown, special_marks, template

SETTINGS = ("A", "B")
COLOR = alt.Color("setting:N", scale=alt.Scale(domain=list(SETTINGS), range=[BLUE, VERMILLION]), title="setting",
                  legend=alt.Legend(symbolType="stroke"))
DASH = alt.StrokeDash("setting:N", scale=alt.Scale(domain=list(SETTINGS), range=[[1, 0], [6, 3]]), title="setting")
T = alt.X("t:Q", title="time step t", axis=alt.Axis(tickMinStep=1, format="d"))
L_AXIS = alt.X("L:Q", title="sequence length L (steps)", axis=alt.Axis(tickMinStep=1, format="d"))


def describe(cfg) -> str:
    """A setting in one line, as the controls name it."""
    return (f"wh = {cfg.wh_init:g}, L = {cfg.L}, {cfg.activation}, offset {cfg.offset:g}, h_init {cfg.h_init:g}, "
            f"wy {cfg.wy:g}, wx {cfg.wx:g}, {cfg.dtype}")


@template
def trajectories() -> alt.TopLevelMixin:
    """|h_t| for A and B on one log axis."""
    tip = [alt.Tooltip("setting:N"), alt.Tooltip("t:Q"), alt.Tooltip("value:Q", title="h_t", format=".4~g")]
    line = shown().mark_line(point=alt.OverlayMarkDef(size=14)).encode(x=T, y=log_y("|h_t| (log scale)"),
                                                                        color=COLOR, strokeDash=DASH, tooltip=tip)
    special = special_marks(color=COLOR, tooltip=[alt.Tooltip("setting:N"), alt.Tooltip("t:Q"),
                                                  alt.Tooltip("status:N", title="h_t is")])
    return legend_below(banded([line], special.encode(x=T)))


def trajectories_data(a: Report, b: Report) -> dict[str, pd.DataFrame]:
    frame = pd.concat([r.frame[["t", "h"]].assign(setting=s) for s, r in zip(SETTINGS, (a, b), strict=True)])
    return points(frame, "h", keep=["setting", "t"])


@template
def lengths(param: str) -> alt.TopLevelMixin:
    """|dL/dparam| against L for A and B on one log axis."""
    tip = [alt.Tooltip("setting:N"), alt.Tooltip("L:Q"), alt.Tooltip("value:Q", title=f"dL/d{param}", format=".4~g")]
    line = shown().mark_line(point=alt.OverlayMarkDef(size=14)).encode(
        x=L_AXIS, y=log_y(f"|dL/d{param}| (log scale)"), color=COLOR, strokeDash=DASH, tooltip=tip)
    special = special_marks(color=COLOR, tooltip=[alt.Tooltip("setting:N"), alt.Tooltip("L:Q"),
                                                  alt.Tooltip("status:N", title=f"dL/d{param} is")])
    return legend_below(banded([line], special.encode(x=L_AXIS)))


def lengths_data(a: Report, b: Report, param: str) -> dict[str, pd.DataFrame]:
    frame = pd.concat([r.by_length[r.by_length.param == param].assign(setting=s)
                       for s, r in zip(SETTINGS, (a, b), strict=True)])
    return points(frame, "grad", frame.status, keep=["setting", "L"])


def difference(a: Report, b: Report, param: str) -> str:
    """The two gradients at their own L, and their ratio, in words."""
    ga, gb = a.result.grads[param], b.result.grads[param]
    sa, sb = (r.grads.set_index("param").status[param] for r in (a, b))
    if sa != "finite" or sb != "finite":
        return f"dL/d{param}: A {compact(ga)} ({sa}), B {compact(gb)} ({sb})."
    ratio = abs(gb / ga)
    return f"dL/d{param}: A {compact(ga)}, B {compact(gb)}: B is {compact(ratio)} times A in size."
