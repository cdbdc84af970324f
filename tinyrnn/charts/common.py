"""The lab's visual vocabulary: colours, the special-value marks, log panels with their bands, chart templates.

Every chart is a *template*: a Vega-Lite spec built once per layout (cached here) whose marks read named datasets
("main", "special", ...). A page draws it with fresh data each rerun, so the spec never changes and the browser
swaps the data in place instead of re-embedding the view. Numbers of the moment go in the data or in text beside
the chart, never in the spec.
"""
from __future__ import annotations

import functools
from collections.abc import Callable

import altair as alt
import numpy as np
import pandas as pd
import pyarrow as pa
from altair.utils import schemapi

from ..core.diagnosis import compact
from ..core.status import STATUSES, classify

# Altair re-validates every object as it is built; templates are built once, and tests/test_charts.py validates
# every template in full, so the app skips the second validation.
schemapi.disable_debug_mode()

# Okabe-Ito, kept to colours whose relative luminance lies between 0.12 and 0.30: at least 3:1 contrast against
# both Streamlit themes' backgrounds (#ffffff and #0e1117), and distinguishable with common colour-vision deficiencies.
BLUE, VERMILLION, GREEN, PURPLE = "#3182BD", "#D55E00", "#009E73", "#CC79A7"  # blue: Okabe-Ito's, lighter
GREY = "#8C8C8C"  # neutral marks and rules: 3.2:1 on white, 5.5:1 on the dark background
PARAMS = ("h_init", "wh", "wy", "wx")
# Each parameter's colour and dash, the same on every chart; the gated cell's gate (wz, uz, bz) adds three, also
# within the luminance band above (uz and bz get equal gradients when x_t = 1: their dashes tell them apart).
PARAM_COLOR = {"h_init": BLUE, "wh": VERMILLION, "wy": GREEN, "wx": PURPLE,
               "wz": "#A6761D", "uz": "#7570B3", "bz": "#1B9E77"}
PARAM_DASH = {"h_init": [1, 0], "wh": [8, 4], "wy": [2, 3], "wx": [10, 3, 2, 3],
              "wz": [4, 2], "uz": [1, 3], "bz": [6, 2, 1, 2]}


def param_scales(params) -> tuple[alt.Scale, alt.Scale]:
    """Colour and dash scales for these parameters (a legend lists exactly its scale's domain)."""
    params = list(params)
    return (alt.Scale(domain=params, range=[PARAM_COLOR[p] for p in params]),
            alt.Scale(domain=params, range=[PARAM_DASH[p] for p in params]))


PARAM_COLORS, PARAM_DASHES = param_scales(PARAMS)
SIGNS = ("positive", "negative")
SIGN_COLORS = alt.Scale(domain=list(SIGNS), range=[BLUE, VERMILLION])
SERIES = (BLUE, VERMILLION, GREEN, PURPLE, "#A6761D", "#7570B3", "#1B9E77", "#E7298A")  # up to 8 lines

# One mark per special value (status.STATUSES), the same on every chart. Shapes tell them apart on line charts
# (where colour tells the series); colours tell them apart as heatmap cells.
SPECIAL = ("exactly 0", "underflow", "cancelled", "inf", "NaN")
SPECIAL_SHAPES = {"exactly 0": "triangle-down", "underflow": "diamond", "cancelled": "square",
                  "inf": "triangle-up", "NaN": "cross"}
SPECIAL_COLORS = {"exactly 0": GREY, "underflow": "#7570B3", "cancelled": "#E7298A", "inf": "#999933",
                  "NaN": "#1B9E77"}  # inf olive: apart from the orange end of the diverging scale
BOTTOM, TOP = ("exactly 0", "underflow", "cancelled"), ("inf", "NaN")  # which band holds which special value
BAND_LABELS = {"bottom": "= 0", "top": "inf / NaN"}
SHAPE_SCALE = alt.Scale(domain=list(SPECIAL), range=[SPECIAL_SHAPES[s] for s in SPECIAL])
STATUS_COLOR_SCALE = alt.Scale(domain=list(SPECIAL), range=[SPECIAL_COLORS[s] for s in SPECIAL])
assert set(SPECIAL) | {"finite"} == set(STATUSES)


