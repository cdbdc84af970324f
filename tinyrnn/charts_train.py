"""Chart builders for the Training page: loss, gradient norm, parameters and the loss landscape. Altair only."""
from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from .charts import OKABE_ITO, PARAM_COLORS, edges

RUN_COLORS = alt.Scale(domain=["plain SGD", "clipped SGD"], range=[OKABE_ITO[1], OKABE_ITO[0]])


def _log_position(df: pd.DataFrame, col: str) -> pd.DataFrame:
    """'y' for a log axis: |value| where positive and finite; non-finite at 10x the top, zeros 10x below."""
    v = df[col].to_numpy(dtype=np.float64)
    ok = np.isfinite(v) & (v > 0)
    lo, hi = edges(v[ok])
    status = np.select([np.isnan(v), np.isinf(v), v == 0], ["NaN", "inf", "exactly 0"], "finite")
    return df.assign(y=np.where(ok, v, np.where(status == "exactly 0", lo, hi)), status=status,
                     shown=[f"{x:.4g}" for x in v])


def _special(base: alt.Chart, data: pd.DataFrame) -> alt.Chart:
    present = [s for s in ("exactly 0", "inf", "NaN") if (data.status == s).any()]
    shapes = {"exactly 0": "triangle-down", "inf": "triangle-up", "NaN": "cross"}
    return base.transform_filter(alt.datum.status != "finite").mark_point(size=160, filled=True).encode(
        shape=alt.Shape("status:N", title="special value",
                        scale=alt.Scale(domain=present or ["inf"], range=[shapes[s] for s in present or ["inf"]]),
                        legend=alt.Legend() if present else None))


def loss_chart(runs: pd.DataFrame, title: str) -> alt.LayerChart:
    """Loss per step, log scale, plain vs clipped; a run that stops on inf/NaN is marked where it stopped."""
    data = _log_position(runs[["run", "step", "loss"]], "loss")
    x = alt.X("step:Q", title="SGD step")
    base = alt.Chart(data).encode(x=x, y=alt.Y("y:Q", scale=alt.Scale(type="log"), title="loss (log scale)"),
                                  color=alt.Color("run:N", scale=RUN_COLORS, title=None),
                                  tooltip=["run:N", "step:Q", alt.Tooltip("shown:N", title="loss"), "status:N"])
    line = base.transform_filter(alt.datum.status == "finite").mark_line()
    return alt.layer(line, _special(base, data)).properties(title=title, height=260)


def grad_norm_chart(runs: pd.DataFrame, clip: float, title: str) -> alt.LayerChart:
    """Gradient norm per step (before clipping), the threshold as a rule, clipped steps as filled dots."""
    data = _log_position(runs[["run", "step", "grad_norm", "clipped"]], "grad_norm")
    data["event"] = np.where(data.clipped, "clipped this step", "not clipped")
    y = alt.Y("y:Q", scale=alt.Scale(type="log"), title="|gradient| (log scale)")
    base = alt.Chart(data).encode(x=alt.X("step:Q", title="SGD step"), y=y,
                                  color=alt.Color("run:N", scale=RUN_COLORS, title=None),
                                  tooltip=["run:N", "step:Q", alt.Tooltip("shown:N", title="|g|"), "event:N"])
    line = base.transform_filter(alt.datum.status == "finite").mark_line(opacity=0.8)
    dots = base.transform_filter(alt.datum.clipped).mark_point(filled=True, size=45, shape="diamond").encode(
        opacity=alt.value(1))
    rule = alt.Chart(pd.DataFrame({"y": [clip], "label": [f"threshold {clip:g}"]})).mark_rule(
        strokeDash=[5, 3], color="#555").encode(y="y:Q", tooltip=["label:N"])
    text = alt.Chart(pd.DataFrame({"y": [clip], "label": [f"threshold {clip:g}"]})).mark_text(
        align="left", dx=4, dy=-6, color="#555").encode(y="y:Q", x=alt.value(4), text="label:N")
    return alt.layer(line, dots, rule, text, _special(base, data)).properties(title=title, height=260)


