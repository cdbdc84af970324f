"""Training: plain SGD thrown off the cliff by an exploding gradient, and norm clipping that rescues it."""
import numpy as np
import pandas as pd
import streamlit as st

from tinyrnn import charts_train, ui
from tinyrnn.core import train
from tinyrnn.core.landscape import landscape
from tinyrnn.presets import training_preset_values
from tinyrnn.runs import clip_heuristic, trained

st.set_page_config(page_title="tinyrnn · Training", page_icon=":material/model_training:", layout="wide")
st.title("Training: exploding gradients vs gradient clipping")
st.caption("Plain SGD and clipped SGD start from the same point; watch where one step of an exploding gradient "
           "throws the plain run (Pascanu, Mikolov & Bengio 2013, \"On the difficulty of training RNNs\").")
ui.start_page("training")

with st.container(border=True):
    st.markdown("**Presets**")
    presets = train.TRAINING_PRESETS
    for col, (name, preset) in zip(st.columns(len(presets)), presets.items(), strict=True):
        col.button(name, key=f"train_preset_{name}", on_click=ui.apply_values, args=(training_preset_values(name),),
                   width="stretch")
        col.caption(preset["description"])

with st.sidebar:
    st.header("Model")
    cfg = ui.model_controls(st.sidebar)
    ui.page_links()

c1, c2, c3 = st.columns(3)
with c1:
    target = ui.widget(ui.CONTROLS["target"])
    lr = float(ui.widget(ui.CONTROLS["lr"]))
with c2:
    steps = int(ui.widget(ui.CONTROLS["steps"]))
    params = ui.widget(ui.CONTROLS["train"])
with c3:
    clip_mode = ui.widget(ui.CONTROLS["clip_mode"])
    clip = float(ui.widget(ui.CONTROLS["clip"]))
if not params:
    params = list(ui.CONTROLS["train"].default)
    st.warning(f"No parameter was chosen to learn; training {', '.join(params)} instead.", icon=":material/warning:")
cfg = cfg.replace(target=target)

GRID = 80  # landscape cells per side: 2 panels x 6,400 rects draw in well under a second
bar = st.progress(0.0, text="Training…")
runs = []
for label, c in (("plain SGD", None), ("clipped SGD", clip)):
    report = lambda step, label=label: bar.progress(min(step / steps, 1.0), text=f"{label}: step {step} of {steps}")
    runs.append(trained(cfg, steps, lr, c, clip_mode, tuple(params), report).assign(run=label))
bar.empty()
plain, clipped = runs
both = pd.concat(runs, ignore_index=True)

st.markdown(f"Pascanu's heuristic (mean |gradient| of 5 unclipped steps) suggests a threshold "
            f"{clip_heuristic(cfg, lr, tuple(params))}; you chose **{clip:g}** ({clip_mode}).")
for frame, label in ((plain, "Plain SGD"), (clipped, "Clipped SGD")):
    last = frame.iloc[-1]
    if len(frame) == 1 and not (np.isfinite(last.loss) and np.isfinite(last.grad_norm)):
        st.error(f"**{label} cannot start**: at the starting point the forward pass already gives loss "
                 f"{last.loss:.3g} and |gradient| {last.grad_norm:.3g} (y_L overflows {cfg.dtype}), so no step "
                 "size or clipping can help. Lower L or |wh|, or switch to float64.", icon=":material/error:")
    elif not (np.isfinite(last.loss) and np.isfinite(last.grad_norm)):
        advice = (" Turn clipping on (or lower the threshold) to keep every step bounded." if label == "Plain SGD"
                  else " Lower the threshold or the learning rate.")
        st.error(f"**{label} diverged at step {int(last.step)}**: the loss became {last.loss:.3g} after the "
                 f"gradient norm reached {frame.grad_norm.iloc[-2]:.3g}; training stopped there.{advice}",
                 icon=":material/error:")
    elif last.grad_norm == 0 and last.loss > 1e-12:
        st.warning(f"**{label} is stuck** at loss {last.loss:.3g}: the gradient is exactly 0 (a saturated or dead "
                   "unit), so no learning rate can move it.", icon=":material/warning:")
    elif frame.loss.iloc[0] == 0:
        st.info(f"**{label} has nothing to learn**: y_L already equals the target, so the loss is 0 from the "
                "start. Move the target or a parameter.", icon=":material/info:")
