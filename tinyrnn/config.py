"""Config: every setting of one tiny-RNN experiment, validated on construction."""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace

import torch

from . import activations

# Why 2000: float64 spans 2^-1074 .. 2^1024, so any per-step factor f with |log2 f| >= 0.54
# (f <= 0.69 or f >= 1.45) under- or overflows float64 within 2000 steps; longer chains show
# no new regime. A 2000-step autograd run also stays well under 0.1 s, keeping a server
# that thirty workshop users share responsive.
L_MAX = 2000

PARAMS = ("h_init", "wh", "wy", "wx")  # what gets a gradient; wx is frozen in the model, trainable in train()

DTYPES: dict[str, torch.dtype] = {"float32": torch.float32, "float64": torch.float64}


@dataclass(frozen=True)
class Config:
    """One experiment: the seed's RNN with its knobs; defaults are the seed's."""

    wh_init: float = 1.0
    L: int = 1
    activation: str = "relu"
    offset: float = 1.0
    h_init: float = 1.0
    wy: float = 1.0
    wx: float = 0.0
    dtype: str = "float32"
    target: float | None = None

    def __post_init__(self) -> None:
        for name in ("wh_init", "offset", "h_init", "wy", "wx"):
            object.__setattr__(self, name, _finite(name, getattr(self, name)))
        if self.target is not None:
            object.__setattr__(self, "target", _finite("target", self.target))
        if isinstance(self.L, bool) or not isinstance(self.L, int):
            if not (isinstance(self.L, float) and self.L.is_integer()):
                raise ValueError(f"L={self.L!r} must be a whole number from 1 to {L_MAX}")
            object.__setattr__(self, "L", int(self.L))
        if not 1 <= self.L <= L_MAX:
            raise ValueError(f"L={self.L} is out of range; allowed 1 to {L_MAX}")
        activations.get(self.activation)  # raises with the list of valid names
        if self.dtype not in DTYPES:
            raise ValueError(f"dtype={self.dtype!r} is unknown; choose one of {', '.join(DTYPES)}")

    @property
    def torch_dtype(self) -> torch.dtype:
        """The torch dtype named by `dtype`."""
        return DTYPES[self.dtype]

    def target_for(self, y_last: torch.Tensor) -> torch.Tensor:
        """What y_L is compared with: the fixed target, or the seed's y_L.detach() - offset (loss = offset^2)."""
        if self.target is None:
            return y_last.detach() - self.offset
        return torch.full_like(y_last, self.target)

    def replace(self, **changes) -> Config:
        """A copy with some fields changed (validated again)."""
        return replace(self, **changes)

    def as_dict(self) -> dict:
        """Plain dict of the fields, for caching keys and URLs."""
        return asdict(self)


def _finite(name: str, value) -> float:
    if isinstance(value, bool):
        raise ValueError(f"{name}={value!r} must be a finite number, not a bool")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name}={value!r} must be a finite number") from None
    if not math.isfinite(number):
        raise ValueError(f"{name}={value!r} must be a finite number (no inf or NaN)")
    return number