def template(build: Callable[..., alt.TopLevelMixin]) -> Callable[..., dict]:
    """Decorator: build an Altair chart once per set of layout arguments and keep its Vega-Lite dict.

    The dict is shared: callers add data with with_data(), which copies it, and never change it in place.
    """
    @functools.lru_cache(maxsize=64)
    def cached(*args, **kwargs) -> dict:
        spec = build(*args, **kwargs).to_dict(validate=False)
        spec.pop("$schema", None)  # sent with every rerun; the frontend's Vega-Lite needs no schema URL
        # fit-x: the width follows the container and the plot keeps its height (plain "fit" would squeeze the plot
        # to make room for the legend and axes inside that height)
        spec.setdefault("autosize", {"type": "fit-x", "contains": "padding"})
        spec.get("config", {}).pop("view", None)  # Altair's default view size: every template sets its own
        spec["usermeta"] = {"chart": build.__name__}  # a stable name for tests and the browser to find it by
        return _inline_constants(spec)

    cached.build = build  # the Altair object, for tests that validate the full spec
    functools.update_wrapper(cached, build)
    return cached


def _inline_constants(spec: dict) -> dict:
    """Put the template's own constant data (Altair moves every InlineData to a top-level "data-<hash>" dataset)
    back into the marks that read it. Top-level datasets are converted to Arrow by Streamlit on every rerun, with
    pandas' metadata: about 800 bytes each for a 2-row rule, 6 of them per Explorer rerun. Inline, they are part of
    the constant spec, which the browser keeps."""
    constants = {k: v for k, v in spec.get("datasets", {}).items() if k.startswith("data-")}

    def inline(node):
        if isinstance(node, dict):
            data = node.get("data")
            if isinstance(data, dict) and data.get("name") in constants:
                node = {**node, "data": {"values": constants[data["name"]]}}
            return {k: inline(v) for k, v in node.items()}
        if isinstance(node, list):
            return [inline(v) for v in node]
        return node

    out = inline(spec)
    out["datasets"] = {k: v for k, v in spec.get("datasets", {}).items() if k not in constants}
    if not out["datasets"]:
        del out["datasets"]
    return out


def with_data(spec: dict, **datasets) -> dict:
    """A template with its named datasets filled in (a shallow copy: the template stays untouched).

    Each dataset is sent as Arrow bytes without pandas' metadata (about half of a small frame's bytes).
    """
    return {**spec, "datasets": {**spec.get("datasets", {}), **{k: arrow(v) for k, v in datasets.items()}}}


def arrow(frame: pd.DataFrame) -> bytes:
    """A frame as an Arrow IPC stream, no index, no pandas metadata: what the browser needs and nothing else."""
    table = pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(None)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def data(name: str) -> alt.NamedData:
    """A named dataset that a template's marks read (filled per setting by with_data)."""
    return alt.NamedData(name=name)


ZEROS = ("exactly 0", "underflow", "cancelled")  # a computed 0, whatever the reason


def points(frame: pd.DataFrame, value: str, status=None, keep=()) -> dict[str, pd.DataFrame]:
    """The one dataset of a banded chart, "points": the `keep` columns, value (the signed number; NaN where it is
    not finite, since Arrow and JSON carry no inf) and status (status.STATUSES: what the value is).

    Where each point goes (the value axis, or a band) is decided in the browser from the status: see shown() and
    special_marks(). status is given (e.g. 'cancelled', known to the engine) or classified from the value.
    """
    v = frame[value].to_numpy(dtype=np.float64)
    st = classify(v) if status is None else np.asarray(status, dtype=object)
    kept = frame[list(keep)].reset_index(drop=True)
    # text columns (a series' name, repeated on every row) travel dictionary-encoded: each name once, then small
    # codes; the memory page's loss curves (2 cells x seeds x steps rows) went from 215 kB to 98 kB per rerun
    text = [c for c in kept.columns
            if not pd.api.types.is_numeric_dtype(kept[c]) and not isinstance(kept[c].dtype, pd.CategoricalDtype)]
    kept = kept.astype({c: "category" for c in text})
    out = kept.assign(
        value=np.where(np.isfinite(v), v, np.nan), status=pd.Categorical(st, categories=list(STATUSES)))
    return {"points": out}


