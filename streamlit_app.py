"""Home: what the lab is, and the seed notebook's experiment run live."""
import streamlit as st

from tinyrnn.app import cached, state, widgets
from tinyrnn.charts import home
from tinyrnn.charts.explorer import sci

box = state.start_page("home", "why gradients vanish or explode")
st.title("tinyrnn: why gradients vanish or explode")
st.markdown(
    "A recurrent network multiplies its gradient by one factor per time step, so over a long sequence the gradient "
    "can shrink to nothing or grow without bound. This lab shrinks the network to one unit and three parameters, "
    "so every number can be shown and checked. Start with the experiment below, then open the **Explorer** to "
    "move the knobs yourself.")
UNUSED = ("The settings change nothing on this page (the seed experiment below has its own fixed grid); they are kept "
          "for the Explorer and the other pages.")
(st.caption if state.presenting() else st.sidebar.caption)(UNUSED)
widgets.sidebar()
state.finish_controls(box)

st.subheader("The seed experiment, live")
st.markdown("A one-unit relu RNN, `h_t = relu(wh·h_{t-1})`, `y_t = wy·h_t`, starts at h_0 = 1 and runs L steps; the "
            "loss is `(y_L − (y_L − 1))²`, so dL/dy_L = 2. Below: each parameter's gradient for wh_init = 0.1, 1 and "
            "10 and L = 1…5 and 10, computed just now, exactly as the original notebook did.")
use64 = st.toggle("See it in float64", key="seed64", help="Re-run the same grid with 16-digit numbers.")
dtype = "float64" if use64 else "float32"
seed = cached.seed(dtype)

param = st.radio("Gradient of", ["h_init", "wh", "wy"], horizontal=True, key="seed_param")
left, right = st.columns([1, 1])
with left:
    widgets.block(home.seed_title(seed, param), home.seed_lines(param), home.seed_data(seed, param),
                  home.seed_caption(param))
with right:
    table = home.seed_table(seed)
    st.dataframe(table, hide_index=True, width="stretch", height=35 * (len(table) + 1) + 3,  # every row, no scroll
                 column_config={c: st.column_config.Column(width="small") for c in table.columns})
    st.caption(home.table_caption(table))
    widgets.download(seed, f"seed_experiment_{dtype}.csv", "Download this table (CSV)")

cell = home.cancelled_cell(seed)
if (cell.status == "cancelled").all():
    st.info("**That 0.0 at wh_init = 10, L = 10 is not a vanishing gradient.** h_10 = 10¹⁰, and float32 keeps only "
            "about 7 significant digits, so 10¹⁰ − 1 rounds back to 10¹⁰: the target equals the output, the loss is "
            "exactly 0, and so is every gradient. Flip **See it in float64** above: the same cell reads 2.0e+10.",
            icon=":material/lightbulb:")
else:
    st.success(f"**In float64 the cell at wh_init = 10, L = 10 reads {sci(cell.grad.iloc[0])}**: the float32 0.0 "
               "was rounding (float32 numbers near 10¹⁰ are 1024 apart, so 10¹⁰ − 1 rounds to 10¹⁰), not a "
               "vanishing gradient.", icon=":material/check_circle:")

st.subheader("Go further")
for page, words in (("explorer", "set wh_init, L, activation and offset; watch every gradient and the per-step "
                                 "factor behind it"),
                    ("sweep", "this experiment for every wh_init and L at once, as a phase diagram"),
                    ("training", "watch an exploding gradient throw plain SGD off a cliff, and clipping rescue it"),
                    ("exercises", "nine questions: guess first, then the engine answers"),
                    ("compare", "two settings side by side on shared axes"),
                    ("memory", "a bit kept for L steps: when does a gate help?")):
    path, label, _ = state.PAGES[page]
    # the name alone is the link and the words go below it: a link's label is cut to one line on a phone
    st.page_link(path, label=f"**{label.split(':')[0]}**", query_params=state.settings_for(page),
                 icon=":material/arrow_forward:")
    st.caption(words)
