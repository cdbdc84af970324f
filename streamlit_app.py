"""Landing page (placeholder until the app lands): the seed experiment, live."""
import streamlit as st

from tinyrnn.cli import SEED_L, SEED_WH, format_table, rows

st.title("tinyrnn")
st.write("Why do gradients vanish or explode in a recurrent network? One unit, three parameters, every number shown.")


class _Args:
    wh, L, activation, offset, target, dtype = list(SEED_WH), list(SEED_L), "relu", 1.0, None, "float32"


st.code(format_table(rows(_Args())))
