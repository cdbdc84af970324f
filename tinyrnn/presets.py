"""The lessons as one-click settings: widget values and the one sentence on what to look at."""
from __future__ import annotations

DEFAULTS = {"wh": 1.0, "L": 10, "act": "relu", "offset": 1.0, "h0": 1.0, "wy": 1.0, "wx": 0.0,
            "dtype": "float32", "log": True,
            # the sweep page
            "whs": "0.1, 1, 10", "param": "h_init", "span": "3", "res": "200", "compare": False,
            # the Training page
            "target": 2.0, "lr": "0.001", "steps": "100", "clip_mode": "norm", "clip": "10",
            "train": ["h_init", "wh", "wy"]}

PRESETS: dict[str, dict] = {
    "Vanishing": {"values": {"wh": 0.1, "L": 10},
                  "look": "Each step multiplies the gradient by 0.1: after 10 steps dL/dh_init is 10^-10 of dL/dy."},
    "Edge of chaos": {"values": {"wh": 1.0, "L": 50},
                      "look": "At |wh| = 1 every factor is exactly 1: the gradient neither shrinks nor grows."},
    "Exploding": {"values": {"wh": 10.0, "L": 5},
                  "look": "Each step multiplies the gradient by 10: five steps make it 100,000 times larger."},
    "float32 cancellation": {"values": {"wh": 10.0, "L": 10},
                             "look": "The gradient is exactly 0, yet not vanishing: y_L = 1e10 and y_L - 1 are the "
                                     "same float32. Switch dtype to float64 to see 2e10."},
    "tanh saturation": {"values": {"wh": 1.5, "L": 50, "act": "tanh"},
                        "look": "|wh| = 1.5 > 1, yet the gradient vanishes: tanh's slope at h ≈ 0.86 is only 0.26."},
    "Dead relu": {"values": {"wh": -0.5, "L": 10},
                  "look": "A negative wh makes a_1 < 0: relu outputs 0 with slope 0, and no gradient flows back."},
}


def preset_values(name: str) -> dict:
    """Full widget state for a preset: its values over the defaults."""
    return {**DEFAULTS, **PRESETS[name]["values"]}


def training_preset_values(name: str) -> dict:
    """Widget state for a Training-page preset, read off tinyrnn.train.PRESETS (nothing re-derived)."""
    from .core.train import TRAINING_PRESETS as TRAINING

    cfg, kw = TRAINING[name]["config"], TRAINING[name]["train"]
    return {**DEFAULTS, "wh": cfg.wh_init, "L": cfg.L, "act": cfg.activation, "offset": cfg.offset,
            "h0": cfg.h_init, "wy": cfg.wy, "wx": cfg.wx, "dtype": cfg.dtype, "target": cfg.target,
            "lr": f"{kw['lr']:g}", "steps": str(kw["steps"]), "clip_mode": kw["clip_mode"],
            "clip": f"{kw['clip']:g}", "train": list(kw["params"])}
