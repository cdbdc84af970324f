"""Chart builders: tidy DataFrame in, alt.Chart out. Altair only, never Streamlit."""
from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

# Okabe-Ito: distinguishable with every common colour-vision deficiency.
OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
PARAM_COLORS = alt.Scale(domain=["h_init", "wh", "wy", "wx"], range=OKABE_ITO[:4])
PARAM_DASHES = alt.Scale(domain=["h_init", "wh", "wy", "wx"], range=[[1, 0], [8, 4], [2, 3], [10, 3, 2, 3]])
SIGN_COLORS = alt.Scale(domain=["positive", "negative", "zero"], range=[OKABE_ITO[0], OKABE_ITO[1], "#777777"])
SHAPE_OF = {"exactly 0": "triangle-down", "cancelled": "square", "inf": "triangle-up", "NaN": "cross"}


def special_shapes(df: pd.DataFrame) -> alt.Scale:
    """Marker shapes for the special values that occur in df (so the legend lists only those)."""
    present = [s for s in SHAPE_OF if (df.status == s).any()] or ["exactly 0"]
    return alt.Scale(domain=present, range=[SHAPE_OF[s] for s in present])


def _legend_below(chart: alt.LayerChart) -> alt.LayerChart:
    # Legends under the plot leave its full width to the data, on a phone as on a laptop.
    return chart.configure_legend(orient="bottom", direction="horizontal", titleOrient="left", columns=4)


def classify(values) -> pd.DataFrame:
    """Columns magnitude, sign, status ('finite' | 'exactly 0' | 'inf' | 'NaN') and a display string."""
    v = np.asarray(values, dtype=np.float64)
    status = np.select([np.isnan(v), np.isinf(v), v == 0], ["NaN", "inf", "exactly 0"], "finite")
    sign = np.select([np.isnan(v), v > 0, v < 0], ["zero", "positive", "negative"], "zero")
    return pd.DataFrame({"magnitude": np.abs(v), "sign": sign, "status": status,
                         "shown": [f"{x:.4g}" for x in v]})


def edges(magnitudes) -> tuple[float, float]:
    """Where a log axis puts what it cannot draw: 10x below the smallest positive finite magnitude (zeros)
    and 10x above the largest (inf/NaN), kept inside float range so the marker is never lost."""
    m = np.asarray(magnitudes, dtype=np.float64)
    m = m[np.isfinite(m) & (m > 0)]
    if m.size == 0:
        return 0.1, 10.0
    lo, hi = m.min(), m.max()
    return (lo / 10 if lo / 10 > 0 else lo), (hi * 10 if hi < np.finfo(np.float64).max / 10 else hi)


def with_log_position(df: pd.DataFrame, value: str) -> pd.DataFrame:
    """Add classify() columns and 'y': |value| where a log axis can show it, an edge row where not.

    Zeros go 10x below the smallest finite magnitude, inf/NaN 10x above the largest, each with its
    own marker: never dropped, never disguised as an ordinary number.
    """
    out = pd.concat([df.reset_index(drop=True), classify(df[value])], axis=1)
    lo, hi = edges(out.magnitude[out.status == "finite"])
    out["y"] = np.where(out.status == "finite", out.magnitude, np.where(out.status == "exactly 0", lo, hi))
    return out


def _special_layer(base: alt.Chart, x: alt.X, df: pd.DataFrame) -> alt.Chart:
    shown = (df.status != "finite").any()  # no legend at all when every value is an ordinary number
    return base.transform_filter(alt.datum.status != "finite").mark_point(size=90, filled=True, color="#333").encode(
        x=x, y=alt.Y("y:Q"), shape=alt.Shape("status:N", scale=special_shapes(df), title=None,
                                             legend=alt.Legend() if shown else None))


