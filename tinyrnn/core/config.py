"""Config: every setting of one tiny-RNN experiment, validated on construction."""
from __future__ import annotations

import math
import numbers
from dataclasses import asdict, dataclass, replace

import torch

from . import activations
from .names import DTYPE_NAMES, L_MAX, PARAM_FIELDS, PARAMS

DTYPES: dict[str, torch.dtype] = {"float32": torch.float32, "float64": torch.float64}
if tuple(DTYPES) != DTYPE_NAMES:
    raise RuntimeError(f"DTYPES {tuple(DTYPES)} differs from names.DTYPE_NAMES {DTYPE_NAMES}")
__all__ = ["DTYPES", "L_MAX", "PARAMS", "PARAM_FIELDS", "Config", "finite_number", "whole_number"]


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
            object.__setattr__(self, name, finite_number(name, getattr(self, name)))
        if self.target is not None:
            object.__setattr__(self, "target", finite_number("target", self.target))
        object.__setattr__(self, "L", whole_number("L", self.L, 1, L_MAX))
        object.__setattr__(self, "activation", activations.get(self.activation).name)  # raises with the names
        if not isinstance(self.dtype, str) or self.dtype not in DTYPES:
            raise ValueError(f"dtype={self.dtype!r} is unknown; choose one of {', '.join(DTYPES)}")

    @property
    def torch_dtype(self) -> torch.dtype:
        """The torch dtype named by `dtype`."""
        return DTYPES[self.dtype]

    def value_of(self, param: str) -> float:
        """The starting value of a parameter named as its gradient is ('wh' is wh_init)."""
        return getattr(self, PARAM_FIELDS[param])

    def with_values(self, **params: float) -> Config:
        """A copy with parameters set by their gradient names (wh=..., wx=...)."""
        return self.replace(**{PARAM_FIELDS[p]: v for p, v in params.items()})

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


def finite_number(name: str, value) -> float:
    """A real number as a float, or a ValueError that names it; strings and bools are not numbers here."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name}={value!r} must be a finite number (int or float), not {type(value).__name__}")
    try:
        number = float(value)
    except OverflowError:  # an int beyond float range, e.g. 10**400
        raise ValueError(f"{name}={value!r} is too large; it must be a finite float") from None
    if not math.isfinite(number):
        raise ValueError(f"{name}={value!r} must be a finite number (no inf or NaN)")
    return number


def whole_number(name: str, value, lo: int, hi: int) -> int:
    """An int in lo..hi (numpy ints and whole floats such as 10.0 accepted), or a ValueError that says so."""
    allowed = f"a whole number from {lo} to {hi}"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name}={value!r} must be {allowed}")
    if not isinstance(value, numbers.Integral):
        as_float = float(value)
        if not (math.isfinite(as_float) and as_float.is_integer()):
            raise ValueError(f"{name}={value!r} must be {allowed}")
    number = int(value)
    if not lo <= number <= hi:
        raise ValueError(f"{name}={number} is out of range; allowed {lo} to {hi}")
    return number
