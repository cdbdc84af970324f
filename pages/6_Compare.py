"""Compare: two settings side by side on shared axes (A from the sidebar, B below); the link holds both."""
import streamlit as st

from tinyrnn.app import compare_view, state, widgets

box = state.start_page("compare", "Compare")
st.title("Compare: A beside B")
st.caption("Predict first, then look: how does the gradient differ between A and B? Set A in the sidebar and B "
           "below; the address bar holds both, so the question can be handed out as a link.")
cfg_a = widgets.sidebar()
cfg_b = compare_view.b_controls()
param = st.radio("Gradient of", compare_view.PARAMS, horizontal=True, key="cmp_param")
state.finish_controls(box)
a, b = compare_view.reports(cfg_a, cfg_b)
compare_view.verdicts(a, b)
compare_view.charts(a, b, param)
