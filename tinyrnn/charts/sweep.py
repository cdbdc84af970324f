"""The Sweep page's charts and words: lines per wh_init, the phase diagram, one small diagram per activation."""
from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from ..core.diagnosis import compact
from .common import (
    GREY,
    SERIES,
    SPECIAL,
    SPECIAL_COLORS,
    STATUS_COLOR_SCALE,
    banded,
    data,
    legend_below,
    log_y,
    points,
    shown,
    special_marks,
    template,
)

# The colour bar covers what occurs: from the smallest to the largest log10 in the "extent" dataset (this diagram's,
# or every diagram's shown together), centred on 10^0 = 1 so blue always means shrinking and orange growing; the
# spec stays the same for every setting. [-1, 1] until the data has arrived. Vega keeps a dataset only if a mark
# reads it: keep_extent() is that mark.
DOMAIN = ("(length(data('extent')) ? [min(-1, data('extent')[0].lo), max(1, data('extent')[0].hi)] : [-1, 1])")


def keep_extent() -> alt.Chart:
    """An invisible mark over the "extent" dataset, so that Vega keeps it for the colour scale's expression."""
    return alt.Chart(data("extent")).mark_text(opacity=0).encode(text="lo:Q")


MINI = 40  # cells per side of each per-activation diagram


@template
def lines(param: str) -> alt.TopLevelMixin:
    """|dL/dparam| against L, one line per wh_init (coloured in numeric order); specials in the bands."""
    color = alt.Color("wh:N", title=None, sort=alt.EncodingSortField("wh_init"), scale=alt.Scale(range=list(SERIES)),
                      legend=alt.Legend(symbolType="stroke"))
    tip = [alt.Tooltip("wh:N", title="setting"), alt.Tooltip("L:Q"),
           alt.Tooltip("value:Q", title=f"dL/d{param}", format=".4~g")]
    x = alt.X("L:Q", title="sequence length L (steps)", axis=alt.Axis(tickMinStep=1, format="d"))
    base = shown().encode(x=x, y=log_y(f"|dL/d{param}| (log scale)", 280), color=color, tooltip=tip)
    line = base.mark_line(strokeWidth=2)
    positive = base.transform_filter(alt.datum.sign == "positive").mark_point(filled=True, size=26)
    negative = base.transform_filter(alt.datum.sign == "negative").mark_point(filled=False, size=34, strokeWidth=1.5)
    special = special_marks(color=color,
                            tooltip=[alt.Tooltip("wh:N", title="setting"), alt.Tooltip("L:Q"),
                                     alt.Tooltip("status:N", title=f"dL/d{param} is")])
    return legend_below(banded([line, positive, negative], special.encode(x=x), height=280))


