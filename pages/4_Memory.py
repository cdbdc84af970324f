"""Memory: one bit kept for L steps, learnt by a plain and a gated one-unit RNN from starts the reader chooses."""
import streamlit as st

from tinyrnn.app import memory_view as mv
from tinyrnn.app import state

box = state.start_page("memory", "Memory")
st.title("Memory: when does a gate fix it?")
st.caption("Remember one bit for L steps, then say it. A plain one-unit RNN against a gated one (an update gate "
           "as in a GRU), trained on the same data from random starts.")
mv.intro()
mv.sidebar()
st.subheader("Settings")
choice, L = mv.controls()
state.finish_controls(box)
choice, limited = mv.bounded(choice)
if limited:
    st.warning(limited, icon=":material/speed:")

res = mv.results(choice)
st.subheader("Does it learn the task? Success rate against L")
mv.success_block(res)
left, right = st.columns(2)
with left:
    st.subheader("Loss while training, at one L")
    mv.loss_block(res, L)
with right:
    st.subheader("How much gradient reaches the bit")
    mv.gradient_block(res)