def _one_of(field: str, values) -> str:
    return "indexof([" + ", ".join(f"'{v}'" for v in values) + f"], datum.{field}) >= 0"


def shown(log: bool = True) -> alt.Chart:
    """The points a value axis can show, with y (|value| on a log axis, value on a linear one) and sign.

    On a log axis only finite non-zero values; on a linear one a computed 0 is an ordinary point too.
    """
    keep = ["finite"] if log else ["finite", *ZEROS]
    return alt.Chart(data("points")).transform_filter(_one_of("status", keep)).transform_calculate(
        y="abs(datum.value)" if log else "datum.value", sign="datum.value < 0 ? 'negative' : 'positive'")


BAND = 24  # pixels at the top (inf / NaN) and bottom (= 0) of a plot that hold what a log axis cannot show


def y_range(height: int, top: bool = True, bottom: bool = True) -> list[float]:
    """Where a banded plot's value axis runs, in pixels (top = 0): between the bands."""
    return [height - (BAND if bottom else 0), BAND if top else 0]


def banded(layers: list[alt.Chart], special: alt.Chart, *, height: int = 220, top: bool = True,
           bottom: bool = True) -> alt.LayerChart:
    """One plot with a band along its top for inf/NaN and one along its bottom for zeros, which a log axis
    cannot show; a thin rule separates each band from the values.

    layers draw shown() points, their y scale running over y_range(height, top, bottom) (log_y does that);
    special is special_marks(): the points the axis cannot show, placed in the bands by their status. One
    layered view, so the chart fits its container's width.
    """
    bands = [b for b, on in (("top", top), ("bottom", bottom)) if on]
    positions = {"top": BAND / 2, "bottom": height - BAND / 2}
    in_band = [*(TOP if top else ()), *(BOTTOM if bottom else ())]
    y = alt.Y("band:N", title=None, scale=alt.Scale(type="point", domain=bands, range=[positions[b] for b in bands],
                                                      padding=0),
              axis=alt.Axis(orient="right", labelExpr=f"datum.value == 'top' ? '{BAND_LABELS['top']}' : "
                                                      f"'{BAND_LABELS['bottom']}'",
                            ticks=False, domain=False, grid=False, labelFontWeight="bold", values=bands))
    marks = special.transform_filter(_one_of("status", in_band)).transform_calculate(
        band=f"{_one_of('status', TOP)} ? 'top' : 'bottom'").encode(y=y)
    edges = [BAND] * top + [height - BAND] * bottom
    rules = alt.Chart(alt.InlineData(values=[{"edge": e} for e in edges])).mark_rule(
        color=GREY, strokeDash=[2, 3], strokeWidth=1).encode(y=alt.Y("edge:Q", scale=None, axis=None))
    values = alt.layer(*layers)  # one shared value scale among the caller's layers
    # fit-x: the width follows the container, the height stays `height`, so the bands' pixel positions hold
    return alt.layer(values, rules, marks).resolve_scale(y="independent").properties(
        height=height, width="container", autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))


def band_mark_size(most: int) -> str:
    """A band mark's area in px², from the room the band's marks have: 300 exact zeros across 330 px drew 11 px
    triangles 1 px apart, a solid bar, so many marks shrink towards 16 px² (4 px), while a lone inf where a run
    diverged keeps the full size. Computed in the browser from the plot's width and band_n, the number of marks in
    the bands (a joinaggregate over this setting's data), so the spec stays the same for every setting."""
    return f"clamp(pow(1.5 * width / max(1, datum.band_n), 2), 16, {most})"


