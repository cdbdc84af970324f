"""Sweep: the seed's whole experiment as pictures, and the phase diagram of gradient flow."""
import streamlit as st

from tinyrnn.app import cached, state, widgets
from tinyrnn.app.controls import CONTROLS
from tinyrnn.app.sweep_inputs import parse_wh_list
from tinyrnn.app.sweep_view import activation_row, phase_panel, sweep_choices
from tinyrnn.charts import sweep as sw
from tinyrnn.charts.common import with_bands

box = state.start_page("sweep", "Sweep")
state.follow_go_to()
st.title("Sweep: every wh_init and every L at once")
st.caption("The seed printed 18 lines of three gradients. Here is every one of them, and then tens of thousands more.")
cfg = widgets.sidebar()
c = st.columns(3 if cfg.cell == "gru" else 2)
param = widgets.widget(CONTROLS["param"], c[0])
span = float(widgets.widget(CONTROLS["span"], c[1]))
over = widgets.widget(CONTROLS["over"], c[2]) if cfg.cell == "gru" else "wh"  # the plain cell has no gate
st.subheader("1 · dL/dθ against L, one line per wh_init")
whs_text = widgets.widget(CONTROLS["whs"])
c = st.columns(2)
res = int(widgets.widget(CONTROLS["res"], c[0]))
compare = widgets.widget(CONTROLS["compare"], c[1])
state.finish_controls(box)
param, over, res = sweep_choices(cfg, param, over, res)

whs, problems = parse_wh_list(whs_text)
if not whs:
    whs = parse_wh_list(CONTROLS["whs"].default)[0]
    problems.append(f"no usable value, so the seed's {CONTROLS['whs'].default} is shown")
for problem in problems:
    st.warning(f"wh_init values: {problem}.", icon=":material/warning:")
lines = cached.lines(cfg, tuple(whs), param)
widgets.block(sw.lines_title(lines, param), sw.lines(param), sw.lines_data(lines),
              with_bands(f"Log scale ({cfg.activation}, {cfg.dtype}). Filled dots: positive gradients, rings: "
                         "negative."),
              (lines, "gradient_vs_L.csv", "Download these lines (CSV)"))

st.subheader(f"2 · Phase diagram: log10 |dL/d{param}| over {sw.AXIS_TITLE[over]} × L")
phase_panel(cfg, span, res, param, compare, over)

st.subheader("3 · One small diagram per activation")
activation_row(cfg, span, param)