def trajectory(frame: pd.DataFrame, log: bool, title: str) -> alt.LayerChart:
    """h_t against t; on a log axis |h_t| with sign as colour; zeros/inf/NaN marked at the edges."""
    df = with_log_position(frame[["t", "h"]], "h")
    if not log:  # zero is an ordinary point on a linear axis; only inf/NaN need an edge marker
        plain = df.status.isin(["finite", "exactly 0"])
        edge = float(df.magnitude[plain].max()) if plain.any() else 1.0
        df["y"] = np.where(plain, df.h, edge)
    x = alt.X("t:Q", title="time step t", axis=alt.Axis(tickMinStep=1))
    tip = [alt.Tooltip("t:Q", title="t"), alt.Tooltip("shown:N", title="h_t"), alt.Tooltip("status:N")]
    base = alt.Chart().encode(x=x, tooltip=tip)  # data once, on the layer: converted once, not per layer
    if log:
        ok = base.transform_filter(alt.datum.status == "finite")
        y = alt.Y("y:Q", scale=alt.Scale(type="log"), title="|h_t| (log scale)")
        layers = [ok.mark_line(color="#999").encode(y=y),
                  ok.mark_point(filled=True, size=40).encode(
                      y=y, color=alt.Color("sign:N", scale=SIGN_COLORS, title="sign of h_t"))]
    else:
        ok = base.transform_filter("datum.status == 'finite' || datum.status == 'exactly 0'")
        layers = [ok.mark_line(point=True, color=OKABE_ITO[0]).encode(y=alt.Y("y:Q", title="h_t (linear scale)"))]
    edge_df = df if log else df[df.status.isin(["inf", "NaN"])]
    layers.append(_special_layer(base.transform_filter(
        "true" if log else "datum.status == 'inf' || datum.status == 'NaN'"), x, edge_df))
    return _legend_below(alt.layer(*layers, data=df).properties(title=title, height=260))


def gradient_dots(grads: pd.DataFrame, title: str) -> alt.LayerChart:
    """|dL/dtheta| per parameter on a log axis, colour = sign; zero/inf/NaN marked, not dropped."""
    df = with_log_position(grads[["param", "grad"]], "grad")
    y = alt.Y("param:N", title="parameter", sort=list(grads.param))
    x = alt.X("y:Q", scale=alt.Scale(type="log"), title="|dL/dθ| (log scale)")
    tip = [alt.Tooltip("param:N"), alt.Tooltip("shown:N", title="dL/dθ"), alt.Tooltip("status:N")]
    base = alt.Chart().encode(y=y, tooltip=tip)
    rule = base.transform_filter(alt.datum.status == "finite").mark_rule(color="#bbb").encode(x=x)
    dots = base.transform_filter(alt.datum.status == "finite").mark_point(filled=True, size=160).encode(
        x=x, color=alt.Color("sign:N", scale=SIGN_COLORS, title="sign of dL/dθ"))
    special = base.transform_filter(alt.datum.status != "finite").mark_point(size=160, filled=True, color="#333")
    special = special.encode(x=x, shape=alt.Shape(
        "status:N", scale=special_shapes(df), title=None,
        legend=alt.Legend() if (df.status != "finite").any() else None))
    return _legend_below(alt.layer(rule, dots, special, data=df).properties(title=title, height=alt.Step(36)))


def gradient_vs_length(df: pd.DataFrame, chosen_L: int, title: str) -> alt.LayerChart:
    """|dL/dtheta| against L (one line per parameter), the chosen L marked by a rule.

    A 'status' column from phase.lines (if present) tells a float cancellation from a true zero.
    """
    data = with_log_position(df[["L", "param", "grad"]], "grad")
    if "status" in df:  # same place on the axis as a zero, its own marker and name
        data["status"] = np.where(df.status.to_numpy() == "cancelled", "cancelled", data.status)
    x = alt.X("L:Q", title="sequence length L (steps)", axis=alt.Axis(tickMinStep=1))
    y = alt.Y("y:Q", scale=alt.Scale(type="log"), title="|dL/dθ| (log scale)")
    tip = [alt.Tooltip("L:Q"), alt.Tooltip("param:N"), alt.Tooltip("shown:N", title="dL/dθ"),
           alt.Tooltip("status:N")]
    base = alt.Chart().encode(x=x, tooltip=tip)
    # Equal gradients draw on top of each other (at wh = 1, dL/dh_init = dL/dwy): distinct dashes keep both visible.
    lines = base.transform_filter(alt.datum.status == "finite").mark_line(point=alt.OverlayMarkDef(size=12)).encode(
        y=y, color=alt.Color("param:N", scale=PARAM_COLORS, title="parameter",
                             legend=alt.Legend(symbolType="stroke")),
        strokeDash=alt.StrokeDash("param:N", scale=PARAM_DASHES, title="parameter"))
    special = _special_layer(base, x, data)
    rule = alt.Chart(pd.DataFrame({"L": [chosen_L], "label": [f"your L = {chosen_L}"]})).mark_rule(
        strokeDash=[4, 3], color="#555").encode(x="L:Q", tooltip=["label:N"])
    return _legend_below(alt.layer(lines, special, rule, data=data).properties(title=title, height=260))