def special_marks(color: alt.Color | None = None, size: int = 110, tooltip=None) -> alt.Chart:
    """The bands' chart: one filled point per special value, shaped by its status.

    color is the series' colour encoding (the very one the main layers use, legend included, so the two merge
    into one scale and one legend); each series then sits a few pixels higher or lower in the band (±7 px), so
    marks of two series at one x stay apart, while four overlap into stripes that their tooltips tell apart.
    Without a series, the fill shows the status's own colour. A mark's size: band_mark_size().
    """
    shape = alt.Shape("status:N", scale=SHAPE_SCALE, legend=None)  # the caption names the marks: BANDS_NOTE
    chart = alt.Chart(data("points")).transform_filter(alt.datum.status != "finite").transform_joinaggregate(
        band_n="count()").transform_calculate(mark_size=band_mark_size(size)).mark_point(filled=True, opacity=1).encode(
        shape=shape, size=alt.Size("mark_size:Q", scale=None, legend=None), tooltip=tooltip or [])
    if color is None:
        return chart.encode(fill=alt.Fill("status:N", scale=STATUS_COLOR_SCALE, legend=None),
                            stroke=alt.value(GREY))
    series = color.to_dict()["field"]
    return chart.encode(color=color, yOffset=alt.YOffset(f"{series}:N", scale=alt.Scale(range=[-7, 7])))


# A log axis labels only round ticks (1, 2 and 5 times a power of ten; Vega would otherwise keep every n-th of
# 1..9 x 10^k and print 8, 70, 600), as plain numbers near 1 and as 1e-8, 1e+12 beyond; gridlines at powers of ten.
_MANTISSA = "round(datum.value / pow(10, floor(log(datum.value) / LN10 + 1e-9)))"
_ROUND_TICK = f"indexof([1, 2, 5], {_MANTISSA}) >= 0"
LOG_LABEL = (f"{_ROUND_TICK} ? (abs(log(datum.value) / LN10) >= 4 ? format(datum.value, '.0e') : "
             "format(datum.value, '~g')) : ''")


def log_y(title: str, height: int = 220, top: bool = True, bottom: bool = True) -> alt.Y:
    """The value axis of a banded plot, on a log scale (see LOG_LABEL)."""
    # padding: the smallest and largest values sit 10 px inside the band rules, never on them
    return alt.Y("y:Q", title=title, scale=alt.Scale(type="log", range=y_range(height, top, bottom), padding=10),
                 axis=alt.Axis(labelExpr=LOG_LABEL, gridOpacity={"condition": {"test": f"{_MANTISSA} == 1",
                                                                              "value": 1}, "value": 0}))


BANDS_NOTE = ("Below the axis, = 0: ▼ exactly 0, ◆ underflow, ■ cancelled; above it: ▲ inf, ✚ NaN (hover a mark "
              "for what it is).")


def with_bands(caption: str) -> str:
    """A banded chart's caption, with the key to its bands' marks."""
    return f"{caption} {BANDS_NOTE}"


def legend_below(chart, columns: int = 3):
    """Legends under the plot: the full width stays with the data, on a phone as on a laptop (3 short entries, or
    2 long ones, fit a 390 px phone in a row)."""
    return chart.configure_legend(orient="bottom", direction="horizontal", columns=columns, labelLimit=220)


def describe(line: pd.DataFrame, span: bool = True) -> str:
    """A gradient-against-L line in words: ×m per step when the ratio is constant, else its two ends (with the
    lengths they are at, if span); then where each special kind starts (its grad, L and status columns)."""
    ok = line[line.status == "finite"]
    words = ""
    if len(ok) >= 2:
        g, L = np.abs(ok.grad.to_numpy()), ok.L.to_numpy()
        ratios = (g[1:] / g[:-1]) ** (1.0 / np.diff(L))
        if np.allclose(ratios, ratios[0], rtol=1e-3):
            m = ratios[0]
            way = "shrinks" if m < 1 else "grows"
            if compact(g[0]) == compact(g[-1]):  # no change the shown digits can see
                words = f"stays {compact(g[0])}"
            elif compact(m) == "1":  # a rate that rounds to ×1 would read as no change: give the two ends
                words = f"{way} slowly, {compact(ok.grad.iloc[0])} → {compact(ok.grad.iloc[-1])}"
            else:
                words = f"{way} ×{compact(m)} per step"
        else:
            where = f" (L = {int(L[0])}..{int(L[-1])})" if span else ""
            words = f"goes {compact(ok.grad.iloc[0])} → {compact(ok.grad.iloc[-1])}{where}"
    special = line[line.status != "finite"]
    if len(special):
        starts = special.groupby("status", sort=False, observed=True).L.min()
        kinds = ", ".join(f"{kind} from L = {int(L)}" for kind, L in starts.items())
        words += f"{' until' if words else ''} {kinds}"
    return words.strip()
