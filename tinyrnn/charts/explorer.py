"""The Explorer's charts, their titles and its words: templates built once, data read off a Report."""
from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from ..core.diagnosis import compact
from ..core.names import CELL_PARAMS
from ..core.report import Report
from .common import (
    BLUE,
    GREEN,
    GREY,
    SIGN_COLORS,
    VERMILLION,
    banded,
    data,
    describe,
    legend_below,
    log_y,
    param_scales,
    points,
    shown,
    special_marks,
    template,
    with_bands,
    y_range,
)

# How serious each diagnosis is: the page picks the banner's colour from this.
SEVERITY = {"stable": "ok", "no signal": "info", "vanishing": "warn", "exploding": "warn", "saturated": "warn",
            "dead": "warn", "cancelled": "error", "underflow": "error", "overflow": "error"}

T = alt.X("t:Q", title="time step t", axis=alt.Axis(tickMinStep=1, format="d"))
L_AXIS = alt.X("L:Q", title="sequence length L (steps)", axis=alt.Axis(tickMinStep=1, format="d"))


# ---- h_t ----

@template
def trajectory(log: bool) -> alt.TopLevelMixin:
    """h_t against t: on a log axis |h_t| coloured by sign, on a linear axis h_t itself; specials in bands."""
    tip = [alt.Tooltip("t:Q"), alt.Tooltip("value:Q", title="h_t", format=".4~g")]
    if log:
        base = shown().encode(x=T, y=log_y("|h_t| (log scale)"), tooltip=tip)
        layers = [base.mark_line(color=GREY), base.mark_point(filled=True, size=40).encode(
            color=alt.Color("sign:N", scale=SIGN_COLORS, title="sign of h_t"))]
    else:
        layers = [shown(log=False).mark_line(point=True, color=BLUE).encode(
            x=T, y=alt.Y("y:Q", title="h_t (linear scale)", scale=alt.Scale(range=y_range(220, bottom=False),
                                                                            padding=10)),
            tooltip=tip)]
    special = special_marks(tooltip=[alt.Tooltip("t:Q"), alt.Tooltip("status:N", title="h_t is")]).encode(x=T)
    return legend_below(banded(layers, special, bottom=log))


def trajectory_data(report: Report, log: bool) -> dict[str, pd.DataFrame]:
    return points(report.frame, "h", keep=["t"])


def trajectory_caption(log: bool) -> str:
    """What the dots are, and where the values the axis cannot show went."""
    if log:
        return with_bands("Each dot is |h_t|, the network's memory after t steps; colour is its sign.")
    return ("Each dot is h_t, the network's memory after t steps, on a linear axis (0 is an ordinary point here). "
            "The band above the dotted line holds inf and NaN (▲ inf, ✚ NaN).")


def trajectory_title(report: Report) -> str:
    """What happened to the state, in one line."""
    h = report.frame.h
    h0, hL, L = h.iloc[0], h.iloc[-1], report.config.L
    if not np.isfinite(hL):
        first = int(np.flatnonzero(~np.isfinite(h.to_numpy()))[0])
        return f"h_t overflows to {hL} at t = {first}: the forward pass itself breaks"
    if hL == 0:
        first = int(np.flatnonzero(h.to_numpy() == 0)[0])
        if report.diagnosis.word == "underflow":
            return (f"h_t rounds to 0 at t = {first}: too small for {report.config.dtype}, though not 0 in exact "
                    "math")
        return f"h_t reaches exactly 0 at t = {first} and stays there: nothing of h_0 survives"
    settled = report.diagnosis.fixed_point
    if settled is not None:
        return f"h_t goes from {h0:.3g} to {hL:.4g} and settles at the fixed point h* = {settled.h:.4g}"
    return f"h_t goes from {h0:.3g} to {compact(hL)} in {L} step{'s' if L != 1 else ''}"


# ---- every parameter's gradient ----