norms = both.grad_norm.to_numpy()
largest = "NaN" if np.isnan(norms).all() else f"{np.nanmax(norms):.3g}"  # inf stays inf; NaN never hides it
m = st.columns(4)
m[0].metric("plain SGD: final loss", f"{plain.loss.iloc[-1]:.3g}", help=f"after {int(plain.step.iloc[-1])} steps")
m[1].metric("clipped SGD: final loss", f"{clipped.loss.iloc[-1]:.3g}", help=f"after {int(clipped.step.iloc[-1])} steps")
m[2].metric("clip events", int(clipped.clipped.iloc[:-1].sum()), help="steps whose update was clipped")
m[3].metric("largest |gradient| seen", largest, help="before clipping, over both runs")

left, right = st.columns(2)
with left:
    st.altair_chart(charts_train.loss_chart(both, "Loss per step: plain vs clipped SGD"),
                    width="stretch")
    st.caption("Log scale. A triangle at the top marks inf (the run stopped there).")
with right:
    st.altair_chart(charts_train.grad_norm_chart(both, clip, "|gradient|: spikes over the line get clipped"),
                    width="stretch")
    st.caption("Before clipping; diamonds are steps whose update was clipped. The dashed line is the threshold.")
st.altair_chart(charts_train.params_chart(both, list(params), "Where each parameter goes (each panel has its own "
                                          "scale)"))
ui.download(both, "training_runs.csv", "Download both runs (CSV)")

if len(params) == 2:
    x, y = params
    st.subheader(f"The loss landscape over {x} and {y}, with both paths")
    finite = both[np.isfinite(both[x]) & np.isfinite(both[y])]
    core = finite[finite.run == "clipped SGD"]
    lo_x, hi_x, lo_y, hi_y = core[x].min(), core[x].max(), core[y].min(), core[y].max()
    pad_x, pad_y = max(hi_x - lo_x, 0.5) * 0.3, max(hi_y - lo_y, 0.5) * 0.3
    xs, ys = np.linspace(lo_x - pad_x, hi_x + pad_x, GRID), np.linspace(lo_y - pad_y, hi_y + pad_y, GRID)
    grid = landscape(cfg, x, y, xs, ys)
    g = np.log10(np.hypot(grid.grad_x, grid.grad_y).replace(0, np.nan))
    g = g[np.isfinite(g)]
    domain = (float(np.percentile(g, 1)), float(np.percentile(g, 99.5))) if g.size else (-1.0, 1.0)
    outside = plain[(plain[x] < xs[0]) | (plain[x] > xs[-1]) | (plain[y] < ys[0]) | (plain[y] > ys[-1])]
    panels = [charts_train.landscape_panel(grid, frame, x, y, label, f"{label}", domain)
              for frame, label in ((plain, "plain SGD"), (clipped, "clipped SGD"))]
    st.altair_chart(panels[0] | panels[1])
    leave = (f" Plain SGD leaves this map at step {int(outside.step.iloc[0])}, for ({outside[x].iloc[0]:.4g}, "
             f"{outside[y].iloc[0]:.4g})." if len(outside) else "")
    st.caption(f"Colour: log10 of the gradient's length at each point ({GRID}×{GRID} grid, the other parameters "
               f"fixed at their starting values): a cliff shows as a bright ridge, a minimum as a dark valley. "
               f"White circle: the start.{leave}")
else:
    st.info("Choose exactly two parameters to learn to see the loss landscape with both paths drawn on it.",
            icon=":material/info:")
