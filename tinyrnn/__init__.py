"""tinyrnn: see why gradients vanish or explode in a one-unit recurrent network.

The public face, callable from the top: `tinyrnn.run(tinyrnn.Config(wh_init=10, L=10))`, `tinyrnn.sweep`,
`tinyrnn.train`, `tinyrnn.landscape`, `tinyrnn.diagnose`, `tinyrnn.Report.from_config`. Names are loaded on first
use (PEP 562), so `python -m tinyrnn --help` answers without importing torch.
"""
from __future__ import annotations

import importlib

from .core.names import ACTIVATION_NAMES, DTYPE_NAMES, L_MAX, PARAMS

# public name -> the core module that defines it
_LAZY = {
    "Config": "config", "DTYPES": "config",
    "ACTIVATIONS": "activations",
    "TinyRNN": "model",
    "Result": "engine", "run": "engine",
    "Dynamics": "analysis", "dynamics": "analysis",
    "witnesses": "witnesses", "closed_form": "witnesses", "finite_difference": "witnesses",
    "Diagnosis": "diagnosis", "VOCABULARY": "diagnosis", "diagnose": "diagnosis",
    "Report": "report",
    "sweep": "sweep", "sweep_arrays": "sweep",
    "phase_diagram": "phase", "gradient_lines": "phase",
    "train": "train", "TRAINING_PRESETS": "train", "clip_gradient": "train", "suggest_clip": "train",
    "landscape": "landscape",
    "seed_experiment": "seed",
}

__all__ = ["ACTIVATION_NAMES", "DTYPE_NAMES", "L_MAX", "PARAMS", *_LAZY]


def __getattr__(name: str):
    # Imported on first use rather than at `import tinyrnn`: the core pulls in torch (~2 s), which the
    # command line's --help and argument errors never need.
    if name in _LAZY:
        value = getattr(importlib.import_module(f".core.{_LAZY[name]}", __name__), name)
        globals()[name] = value  # later look-ups skip this function
        return value
    raise AttributeError(f"module 'tinyrnn' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