def lines_data(lines_frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    df = lines_frame.assign(wh=lines_frame.wh_init.map(lambda w: f"wh_init = {w:g}"))
    return points(df, "grad", df.status, keep=["wh", "wh_init", "L"])


def lines_title(lines_frame: pd.DataFrame, param: str) -> str:
    """Which wh_init values shrink, hold or grow, read off the last length."""
    last = lines_frame[lines_frame.L == lines_frame.L.max()]
    L = int(lines_frame.L.max())
    parts = [f"{compact(row.grad) if row.status == 'finite' else row.status} at wh_init = {row.wh_init:g}"
             for row in last.itertuples()]
    return f"dL/d{param} at L = {L}: " + ", ".join(parts)


def _color() -> alt.Color:
    # The bar's two ends are labelled with the domain itself (what occurs), not with round ticks that may stop
    # short of an end: white in the middle is 10^0 = 1, said in the title.
    label = "'10^' + datum.value"  # the domain's ends are whole numbers; ASCII minus, as in the caption
    return alt.Color("log10:Q", title="|dL/dθ| (white = 1)",
                     scale=alt.Scale(scheme="blueorange", domainMid=0, clamp=True, domain={"expr": DOMAIN}),
                     legend=alt.Legend(labelExpr=label, values={"expr": DOMAIN}, gradientLength=160,
                                       orient="bottom", direction="horizontal"))


AXIS_TITLE = {"wh": "wh_init", "bz": "bz, the gate's bias"}  # what a phase diagram runs across
FIELD = {"wh": "wh_init", "bz": "bz"}  # the Config field a point of that axis sets


@template
def heatmap(height: int, selectable: bool, over: str = "wh") -> alt.TopLevelMixin:
    """The phase diagram: finite cells on a diverging scale, special cells in their own colours; the |factor| = 1
    boundary and your setting on top. With selectable, a click on a cell hands its bounds back to the page.
    over: what the horizontal axis runs across, wh (every cell) or bz (the gated cell's gate bias)."""
    x = alt.X(f"{over}_lo:Q", title=AXIS_TITLE[over], scale=alt.Scale(nice=False, zero=False))
    y = alt.Y("L_lo:Q", title="sequence length L", scale=alt.Scale(nice=False, zero=False))
    tip = [alt.Tooltip(f"{over}:Q", format=".3f", title=FIELD[over]), alt.Tooltip("L:Q", format=".0f")]

    def rects(name: str) -> alt.Chart:  # a cell's centre, for its tooltip, is computed here rather than sent
        return alt.Chart(data(name)).transform_calculate(
            **{over: f"(datum.{over}_lo + datum.{over}_hi) / 2", "L": "(datum.L_lo + datum.L_hi) / 2"}).mark_rect(
        ).encode(x=x, x2=f"{over}_hi:Q", y=y, y2="L_hi:Q")

    finite = rects("finite").encode(color=_color(), tooltip=[*tip, alt.Tooltip("log10:Q", format=".2f",
                                                                                  title="log10 |dL/dθ|")])
    special = rects("special").encode(fill=alt.Fill("status:N", scale=STATUS_COLOR_SCALE, title="cell is",
                                                    # one column: beside the colour bar it fits a phone's width
                                                    legend=alt.Legend(orient="bottom", direction="vertical")),
                                      tooltip=[*tip, alt.Tooltip("status:N", title="dL/dθ is")])
    if selectable:
        fields = [f"{over}_lo", f"{over}_hi", "L_lo", "L_hi"]
        finite = finite.add_params(alt.selection_point(fields=fields, on="click", name="cell"))
        special = special.add_params(alt.selection_point(fields=fields, on="click", name="special"))
    boundary = alt.Chart(data("boundary")).mark_point(size=8, color="#FFFFFF", stroke="#000000", strokeWidth=0.4,
                                                      filled=True).encode(
        x=f"{FIELD[over]}:Q", y="L:Q", tooltip=[alt.Tooltip("what:N", title="boundary")])
    here = alt.Chart(data("here")).mark_point(shape="cross", size=280, color="#FFFFFF", stroke="#000000",
                                              strokeWidth=1.5, filled=True).encode(
        x=f"{FIELD[over]}:Q", y="L:Q", tooltip=[alt.Tooltip("what:N", title="")])
    return alt.layer(finite, special, boundary, here, keep_extent()).properties(width="container", height=height)


def heatmap_data(out: dict, here: tuple[float, int] | None,
                 reach: tuple[int, int] | None = None) -> dict[str, pd.DataFrame]:
    """The diagram's datasets; reach is the colour bar's (lo, hi) in log10 (default: this diagram's own).
    here: your setting's (value across, L) when it lies on the map, else None."""
    over = out.get("over", "wh")
    lo, hi, field = f"{over}_lo", f"{over}_hi", FIELD[over]
    cells = out["cells"]
    ok = cells.status == "finite"
    finite = _compact(cells[ok][[lo, hi, "L_lo", "L_hi", "log10"]])
    special = _compact(cells[~ok][[lo, hi, "L_lo", "L_hi"]]).assign(
        status=pd.Categorical(cells.status[~ok], categories=list(SPECIAL)))
    boundary = out["boundary"].assign(what="average |dh_t/dh_t-1| = 1")
    spot = pd.DataFrame({field: [here[0]], "L": [here[1]], "what": ["your setting"]}) if here else \
        pd.DataFrame({field: [], "L": [], "what": []})
    return {"finite": finite.reset_index(drop=True), "special": special.reset_index(drop=True),
            "boundary": boundary, "here": spot,
            "extent": extent_frame(heatmap_extent(out) if reach is None else reach)}


def _compact(frame: pd.DataFrame) -> pd.DataFrame:
    """A grid's numbers as float32 for the browser: cell edges on a grid of at most 800 steps and a colour's log10
    need nowhere near float64's digits, and a 100 x 100 diagram is sent whole whenever anything on it changes
    (the cross of your setting included): 530 kB per move of wh on the Sweep page, about half of it saved here."""
    return frame.astype(np.float32).reset_index(drop=True)


def extent_frame(reach: tuple[int, int]) -> pd.DataFrame:
    return pd.DataFrame({"lo": [reach[0]], "hi": [reach[1]]})


def heatmap_extent(out: dict) -> tuple[int, int]:
    """The colour bar's reach for one diagram: (floor of the smallest, ceil of the largest) log10 of its finite
    cells, at least (-1, 1)."""
    logs = out["cells"].log10.to_numpy()
    logs = logs[np.isfinite(logs)]
    if not logs.size:
        return -1, 1
    return int(min(-1, np.floor(logs.min()))), int(max(1, np.ceil(logs.max())))


def heatmap_caption(out: dict, res: int, seconds: float, reach: int | None = None, here: str | None = None,
                    factor: str = "|wh·act'(a_t)|") -> str:
    """How the grid was computed and drawn, what each colour is, and what does not occur.

    here: where your setting is, in words, when it lies off the map (None: it is on the map, as the cross);
    factor: the per-step factor in the cell's words (the plain cell's |wh·act'(a_t)|, the gru's |dh_t/dh_t-1|)."""
    lo, hi = heatmap_extent(out) if reach is None else reach
    shared = "" if reach is None else " (one colour bar for both diagrams)"
    k, cells = out["block"], out["cells"]
    drawn = f"drawn as {res // k}×{res // k}" + (f" blocks of {k}×{k} cells (median of the finite cells, most "
                                                 "common status)" if k > 1 else "")
    present = [s for s in SPECIAL if (cells.status == s).any()]
    colours = {"exactly 0": "grey", "underflow": "purple", "cancelled": "pink", "inf": "olive", "NaN": "teal"}
    specials = "; ".join(f"{colours[s]} = {s}" for s in present) or "no special cells here"
    boundary = (f"The dotted white line: where the average per-step factor {factor} crosses 1 "
                f"({len(out['boundary'])} points)." if len(out["boundary"]) else
                f"No boundary dots: the average per-step factor {factor} never crosses 1 in this range.")
    where = "The white cross is your setting." if here is None else f"Your setting ({here}) lies outside this map."
    return (f"Computed {res}×{res} = {res * res:,} cells in {seconds * 1000:.0f} ms; {drawn}. The colour bar "
            f"spans 10^{lo} to 10^{hi}, what occurs here{shared}. Special cells: {specials}. {boundary} "
            f"{where} Click a cell to open it in the Explorer.")


def reach(out: dict) -> str:
    """Does any cell explode? In float32 with the seed's loss, every cell beyond ~1e7.8 cancels instead."""
    cells = out["cells"]
    ok = cells[cells.status == "finite"]
    top = float(ok.log10.max()) if len(ok) else float("nan")
    cancelled = (cells.status == "cancelled").any()
    drawn = "drawn block" if out["block"] > 1 else "cell"
    if np.isfinite(top) and top < 8 and cancelled:
        return (f"No {drawn} here goes above 10^{top:.1f}: with the seed's loss, once y_L is so large that "
                "y_L − offset rounds back to y_L, the cell cancels (pink) instead of showing as exploding.")
    return ""


def heatmap_title(out: dict, dtype: str) -> str:
    """What the colours show here: blue vanishes, orange explodes, and what replaces orange when nothing does."""
    cells = out["cells"]
    ok = cells[cells.status == "finite"]
    explodes = len(ok) and float(ok.log10.max()) > 0.5
    if explodes:
        return f"{dtype}: blue vanishes, orange explodes"
    instead = [s for s in ("cancelled", "inf", "NaN") if (cells.status == s).any()]
    return f"{dtype}: blue vanishes; no cell shows as exploding" + (f" ({', '.join(instead)} instead)"
                                                                    if instead else "")


@template
def mini() -> alt.TopLevelMixin:
    """One small phase diagram (one activation); every mini reads its colour bar's reach from the "extent"
    dataset, so a row of them shares one scale."""
    x = alt.X("wh_lo:Q", title="wh_init", scale=alt.Scale(nice=False, zero=False), axis=alt.Axis(tickCount=3))
    y = alt.Y("L_lo:Q", title="L", scale=alt.Scale(nice=False, zero=False), axis=alt.Axis(tickCount=3))
    finite = alt.Chart(data("finite")).mark_rect().encode(
        x=x, x2="wh_hi:Q", y=y, y2="L_hi:Q",
        color=alt.Color("log10:Q", scale=alt.Scale(scheme="blueorange", domainMid=0, clamp=True,
                                                  domain={"expr": DOMAIN}), legend=None))
    special = alt.Chart(data("special")).mark_rect().encode(
        x=x, x2="wh_hi:Q", y=y, y2="L_hi:Q", fill=alt.Fill("status:N", scale=STATUS_COLOR_SCALE, legend=None))
    return alt.layer(finite, special, keep_extent()).properties(width="container", height=150)


def mini_data(cells: pd.DataFrame, reach: tuple[int, int]) -> dict[str, pd.DataFrame]:
    ok = cells.status == "finite"
    return {"finite": _compact(cells[ok][["wh_lo", "wh_hi", "L_lo", "L_hi", "log10"]]),
            "special": _compact(cells[~ok][["wh_lo", "wh_hi", "L_lo", "L_hi"]]).assign(
                status=pd.Categorical(cells.status[~ok], categories=list(SPECIAL))).reset_index(drop=True),
            "extent": extent_frame(reach)}


def shared_reach(cells: list[pd.DataFrame]) -> tuple[int, int]:
    """One colour bar for several diagrams: from the smallest to the largest log10 among all their finite cells."""
    reaches = [heatmap_extent({"cells": c}) for c in cells]
    return min(r[0] for r in reaches), max(r[1] for r in reaches)


assert set(SPECIAL_COLORS) == set(SPECIAL) and GREY
