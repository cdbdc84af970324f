"""Memory: a task a plain RNN cannot learn over long gaps, and a gated unit beside it (being built)."""
import streamlit as st

from tinyrnn.app import state, widgets

box = state.start_page("memory", "Memory")
st.title("Memory: why gates fix it")
widgets.sidebar()
state.finish_controls(box)
st.info("This page is being built.", icon=":material/construction:")
