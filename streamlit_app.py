"""Home: what the lab is, and the seed notebook's experiment run live."""
import streamlit as st

from tinyrnn import charts, explain, ui

st.set_page_config(page_title="tinyrnn · why gradients vanish or explode", page_icon=":material/functions:",
                   layout="wide")
st.title("tinyrnn: why gradients vanish or explode")
st.markdown(
    "A recurrent network multiplies its gradient by the same kind of factor once per time step, so over a long "
    "sequence the gradient shrinks to nothing or grows without bound. This lab shrinks the network to one unit "
    "and three parameters, so every number can be shown and checked. Start with the experiment below, then open "
    "the **Explorer** to move the knobs yourself.")
ui.start_page("home")

with st.sidebar:
    st.header("Settings carried to every page")
    cfg = ui.model_controls(st.sidebar)
    ui.page_links()

st.subheader("The seed experiment, live")
st.markdown("A one-unit relu RNN, `h_t = relu(wh·h_{t-1})`, `y_t = wy·h_t`, starts at h_0 = 1 and runs L steps; the "
            "loss is `(y_L − (y_L − 1))²`, so dL/dy_L = 2. Below: each parameter's gradient for wh_init = 0.1, 1 and "
            "10 and L = 1…5 and 10, computed just now, exactly as the original notebook did.")
use64 = st.toggle("See it in float64", key="seed64", help="Re-run the same grid with 16-digit numbers.")
dtype = "float64" if use64 else "float32"
seed = ui.seed_experiment(dtype)

param = st.radio("Gradient of", ["h_init", "wh", "wy"], horizontal=True, key="seed_param")
left, right = st.columns([1, 1])
with left:
    title = f"|dL/d{param}|: vanishes at wh_init=0.1, holds at 1, explodes at 10"
    st.altair_chart(charts.seed_lines(seed, param, title), width="stretch")
    st.caption("Log scale: a straight line means the same factor every step. A triangle at the bottom marks an "
               "exact 0, which a log axis cannot draw.")
with right:
    table = seed.pivot_table(index=["wh_init", "L"], columns="param", values="grad", aggfunc="first",
                             observed=True).reset_index()
    shown = table.assign(**{p: table[p].map(explain.sci) for p in ("h_init", "wh", "wy")})
    shown["diagnosis"] = seed.drop_duplicates(["wh_init", "L"]).diagnosis.to_numpy()
    st.dataframe(shown, hide_index=True, width="stretch", height=35 * (len(shown) + 1) + 3)  # every row, no scroll
    ui.download(seed, f"seed_experiment_{dtype}.csv", "Download this table (CSV)")

zero = seed[(seed.wh_init == 10.0) & (seed.L == 10)]
if (zero.grad == 0).all():
    st.error("**That 0.0 at wh_init = 10, L = 10 is not a vanishing gradient.** h_10 = 10¹⁰, and float32 keeps only "
             "about 7 significant digits, so 10¹⁰ − 1 rounds back to 10¹⁰: the target equals the output, the loss is "
             "exactly 0, and so is every gradient. Flip **See it in float64** above: the same cell reads 2.0e+10.")
else:
    st.success(f"**In float64 the cell at wh_init = 10, L = 10 reads {explain.sci(zero.grad.iloc[0])}**: the float32 "
               "0.0 was rounding (float32 numbers near 10¹⁰ are 1024 apart, so 10¹⁰ − 1 rounds to 10¹⁰), "
               "not a vanishing gradient.")

st.subheader("Go further")
st.page_link("pages/1_Explorer.py", label="Explorer: set wh_init, L, activation and offset; watch every gradient and "
             "the per-step factor behind it", icon=":material/biotech:", query_params=ui.settings_params())
st.page_link("pages/2_Sweep.py", label="Sweep: this experiment for every wh_init and L at once, as a phase diagram",
             icon=":material/grid_on:", query_params=ui.settings_params())
