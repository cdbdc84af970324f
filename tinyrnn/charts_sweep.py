"""Chart builders for the sweep page: lines per wh_init and the phase diagram. Altair only."""
from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from .charts import OKABE_ITO, edges

STATUS_COLORS = alt.Scale(domain=["exactly 0", "cancelled", "overflow"], range=["#d9d9d9", "#CC79A7", "#000000"])
STATUS_SHAPES = alt.Scale(domain=["exactly 0", "cancelled", "overflow"], range=["triangle-down", "square", "cross"])


def lines(df: pd.DataFrame, param: str, title: str) -> alt.LayerChart:
    """|dL/dparam| against L, one line per wh_init; zero, cancelled and overflow cells get their own markers."""
    finite = df.status == "finite"
    mags = df.grad.abs()[finite]
    lo, hi = edges(mags)
    data = df.assign(wh=df.wh_init.map(lambda w: f"wh_init = {w:g}"),
                     y=np.where(finite, df.grad.abs(), np.where(df.status == "overflow", hi, lo)),
                     sign=np.where(df.grad < 0, "negative", "positive"), shown=df.grad.map(lambda g: f"{g:.4g}"))
    x = alt.X("L:Q", title="sequence length L (steps)", axis=alt.Axis(tickMinStep=1))
    y = alt.Y("y:Q", scale=alt.Scale(type="log"), title=f"|dL/d{param}| (log scale)")
    color = alt.Color("wh:N", title=None, scale=alt.Scale(range=OKABE_ITO))
    tip = [alt.Tooltip("wh:N"), alt.Tooltip("L:Q"), alt.Tooltip("shown:N", title=f"dL/d{param}"),
           alt.Tooltip("status:N")]
    base = alt.Chart(data).encode(x=x, y=y, color=color, tooltip=tip)
    ok = base.transform_filter(alt.datum.status == "finite")
    line = ok.mark_line()
    dots = ok.mark_point(filled=True, size=30).encode(
        shape=alt.Shape("sign:N", title="sign", scale=alt.Scale(domain=["positive", "negative"],
                                                                range=["circle", "diamond"])))
    special = base.transform_filter(alt.datum.status != "finite").mark_point(size=140, filled=True).encode(
        shape=alt.Shape("status:N", scale=STATUS_SHAPES, title="special value"))
    label = base.transform_filter(alt.datum.status == "cancelled").mark_text(dx=9, align="left").encode(
        text=alt.value("cancelled"))
    return alt.layer(line, dots, special, label).resolve_scale(shape="independent").properties(
        title=title, height=320)


def _color(domain: float) -> alt.Color:
    # Diverging around 10^0 = 1; the colour bar's ends say what the extremes mean.
    label = (f"datum.value <= {-domain} ? 'vanishing 10^' + datum.value : "
             f"datum.value >= {domain} ? 'exploding 10^' + datum.value : '10^' + datum.value")
    return alt.Color("log10:Q", title="|dL/dθ|",
                     scale=alt.Scale(scheme="blueorange", domain=[-domain, domain], domainMid=0, clamp=True),
                     legend=alt.Legend(labelExpr=label, gradientLength=220, values=[-domain, -domain / 2, 0,
                                                                                      domain / 2, domain]))


def heatmap(cells: pd.DataFrame, boundary: pd.DataFrame | None, title: str, domain: float,
            here: tuple[float, int] | None = None, select: str | None = None, size: int = 420) -> alt.LayerChart:
    """The phase diagram: finite cells on a diverging scale, special cells in their own colours, overlays."""
    x = alt.X("wh_lo:Q", title="wh_init", scale=alt.Scale(nice=False, zero=False))
    y = alt.Y("L_lo:Q", title="sequence length L", scale=alt.Scale(nice=False, zero=False))
    tip = [alt.Tooltip("wh:Q", format=".3f", title="wh_init"), alt.Tooltip("L:Q", format=".0f"),
           alt.Tooltip("log10:Q", format=".2f", title="log10 |dL/dθ|"), alt.Tooltip("status:N")]
    # Cell centres for the tooltip, and finite/special cells as two datasets: no per-datum work in the browser.
    cells = cells.assign(wh=(cells.wh_lo + cells.wh_hi) / 2, L=(cells.L_lo + cells.L_hi) / 2)
    ok = cells.status == "finite"

    def rects(data: pd.DataFrame) -> alt.Chart:
        return alt.Chart(data).mark_rect().encode(x=x, x2="wh_hi:Q", y=y, y2="L_hi:Q", tooltip=tip)

    finite = rects(cells[ok]).encode(color=_color(domain))
    special = rects(cells[~ok]).encode(fill=alt.Fill("status:N", scale=STATUS_COLORS, title="cell status"))
    if select is not None:  # a click picks a cell; Streamlit hands its wh/L bounds back to the page
        fields = ["wh_lo", "wh_hi", "L_lo", "L_hi"]
        finite = finite.add_params(alt.selection_point(fields=fields, on="click", name=f"cell{select}"))
        special = special.add_params(alt.selection_point(fields=fields, on="click", name=f"special{select}"))
    layers = [finite, special]
    if boundary is not None and len(boundary):
        layers.append(alt.Chart(boundary.assign(what="mean |wh·act'| = 1")).mark_point(
            size=6, color="#111", filled=True, opacity=0.8).encode(
            x="wh_init:Q", y="L:Q", shape=alt.Shape("what:N", title=None)))
    if here is not None:
        layers.append(alt.Chart(pd.DataFrame({"wh_init": [here[0]], "L": [here[1]], "what": ["you are here"]}))
                      .mark_point(shape="cross", size=260, color="#fff", stroke="#000", strokeWidth=1.5,
                                  filled=True).encode(x="wh_init:Q", y="L:Q", tooltip=["what:N"]))
    return alt.layer(*layers).properties(title=title, width=size, height=size)


def minis(cells: pd.DataFrame, title: str, domain: float) -> alt.FacetChart:
    """Small phase diagrams side by side, one per value of cells['activation'] (one faceted spec)."""
    x = alt.X("wh_lo:Q", title="wh_init", scale=alt.Scale(nice=False, zero=False))
    y = alt.Y("L_lo:Q", title="L", scale=alt.Scale(nice=False, zero=False))
    # One colour channel for both kinds of cell: finite ones by value, special ones by a fixed colour per status.
    data = cells.assign(fill=cells.status.map({"exactly 0": "#d9d9d9", "cancelled": "#CC79A7", "overflow": "#000000"}))
    finite = alt.Chart().transform_filter("isValid(datum.log10)").mark_rect().encode(
        x=x, x2="wh_hi:Q", y=y, y2="L_hi:Q", color=_color(domain))
    special = alt.Chart().transform_filter("!isValid(datum.log10)").mark_rect().encode(
        x=x, x2="wh_hi:Q", y=y, y2="L_hi:Q", fill=alt.Fill("fill:N", scale=None))
    return alt.layer(finite, special, data=data).properties(width=135, height=135).facet(
        column=alt.Column("activation:N", title=None, sort=list(dict.fromkeys(cells.activation)))).properties(
        title=title)
