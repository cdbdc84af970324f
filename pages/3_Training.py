"""Training: plain SGD thrown off the cliff by an exploding gradient, and norm clipping that rescues it."""
import streamlit as st

from tinyrnn.app import state, training_view, widgets
from tinyrnn.app.controls import CONTROLS
from tinyrnn.charts import training as tc
from tinyrnn.charts.common import with_bands

box = state.start_page("training", "Training")
st.title("Training: exploding gradients vs gradient clipping")
st.caption("Plain SGD and clipped SGD start from the same point; watch where one step of an exploding gradient "
           "throws the plain run (Pascanu, Mikolov & Bengio 2013, \"On the difficulty of training RNNs\").")
with st.container(border=True):
    training_view.preset_buttons()
cfg = widgets.sidebar()
c = st.columns(3)
target = widgets.widget(CONTROLS["target"], c[0])
lr = float(widgets.widget(CONTROLS["lr"], c[0]))
steps = int(widgets.widget(CONTROLS["steps"], c[1]))
params = widgets.widget(CONTROLS["train"], c[1])
mode = widgets.widget(CONTROLS["clip_mode"], c[2])
clip = float(widgets.widget(CONTROLS["clip"], c[2]))
state.finish_controls(box)
params = training_view.of_this_cell(cfg, params)
if not params:
    params = list(CONTROLS["train"].default)
    st.warning(f"No parameter was chosen to learn; training {', '.join(params)} instead.", icon=":material/warning:")
cfg = cfg.replace(target=target)
steps = training_view.within_budget(cfg.L, steps)

both = training_view.both_runs(cfg, steps, lr, clip, mode, tuple(params))
training_view.verdicts(both, cfg, lr, tuple(params), clip, mode)
training_view.numbers(both)
left, right = st.columns(2)
with left:
    widgets.block("Loss per step: plain vs clipped SGD", tc.loss(), tc.loss_data(both),
                  with_bands("Log scale. A mark in the top band is where a run stopped on inf or NaN."))
with right:
    widgets.block("|gradient| before clipping, and the threshold", tc.grad_norm(), tc.grad_norm_data(both, clip, mode),
                  "Diamonds: steps whose update was clipped. In norm mode a step is clipped when its |gradient| "
                  "is above the dashed line; in value mode when any one component is, which the norm can hide.")
training_view.parameter_panels(both, list(params))
if len(params) == 2:
    st.subheader(f"The loss landscape over {params[0]} and {params[1]}, with both paths")
    training_view.landscape_panels(cfg, both, *params)
else:
    st.info("Choose exactly two parameters to learn to see the loss landscape with both paths drawn on it.",
            icon=":material/info:")