def factors_and_gain(frame: pd.DataFrame, title: str) -> alt.LayerChart:
    """Per-step factor |wh act'(a_t)| and the running gain |dh_t/dh_0|, log axis, 1 marked."""
    long = frame.melt(id_vars="t", value_vars=["factor", "gain"], var_name="series", value_name="value")
    long = long[~((long.series == "factor") & (long.t == 0))]  # no factor before step 1; the gain starts at 1
    long["series"] = long.series.map({"factor": "per-step |dh_t/dh_t-1|", "gain": "gain |dh_t/dh_0|"})
    data = with_log_position(long, "value")
    x = alt.X("t:Q", title="time step t", axis=alt.Axis(tickMinStep=1))
    y = alt.Y("y:Q", scale=alt.Scale(type="log"), title="factor (log scale)")
    tip = [alt.Tooltip("t:Q"), alt.Tooltip("series:N"), alt.Tooltip("shown:N", title="value"),
           alt.Tooltip("status:N")]
    base = alt.Chart().encode(x=x, tooltip=tip)
    series = alt.Color("series:N", scale=alt.Scale(range=[OKABE_ITO[0], OKABE_ITO[1]]), title=None,
                       legend=alt.Legend(orient="bottom", symbolType="stroke"))
    lines = base.transform_filter(alt.datum.status == "finite").mark_line(point=alt.OverlayMarkDef(size=14)).encode(
        y=y, color=series, strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(range=[[1, 0], [6, 4]]), title=None,
                                                     legend=alt.Legend(orient="bottom")))
    one = alt.Chart(pd.DataFrame({"y": [1.0]})).mark_rule(color="#555", strokeDash=[2, 2]).encode(y="y:Q")
    return _legend_below(alt.layer(lines, _special_layer(base, x, data), one, data=data).properties(
        title=title, height=260))


def seed_lines(df: pd.DataFrame, param: str, title: str) -> alt.LayerChart:
    """The seed's experiment: |dL/dparam| against L, one line per wh_init; the float32 zero marked."""
    data = with_log_position(df[df.param == param][["wh_init", "L", "grad"]], "grad")
    data["wh_init"] = data.wh_init.map(lambda w: f"wh_init = {w:g}")
    x = alt.X("L:Q", title="sequence length L (steps)", axis=alt.Axis(tickMinStep=1))
    y = alt.Y("y:Q", scale=alt.Scale(type="log"), title=f"|dL/d{param}| (log scale)")
    tip = [alt.Tooltip("wh_init:N"), alt.Tooltip("L:Q"), alt.Tooltip("shown:N", title=f"dL/d{param}"),
           alt.Tooltip("status:N")]
    base = alt.Chart().encode(x=x, tooltip=tip)
    color = alt.Color("wh_init:N", scale=alt.Scale(range=OKABE_ITO[:3]), title=None)
    lines = base.transform_filter(alt.datum.status == "finite").mark_line(point=True).encode(y=y, color=color)
    special = base.transform_filter(alt.datum.status != "finite").mark_point(size=150, filled=True).encode(
        y=y, color=color, shape=alt.Shape("status:N", scale=special_shapes(data), title=None,
                                          legend=alt.Legend() if (data.status != "finite").any() else None))
    label = base.transform_filter(alt.datum.status == "exactly 0").mark_text(dx=8, align="left", fontSize=12).encode(
        y=y, text=alt.value("0.0: float32 rounding, not vanishing"))
    return _legend_below(alt.layer(lines, special, label, data=data).properties(title=title, height=300))
