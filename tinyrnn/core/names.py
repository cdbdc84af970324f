"""The names and ranges every layer shares, without importing torch (so `python -m tinyrnn --help` starts fast).

The activation registry (activations.py) must list exactly ACTIVATION_NAMES; it checks this when imported.
"""
from __future__ import annotations

# Why 2000: float64 spans 2^-1074 .. 2^1024, so any per-step factor f with |log2 f| >= 0.54
# (f <= 0.69 or f >= 1.45) under- or overflows float64 within 2000 steps; longer chains show
# no new regime. A 2000-step autograd run also stays well under 0.1 s, keeping a server
# that thirty workshop users share responsive.
L_MAX = 2000
ACTIVATION_NAMES = ("relu", "tanh", "sigmoid", "identity", "leaky_relu")
ACTIVATION_WORDS = {  # what each activation is, in one line (the controls' help and the registry read these)
    "relu": "max(0, a): slope 1 for a > 0, 0 otherwise",
    "tanh": "tanh(a): slope 1 - tanh(a)^2, at most 1, near 0 when |a| is large",
    "sigmoid": "1/(1+e^-a): slope s(1-s), at most 1/4",
    "identity": "a: slope 1 everywhere, the linear RNN",
    "leaky_relu": "a for a > 0, 0.01*a otherwise: slope 1 or 0.01",
}
DTYPE_NAMES = ("float32", "float64")
PARAMS = ("h_init", "wh", "wy", "wx")  # the plain cell's: what gets a gradient; wx is frozen in the model, trainable
# in train()
CELL_NAMES = ("plain", "gru")
CELL_WORDS = {  # what each cell is, in one line
    "plain": "the seed's unit: h_t = act(wh·h_{t-1} + wx·x_t)",
    "gru": "a gated unit: h_t = (1 − z_t)·h_{t-1} + z_t·act(wh·h_{t-1} + wx·x_t), z_t = sigmoid(wz·h_{t-1} + uz·x_t "
           "+ bz) the update gate",
}
GATE_PARAMS = ("wz", "uz", "bz")  # the gated cell's update gate: its recurrent weight, input weight and bias
CELL_PARAMS = {"plain": PARAMS, "gru": PARAMS + GATE_PARAMS}  # every parameter of each cell, in display order
ALL_PARAMS = CELL_PARAMS["gru"]
# A gradient's name -> the Config field that holds the parameter's starting value (the one place they differ).
PARAM_FIELDS = {"h_init": "h_init", "wh": "wh_init", "wy": "wy", "wx": "wx", "wz": "wz", "uz": "uz", "bz": "bz"}
PARAM_MEANINGS = {
    "h_init": "h_0, the hidden state before the first input",
    "wh": "recurrent weight: how much of h_{t-1} feeds the next pre-activation (the candidate's, in the gru)",
    "wx": "input weight: how much of x_t feeds the pre-activation (the candidate's, in the gru)",
    "wy": "readout weight: y_t = wy*h_t",
    "wz": "update gate's recurrent weight: how h_{t-1} opens or closes the gate",
    "uz": "update gate's input weight: how x_t opens or closes the gate",
    "bz": "update gate's bias: the gate's opening sigmoid(bz) when h_{t-1} = x_t = 0; very negative = keep the past",
}