@template
def gradients(cell: str = "plain") -> alt.TopLevelMixin:
    """|dL/dθ| per parameter of the cell on a log axis, colour = sign; 0, inf and NaN in the bands."""
    params = list(CELL_PARAMS[cell])
    x = alt.X("param:N", title="parameter", sort=params, scale=alt.Scale(domain=params),
              axis=alt.Axis(labelAngle=0 if cell == "plain" else -40, labelOverlap=False,  # seven names: slanted
                            labelExpr="datum.value == 'wx' ? 'wx (frozen)' : datum.value"))
    tip = [alt.Tooltip("param:N"), alt.Tooltip("value:Q", title="dL/dθ", format=".4~g")]
    dots = shown().mark_point(filled=True, size=180).encode(
        x=x, y=log_y("|dL/dθ| (log scale)", 200), color=alt.Color("sign:N", scale=SIGN_COLORS, title="sign of dL/dθ"),
        tooltip=tip)
    special = special_marks(size=160, tooltip=[alt.Tooltip("param:N"), alt.Tooltip("status:N", title="dL/dθ is")])
    return legend_below(banded([dots], special.encode(x=x), height=200))


def gradients_data(report: Report) -> dict[str, pd.DataFrame]:
    return points(report.grads, "grad", report.grads.status, keep=["param"])


def gradient_title(report: Report) -> str:
    """Which trained parameter gets the biggest pull in size (wx is frozen, so it is never counted), naming ties;
    then the smallest: a zero (with its kind) when there is one, since 0 is smaller than any number drawn."""
    g = report.grads[report.grads.trainable]
    usable = g[g.status == "finite"]
    if usable.empty:
        kinds = ", ".join(sorted(set(g.status)))
        return f"No trained parameter gets a usable gradient ({kinds})"
    biggest = usable.magnitude.max()
    top = usable[np.isclose(usable.magnitude, biggest, rtol=1e-6, atol=0)]
    names = " and ".join(f"dL/d{p}" for p in top.param)
    rest = usable[~usable.param.isin(top.param)]
    zeros = g[g.grad == 0]
    specials = g[~np.isfinite(g.grad)]
    if len(zeros):
        low = "; " + ", ".join(f"dL/d{row.param} is 0 ({row.status})" for row in zeros.itertuples())
    elif len(rest):
        low = f"; the smallest, dL/d{rest.loc[rest.magnitude.idxmin()].param} = " \
              f"{compact(rest.loc[rest.magnitude.idxmin()].grad)}"
    else:
        low = ""
    low += "".join(f"; dL/d{row.param} is {row.status}" for row in specials.itertuples())
    return f"Of the trained parameters, {names} {'is' if len(top) == 1 else 'are'} largest in size " \
           f"({compact(top.grad.iloc[0])}){low}"


# ---- gradient against L ----

@template
def by_length(cell: str = "plain") -> alt.TopLevelMixin:
    """|dL/dθ| for every length 1..L at this setting, one line per parameter of the cell; your L marked."""
    tip = [alt.Tooltip("L:Q"), alt.Tooltip("param:N"), alt.Tooltip("value:Q", title="dL/dθ", format=".4~g")]
    colors, dashes = param_scales(CELL_PARAMS[cell])
    color = alt.Color("param:N", scale=colors, title="parameter", legend=alt.Legend(symbolType="stroke"))
    lines = shown().mark_line(point=alt.OverlayMarkDef(size=16), strokeWidth=2).encode(
        x=L_AXIS, y=log_y("|dL/dθ| (log scale)"), color=color,
        strokeDash=alt.StrokeDash("param:N", scale=dashes, title="parameter"), tooltip=tip)
    # your L is the longest length drawn: a rule there, computed in the browser from the points themselves
    chosen = alt.Chart(data("points")).transform_aggregate(L="max(L)").mark_rule(strokeDash=[4, 3], color=GREY).encode(
        x=L_AXIS, tooltip=[alt.Tooltip("L:Q", title="your L")])
    special = special_marks(color=color,
                            tooltip=[alt.Tooltip("L:Q"), alt.Tooltip("param:N"), alt.Tooltip("status:N")])
    return legend_below(banded([lines, chosen], special.encode(x=L_AXIS)))


def by_length_data(report: Report) -> dict[str, pd.DataFrame]:
    df = report.by_length
    return points(df, "grad", df.status, keep=["L", "param"])