def params_chart(runs: pd.DataFrame, params: list[str], title: str) -> alt.FacetChart:
    """Each trained parameter's value per step; one panel per run, each with its own y scale."""
    long = runs.melt(id_vars=["run", "step"], value_vars=params, var_name="param", value_name="value")
    long = long[np.isfinite(long.value)]
    return alt.Chart(long).mark_line().encode(
        x=alt.X("step:Q", title="SGD step"), y=alt.Y("value:Q", title="value (linear scale)"),
        color=alt.Color("param:N", scale=PARAM_COLORS, title="parameter"),
        tooltip=["run:N", "step:Q", "param:N", alt.Tooltip("value:Q", format=".5g")],
    ).properties(width=380, height=220).facet(
        column=alt.Column("run:N", title=None, sort=["plain SGD", "clipped SGD"])).resolve_scale(
        y="independent").properties(title=title)


def landscape_panel(grid: pd.DataFrame, path: pd.DataFrame, x: str, y: str, run: str, title: str,
                    domain: tuple[float, float]) -> alt.LayerChart:
    """log10 |gradient| over two parameters (the cliff is the bright ridge), with one run's path on top."""
    cells = grid.assign(log_g=np.log10(np.hypot(grid.grad_x, grid.grad_y).replace(0, np.nan)))
    dx = float(np.diff(np.unique(grid.x))[:1].mean()) if grid.x.nunique() > 1 else 1.0
    dy = float(np.diff(np.unique(grid.y))[:1].mean()) if grid.y.nunique() > 1 else 1.0
    # each value belongs to its grid point, so its cell is centred there (the paths are drawn at exact points)
    cells = cells.assign(x1=cells.x - dx / 2, x2=cells.x + dx / 2, y1=cells.y - dy / 2, y2=cells.y + dy / 2)
    xs = alt.Scale(domain=[float(cells.x1.min()), float(cells.x2.max())], nice=False, zero=False)
    ys = alt.Scale(domain=[float(cells.y1.min()), float(cells.y2.max())], nice=False, zero=False)
    heat = alt.Chart(cells).mark_rect().encode(
        x=alt.X("x1:Q", title=x, scale=xs), x2="x2:Q", y=alt.Y("y1:Q", title=y, scale=ys), y2="y2:Q",
        color=alt.Color("log_g:Q", title="log10 |∇loss|", scale=alt.Scale(scheme="viridis", domain=list(domain))),
        tooltip=[alt.Tooltip("x:Q", format=".4g", title=x), alt.Tooltip("y:Q", format=".4g", title=y),
                 alt.Tooltip("loss:Q", format=".4g"), alt.Tooltip("log_g:Q", format=".2f", title="log10 |∇loss|")])
    color = RUN_COLORS.to_dict()["range"][0 if run == "plain SGD" else 1]
    trail = alt.Chart(path).mark_line(point=alt.OverlayMarkDef(size=14, filled=True, color=color), color=color,
                                      clip=True, strokeWidth=2).encode(
        x=alt.X(f"{x}:Q", scale=xs), y=alt.Y(f"{y}:Q", scale=ys), order="step:Q",
        tooltip=["step:Q", alt.Tooltip(f"{x}:Q", format=".5g"), alt.Tooltip(f"{y}:Q", format=".5g"),
                 alt.Tooltip("loss:Q", format=".4g")])
    start = alt.Chart(path.head(1)).mark_point(shape="circle", size=160, color="white", stroke="black",
                                               filled=True).encode(x=alt.X(f"{x}:Q", scale=xs),
                                                                   y=alt.Y(f"{y}:Q", scale=ys))
    return alt.layer(heat, trail, start).properties(title=title, width=360, height=320)
