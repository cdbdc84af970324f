"""Explorer: one run of the tiny RNN, every gradient, and the reason for it."""
import streamlit as st

from tinyrnn.app import cached, state, widgets
from tinyrnn.app.controls import CONTROLS
from tinyrnn.app.lesson_box import lesson_buttons, lesson_sentence
from tinyrnn.charts import explorer as ex
from tinyrnn.charts.common import with_bands
from tinyrnn.charts.math_text import MATH

box = state.start_page("explorer", "Explorer")
if not state.presenting():  # the presenter view keeps the fold for the charts
    st.title("Explorer: one run, every gradient")
    st.caption("Move a slider: the RNN runs again, live. The address bar always holds your settings, so you can "
               "share it.")
    with st.container(border=True):
        lesson_buttons()
said = st.container()
cfg = widgets.sidebar()
if state.presenting():  # charts first, above a projector's fold; the verdict right below them
    top = st.columns(2)
    diagnosis = st.container()
else:
    diagnosis = st.container()
    top = st.columns(2)
middle = st.columns(2)
bottom = st.columns(2)
log = widgets.widget(CONTROLS["log"], top[0])
k = widgets.widget(CONTROLS["k"], bottom[0])
state.finish_controls(box)

report = cached.report(cfg)
with said:
    lesson_sentence(report, {key: st.session_state.get(key, CONTROLS[key].default) for key in CONTROLS})
with diagnosis:
    d = report.diagnosis
    widgets.banner(ex.SEVERITY[d.word], f"**{d.word.capitalize()}.** {d.explanation}")
    st.caption(ex.witness_line(report))
    with st.expander("How do we know? Autograd beside its two witnesses"):
        widgets.table(ex.witness_table(report))

with top[0]:
    widgets.block(ex.trajectory_title(report), ex.trajectory(log), ex.trajectory_data(report, log),
                  ex.trajectory_caption(log), (report.frame, "trajectory.csv", "Download the steps (CSV)"))
with top[1]:
    widgets.block(ex.gradient_title(report), ex.gradients(cfg.cell), ex.gradients_data(report), with_bands(
                  "How hard the loss pulls on each parameter; colour is the sign. wx is frozen: its gradient is "
                  "shown as if it were trained."))
    widgets.table(ex.gradient_table(report))
with middle[0]:
    widgets.block(ex.length_title(report), ex.by_length(cfg.cell), ex.by_length_data(report),
                  with_bands(ex.length_caption(report)),
                  (report.by_length, "gradient_vs_L.csv", "Download gradient vs L (CSV)"))
with middle[1]:
    widgets.block(ex.factor_title(report), ex.factors(cfg.cell), ex.factors_data(report),
                  with_bands(ex.factor_caption(report)))
with bottom[0]:
    widgets.block(ex.terms_title(report, k), ex.terms(), ex.terms_data(report, k), with_bands(
                  "Each dot is what step t adds to dL/dwh (colour: sign). Short-range terms sit near t = L, "
                  "long-range ones near t = 1; truncated BPTT drops the shaded steps."))
with bottom[1]:
    st.markdown("**Truncated BPTT, in numbers**")
    cut = ex.truncation(report, k)
    c = st.columns(3)
    c[0].metric("full dL/dwh", ex.compact(cut["full"]))
    c[1].metric(f"last {min(k, cfg.L)} steps only", ex.compact(cut["truncated"]))
    c[2].metric("lost by truncating", "—" if cut["lost"] != cut["lost"] else f"{100 * cut['lost']:.3g}%")
    st.caption(ex.truncation_caption(report, k, cached.truncated(cfg, k)["wh"]))

with st.expander("The math behind every chart"):
    st.markdown(MATH)