def length_title(report: Report) -> str:
    """How dL/dh_init and dL/dwh change with L at this setting, in their own numbers."""
    df = report.by_length
    parts = [f"dL/d{p} {describe(df[df.param == p].sort_values('L'), span=False)}" for p in ("h_init", "wh")]
    return f"Over L = 1..{report.config.L}: " + "; ".join(parts)


def overlapping(report: Report) -> list[tuple[str, str]]:
    """Pairs of parameters whose gradient-vs-L lines coincide (their lines hide each other on the chart)."""
    wide = report.by_length.pivot(index="L", columns="param", values="grad")
    pairs, params = [], report.config.params
    for i, p in enumerate(params):
        for q in params[i + 1:]:
            a, b = wide[p].to_numpy(), wide[q].to_numpy()
            drawn = np.isfinite(a) & (a != 0)  # lines are drawn where the value is finite and non-zero
            if drawn.any() and np.array_equal(drawn, np.isfinite(b) & (b != 0)) and \
                    np.allclose(np.abs(a[drawn]), np.abs(b[drawn]), rtol=1e-6, atol=0):
                pairs.append((p, q))
    return pairs


def length_caption(report: Report) -> str:
    """What a straight line means here, and which lines overlap."""
    same = "; ".join(f"dL/d{p} and dL/d{q} coincide (one line hides the other)" for p, q in overlapping(report))
    return ("dL/dh_init is a product of one factor per step, so on this log axis a straight line means the same "
            "factor every step; dL/dwh and dL/dwx add one term per step, so they bend (at a factor of exactly 1 "
            "they grow like L)." + (f" Here {same}." if same else ""))


# ---- factors and how far the gradient reaches back ----

FACTOR_SERIES = {"factor": "per-step factor", "reach": "reaches back"}  # |dh_t/dh_t-1| and |dh_L/dh_t|
KEEP_SERIES = {"keep": "kept share 1 − z_t"}  # the gated cell's additive part of its factor


@template
def factors(cell: str = "plain") -> alt.TopLevelMixin:
    """The per-step factor |dh_t/dh_{t-1}| and |dh_L/dh_t|, what backprop carries from h_L back to step t; for the
    gated cell also its kept share 1 - z_t, the part of the factor that needs no slope."""
    names = list(FACTOR_SERIES.values()) + (list(KEEP_SERIES.values()) if cell == "gru" else [])
    series = alt.Color("series:N", scale=alt.Scale(domain=names, range=[BLUE, VERMILLION, GREEN][:len(names)]),
                       title=None, legend=alt.Legend(symbolType="stroke"))
    dash = alt.StrokeDash("series:N", scale=alt.Scale(domain=names, range=[[1, 0], [6, 4], [2, 2]][:len(names)]),
                          title=None)
    tip = [alt.Tooltip("t:Q"), alt.Tooltip("series:N"), alt.Tooltip("value:Q", format=".4~g")]
    lines = shown().mark_line(point=alt.OverlayMarkDef(size=16)).encode(
        x=T, y=log_y("factor (log scale)"), color=series, strokeDash=dash, tooltip=tip)
    one = alt.Chart(alt.InlineData(values=[{"y": 1.0}])).mark_rule(color=GREY, strokeDash=[2, 2]).encode(
        y=log_y("factor (log scale)"))  # a factor of exactly 1: neither shrinks nor grows
    special = special_marks(color=series, tooltip=[alt.Tooltip("t:Q"), alt.Tooltip("series:N"),
                                                   alt.Tooltip("status:N")])
    return legend_below(banded([lines, one], special.encode(x=T)), columns=2)  # long names: two fit a phone


def factors_data(report: Report) -> dict[str, pd.DataFrame]:
    names = FACTOR_SERIES | (KEEP_SERIES if report.config.cell == "gru" else {})
    frame = report.frame
    if report.config.cell == "gru":
        frame = frame.assign(keep=np.concatenate([[np.nan], 1 - report.result.gates.astype(np.float64)]))
    long = frame.melt(id_vars="t", value_vars=list(names), var_name="series", value_name="v")
    long = long[~(long.series.isin(["factor", "keep"]) & (long.t == 0))]  # no factor before step 1
    long["series"] = pd.Categorical(long.series.map(names), categories=list(names.values()))
    return points(long, "v", keep=["t", "series"])


