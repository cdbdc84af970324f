"""Sweep: the seed's whole experiment as pictures, and the phase diagram of gradient flow."""
import time

import numpy as np
import pandas as pd
import streamlit as st

from tinyrnn import ACTIVATION_NAMES, Config, charts_sweep, ui
from tinyrnn.core import phase

st.set_page_config(page_title="tinyrnn · Sweep", page_icon=":material/grid_on:", layout="wide")
if st.session_state.pop("_goto_explorer", False):  # a phase-diagram cell was clicked (see pick_cell)
    st.switch_page("pages/1_Explorer.py", query_params=ui.settings_params())
MINI = 40  # cells per side of each per-activation diagram
st.title("Sweep: every wh_init and every L at once")
st.caption("The seed printed 18 numbers. Here are all of them, and then tens of thousands more.")
ui.start_page("sweep")

with st.sidebar:
    st.header("Settings")
    cfg = ui.model_controls(st.sidebar)
    ui.page_links()


@st.cache_data(max_entries=64, show_spinner=False)
def cached_lines(whs: tuple, L: int, param: str, **fields):
    return phase.gradient_lines(Config(**fields), list(whs), L, param)


@st.cache_data(max_entries=64, show_spinner="Sweeping the grid…")
def cached_phase(span: float, res: int, param: str, **fields):
    t0 = time.perf_counter()
    out = phase.phase_diagram(Config(**fields), span, res, param)
    return {k: out[k] for k in ("cells", "boundary", "block")}, time.perf_counter() - t0


def fields(c: Config, **changes) -> dict:
    return {**{k: v for k, v in c.as_dict().items() if k not in ("wh_init", "L", "target")}, **changes}


def pick_cell() -> None:
    """on_select callback: send the clicked cell's wh_init and L to the Explorer."""
    state = st.session_state.get("phase_pick")
    points = (state or {}).get("selection", {})
    chosen = [point for picked in points.values() for point in (picked or [])]
    if chosen:
        st.session_state["wh"], st.session_state["L"] = phase.cell_center(chosen[0])
        st.session_state["_goto_explorer"] = True


def goto_explorer_if_picked() -> None:
    if st.session_state.pop("_goto_explorer", False):  # a phase-diagram cell was clicked (see pick_cell)
        st.switch_page("pages/1_Explorer.py", query_params=ui.settings_params())


top = st.columns(2)
with top[0]:
    param = ui.widget(ui.CONTROLS["param"])
with top[1]:
    span = float(ui.widget(ui.CONTROLS["span"]))
# One colour scale for the whole page, taken from the per-activation row (cheap, and it does not move
# when the phase diagram's resolution changes).
row = pd.concat([cached_phase(span, MINI, param, **fields(cfg, activation=act))[0]["cells"].assign(activation=act)
                 for act in ACTIVATION_NAMES], ignore_index=True)
finite = row.log10.to_numpy()
finite = finite[np.isfinite(finite)]
domain = float(np.clip(np.ceil(np.abs(finite).max()) if finite.size else 1.0, 1.0, 60.0))

st.subheader(f"1 · dL/d{param} against L, one line per wh_init")
whs_text = ui.widget(ui.CONTROLS["whs"])
whs, problems = phase.parse_wh_list(whs_text)
if not whs:
    whs = phase.parse_wh_list(ui.CONTROLS["whs"].default)[0]
    problems.append(f"no usable value, so the seed's {ui.CONTROLS['whs'].default} is shown")
for problem in problems:
    st.warning(f"wh_init values: {problem}.", icon=":material/warning:")
lines = cached_lines(tuple(whs), cfg.L, param, **fields(cfg))
title = f"How each wh_init's gradient grows or shrinks with L ({cfg.activation}, {cfg.dtype}, L = 1..{cfg.L})"
st.altair_chart(charts_sweep.lines(lines, param, title), width="stretch")
st.caption("Log scale: a straight line is the same factor every step. Circles are positive gradients, diamonds "
           "negative; in each line's colour, triangles mark exact zeros, squares cancellations (the loss rounded to "
           f"0 in {cfg.dtype}, not a vanishing gradient) and crosses inf/NaN.")
ui.download(lines, "gradient_vs_L.csv", "Download these lines (CSV)")

st.subheader(f"2 · Phase diagram: log10 |dL/d{param}| over wh_init × L")


@st.fragment
def phase_diagram() -> None:
    """Its own rerun scope: a resolution change redraws this chart only, not the whole page."""
    goto_explorer_if_picked()
    c2, c3 = st.columns(2)
    with c2:
        res = int(ui.widget(ui.CONTROLS["res"]))
    with c3:
        compare = ui.widget(ui.CONTROLS["compare"])
    dtypes = ("float32", "float64") if compare else (cfg.dtype,)
    panels, timings = [], []
    for dtype in dtypes:
        out, seconds = cached_phase(span, res, param, **fields(cfg, dtype=dtype))
        panels.append((dtype, out))
        timings.append(seconds)
    here = (cfg.wh_init, cfg.L) if abs(cfg.wh_init) <= span and cfg.L <= res else None
    maps = [charts_sweep.heatmap(o["cells"], o["boundary"], f"{dtype}: blue vanishes, orange explodes", domain,
                                 here, select=str(i), size=380 if compare else 520)
            for i, (dtype, o) in enumerate(panels)]
    selections = [f"{kind}{i}" for i in range(len(panels)) for kind in ("cell", "special")]
    st.altair_chart(maps[0] if len(maps) == 1 else maps[0] | maps[1], on_select=pick_cell,
                    selection_mode=selections, key="phase_pick")
    out = panels[0][1]
    k = out["block"]
    drawn = f"drawn as {res // k}×{res // k}" + (f" blocks of {k}×{k} cells (median of the finite cells, most "
                                                 "common status)" if k > 1 else "")
    crossing = (f"The dots mark where the average per-step factor |wh·act'(a_t)| crosses 1 "
                f"({len(out['boundary'])} points)." if len(out["boundary"]) else
                "No dotted boundary: the average per-step factor |wh·act'(a_t)| never crosses 1 in this range.")
    st.caption(f"Computed {res}×{res} = {res * res:,} cells in {sum(timings) * 1000:.0f} ms; {drawn}. {crossing} "
               f"Pink cells: cancellation (the loss rounded to 0 in {', '.join(dtypes)}); black: overflow; light grey: "
               "exactly 0 (vanished or cut). A block shows its most common status, so a lone special cell can hide "
               "in a block: lower the resolution to see every cell. The white cross is the Explorer's setting. "
               "Click any cell to open it in the Explorer.")
    if compare:
        st.info("Cells dark in float32 but coloured in float64 are rounding artefacts, not vanishing gradients.",
                icon=":material/search:")
    ui.download(out["cells"], "phase_diagram.csv", "Download the drawn grid (CSV)")


phase_diagram()

st.subheader("3 · One row per activation")
st.altair_chart(charts_sweep.minis(row, f"log10 |dL/d{param}| per activation, same colours as above", domain))
st.caption(f"Same parameter and range, {MINI}×{MINI} each: tanh and sigmoid saturate, so their orange (exploding) "
           "region shrinks or disappears; relu dies for negative wh; identity is symmetric in |wh|.")
