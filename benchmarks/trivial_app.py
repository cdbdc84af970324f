"""Trivial reference app for benchmarks: one keyed slider (x), one small Altair chart that depends on it.

Run it from the repository root (bench_room.py does) so that it reads the lab's .streamlit/config.toml
(runner.postScriptGC = false and the rest): a reference under other settings would not be a reference.
"""
import altair as alt
import pandas as pd
import streamlit as st

x = st.slider("x", 0.0, 10.0, 1.0, 0.01, key="x")
df = pd.DataFrame({"t": range(20), "y": [x * t for t in range(20)]})
st.altair_chart(alt.Chart(df).mark_line(point=True).encode(x="t:Q", y="y:Q").properties(title=f"y = {x:.2f} t",
                height=200), width="stretch")