def factor_title(report: Report) -> str:
    """The rate in words: ×m per step, and what all L factors multiply to (exact, from logs)."""
    d, L = report.diagnosis, report.config.L
    if not np.isfinite(d.log10_gain):
        return ("A factor is exactly 0: the gradient is cut at that step" if d.mean_factor == 0 else
                "The factors are not finite numbers")
    total = compact(10 ** d.log10_gain) if abs(d.log10_gain) < 300 else f"10^{d.log10_gain:.1f}"
    gain = report.dynamics.gain[-1]
    beyond = f", beyond {report.config.dtype}'s range" if gain == 0 or not np.isfinite(gain) else ""
    return f"×{compact(d.mean_factor)} per step on average: the {L} factors multiply to {total}{beyond}"


def factor_caption(report: Report) -> str:
    """What the two lines are, and the rate's logarithm (the one-unit Lyapunov exponent)."""
    d = report.diagnosis
    rate = d.log10_gain / report.config.L * np.log(10) if np.isfinite(d.log10_gain) else 0.0
    lyapunov = (f" The average rate's logarithm, ln {compact(d.mean_factor)} = "
                f"{'0' if rate == 0 else f'{rate:+.3g}'} per step, is the unit's Lyapunov exponent: "
                "below 0 the gradient shrinks, above 0 it grows." if np.isfinite(d.log10_gain) else "")
    if report.config.cell == "gru":
        return ("Blue: the factor dh_t/dh_{t-1} = (1 − z_t) + z_t·act'(a_t)·wh + (c_t − h_{t-1})·z_t(1 − z_t)·wz "
                "backprop multiplies by at step t. Green: its first part, the kept share 1 − z_t, which needs no "
                "slope: where the gate is mostly closed it holds the factor near 1. Orange: the factors' product "
                f"from step t+1 to L, what reaches step t of the gradient that h_L sends back.{lyapunov}")
    return ("Blue: the factor wh·act'(a_t) backprop multiplies by at step t. Orange: their product from step t+1 "
            f"to L, what reaches step t of the gradient that h_L sends back.{lyapunov}")


# ---- the terms of dL/dwh, and truncated backprop ----

@template
def terms() -> alt.TopLevelMixin:
    """|c_t|, what step t adds to dL/dwh, on a log axis; the steps truncated BPTT drops are shaded."""
    start = alt.X("t0:Q", title=T.to_dict()["title"], axis=T.to_dict()["axis"])  # the same axis as T
    # shade steps 1..L-k, those truncated BPTT drops: from 0.5 to the last dropped step + 0.5
    dropped = alt.Chart(data("points")).transform_filter(alt.datum.kept == "dropped").transform_aggregate(
        last="max(t)").transform_calculate(t0="0.5", t1="datum.last + 0.5").mark_rect(
        color=GREY, opacity=0.18).encode(x=start, x2="t1:Q")
    tip = [alt.Tooltip("t:Q"), alt.Tooltip("value:Q", title="term c_t", format=".4~g"), alt.Tooltip("kept:N")]
    dots = shown().mark_point(filled=True, size=36).encode(
        x=T, y=log_y("|c_t| (log scale)"), color=alt.Color("sign:N", scale=SIGN_COLORS, title="sign of c_t"),
        opacity=alt.Opacity("kept:N", scale=alt.Scale(domain=["kept", "dropped"], range=[1.0, 0.35]), legend=None),
        tooltip=tip)
    special = special_marks(tooltip=[alt.Tooltip("t:Q"), alt.Tooltip("status:N")])
    return legend_below(banded([dropped, dots], special.encode(x=T)))


def terms_data(report: Report, k: int) -> dict[str, pd.DataFrame]:
    frame = report.frame.iloc[1:]
    L = report.config.L
    kept = np.where(frame.t.to_numpy() > L - k, "kept", "dropped")
    return points(frame.assign(kept=kept), "wh_term", keep=["t", "kept"])


