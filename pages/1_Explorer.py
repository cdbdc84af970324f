"""Explorer: one run of the tiny RNN, every gradient, and the reason for it."""
import streamlit as st

from tinyrnn import explain, ui

st.set_page_config(page_title="tinyrnn · Explorer", page_icon=":material/biotech:", layout="wide")
st.title("Explorer: one run, every gradient")
st.caption("Move a slider: the RNN runs again, live. The address bar always holds your settings, so you can share it.")
ui.start_page("explorer")

with st.container(border=True):
    st.markdown("**Lessons in one click**")
    cols = st.columns(len(ui.PRESETS))
    for col, (name, preset) in zip(cols, ui.PRESETS.items(), strict=True):
        col.button(name, key=f"preset_{name}", on_click=ui.apply_preset, args=(name,), help=preset["look"],
                   width="stretch")
    chosen = next((n for n, p in ui.PRESETS.items()
                   if all(st.session_state.get(k) == v for k, v in ui.preset_values(n).items())), None)
    if chosen:
        st.info(f"**{chosen}**: {ui.PRESETS[chosen]['look']}", icon=":material/visibility:")

with st.sidebar:
    st.header("Settings")
    cfg = ui.model_controls(st.sidebar)
    ui.page_links()

out = ui.explore(cfg.wh_init, cfg.L, cfg.activation, cfg.offset, cfg.h_init, cfg.wy, cfg.wx, cfg.dtype)
ui.diagnosis_banner(out["diagnosis"], out["witnesses"], cfg)

left, right = st.columns(2)
with left:
    log = ui.widget(ui.CONTROLS["log"])
specs = ui.explorer_specs(cfg.wh_init, cfg.L, cfg.activation, cfg.offset, cfg.h_init, cfg.wy, cfg.wx, cfg.dtype, log)
with left:
    ui.chart(specs["trajectory"], width="stretch")
    st.caption("Each dot is h_t, the network's memory after t steps. Zero, inf and NaN get their own markers.")
    ui.download(out["frame"], "trajectory.csv", "Download h_t, a_t, factors (CSV)")
with right:
    ui.chart(specs["gradients"], width="stretch")
    st.caption("How hard the loss pulls on each parameter; colour is the sign. wx is frozen: shown as if trainable.")
    st.dataframe(explain.gradient_table(out["grads"]), hide_index=True, width="stretch")
    ui.download(out["grads"], "gradients.csv", "Download gradients (CSV)")

left, right = st.columns(2)
with left:
    ui.chart(specs["by_length"], width="stretch")
    st.caption("The same settings at every shorter length: a straight line on a log axis means a constant "
               "factor per step.")
    ui.download(out["by_length"], "gradient_vs_L.csv", "Download gradient vs L (CSV)")
with right:
    ui.chart(specs["factors"], width="stretch")
    st.caption("Backprop multiplies one factor wh·act'(a_t) per step; their running product is the gain that "
               "reaches h_0.")
    ui.download(out["frame"][["t", "factor", "gain", "wh_term"]], "factors.csv", "Download factors (CSV)")

with st.expander("The math behind every chart"):
    st.markdown(explain.MATH)