def truncation(report: Report, k: int) -> dict[str, float]:
    """dL/dwh from the last k steps only (what .detach() every k steps keeps), beside the full sum."""
    terms_ = report.frame.wh_term.to_numpy()[1:]
    kept = float(np.sum(terms_[len(terms_) - k:])) if k else 0.0
    full = float(report.result.grads["wh"])
    with np.errstate(invalid="ignore", divide="ignore"):
        lost = (full - kept) / full if full != 0 and np.isfinite(full) else np.nan
    return {"full": full, "truncated": kept, "lost": float(lost)}


def truncation_caption(report: Report, k: int, detached: float) -> str:
    """What truncation keeps, and autograd's own number with h_{L-k} detached beside the sum of the kept terms."""
    L = report.config.L
    if k >= L:
        return f"k = {k} ≥ L = {L}: every step is kept, nothing is truncated."
    return (f"With k = {k}, backprop stops at h_{L - k}: only the terms of steps {L - k + 1}..{L} count. "
            f"Autograd with h_{L - k}.detach() gives dL/dwh = {sci(detached)}, the sum of those terms.")


def terms_title(report: Report, k: int) -> str:
    cut = truncation(report, k)
    if not np.isfinite(cut["full"]) or cut["full"] == 0:
        return f"dL/dwh = {compact(cut['full'])}: its terms, step by step"
    return (f"dL/dwh sums one term per step; the last k = {k} give {compact(cut['truncated'])} of "
            f"{compact(cut['full'])} ({100 * (1 - cut['lost']):.3g}% kept)")


# ---- tables and sentences ----

def sci(x: float) -> str:
    """A number as text that keeps inf, NaN and an exact 0 visible."""
    if np.isnan(x):
        return "NaN"
    if np.isinf(x):
        return "+inf" if x > 0 else "-inf"
    return "0" if x == 0 else f"{x:.4e}"


def gradient_table(report: Report) -> pd.DataFrame:
    """The gradient numbers as text, with what each one is (so inf/NaN/0 read as what they are)."""
    g = report.grads
    return pd.DataFrame({"parameter": g.param, "dL/dθ": g.grad.map(sci), "status": g.status,
                         "log10 |dL/dθ|": g.magnitude.map(lambda m: f"{np.log10(m):.2f}" if 0 < m < np.inf else "—"),
                         "trained": g.trainable.map({True: "yes", False: "no (frozen)"})})


def witness_table(report: Report) -> pd.DataFrame:
    """Autograd beside its two witnesses, as text."""
    w = report.witnesses
    return pd.DataFrame({"parameter": w.param, "autograd": w.autograd.map(sci),
                         "closed form (float64)": w.closed_form.map(lambda v: "no closed form" if np.isnan(v)
                                                                    else sci(v)),
                         "finite differences (float64)": w.finite_difference.map(sci),
                         "agree": w.agree.map({"yes": "yes", "one-sided": "yes, one-sided (kink within the step)",
                                               "no": "NO"})})


def witness_line(report: Report) -> str:
    """One sentence: do autograd, closed form and finite differences agree?"""
    w, dtype, word = report.witnesses, report.config.dtype, report.diagnosis.word
    witnesses = "the closed form and finite differences" if w.closed_form.notna().any() else "finite differences"
    if (w.agree == "yes").all():
        return f"Checked: autograd agrees with {witnesses} (float64) on every gradient."
    if (w.agree != "no").all():
        kinked = ", ".join(w.param[w.agree == "one-sided"])
        return (f"Checked: autograd agrees with {witnesses} (float64); for {kinked} a relu kink lies within the "
                "difference step: the central difference straddles it, and autograd matches a one-sided one.")
    bad = ", ".join(w.param[w.agree == "no"])
    why = {"cancelled": f"{dtype} rounding zeroed the loss", "overflow": "the run overflowed",
           "underflow": f"{dtype} rounded a tiny value to 0 (see the verdict above)"}.get(word, f"{dtype} rounding")
    return f"Autograd differs from the float64 witnesses on {bad}: {why}. Open the table to see by how much."
