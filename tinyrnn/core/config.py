"""Config: every setting of one tiny-RNN experiment, validated on construction."""
from __future__ import annotations

import math
import numbers
import reprlib
from dataclasses import asdict, dataclass, fields, replace

import numpy as np
import torch

from . import activations
from .names import ALL_PARAMS, CELL_NAMES, CELL_PARAMS, DTYPE_NAMES, GATE_PARAMS, L_MAX, PARAM_FIELDS, PARAMS

DTYPES: dict[str, torch.dtype] = {"float32": torch.float32, "float64": torch.float64}
if tuple(DTYPES) != DTYPE_NAMES:
    raise RuntimeError(f"DTYPES {tuple(DTYPES)} differs from names.DTYPE_NAMES {DTYPE_NAMES}")
__all__ = ["ALL_PARAMS", "CELL_NAMES", "CELL_PARAMS", "DTYPES", "GATE_PARAMS", "L_MAX", "PARAMS", "PARAM_FIELDS",
           "Config", "check_config", "choice", "dtype_number",
           "finite_number", "flag", "instance", "name_list", "number_list", "positive_number", "shown", "whole_number"]


@dataclass(frozen=True)
class Config:
    """One experiment: the seed's RNN with its knobs; defaults are the seed's.

    cell "gru" wraps the same candidate act(wh*h_{t-1} + wx*x_t) in an update gate
    z_t = sigmoid(wz*h_{t-1} + uz*x_t + bz): h_t = (1 - z_t)*h_{t-1} + z_t*candidate (cells.py). The plain cell
    ignores wz, uz and bz.
    """

    wh_init: float = 1.0
    L: int = 1
    activation: str = "relu"
    offset: float = 1.0
    h_init: float = 1.0
    wy: float = 1.0
    wx: float = 0.0
    dtype: str = "float32"
    target: float | None = None
    cell: str = "plain"
    wz: float = 0.0
    uz: float = 0.0
    bz: float = 0.0

    def __post_init__(self) -> None:
        # dtype first: a number must fit it (1e39 is a finite float64 but inf in float32)
        object.__setattr__(self, "dtype", choice("dtype", self.dtype, tuple(DTYPES)))
        object.__setattr__(self, "cell", choice("cell", self.cell, CELL_NAMES))
        for name in ("wh_init", "offset", "h_init", "wy", "wx", *GATE_PARAMS):
            object.__setattr__(self, name, dtype_number(name, getattr(self, name), self.dtype))
        if self.target is not None:
            object.__setattr__(self, "target", dtype_number("target", self.target, self.dtype))
        object.__setattr__(self, "L", whole_number("L", self.L, 1, L_MAX))
        object.__setattr__(self, "activation", activations.get(self.activation).name)  # raises with the names

    @property
    def params(self) -> tuple[str, ...]:
        """The parameters of this config's cell, as gradients name them: h_init, wh, wy, wx (then wz, uz, bz)."""
        return CELL_PARAMS[self.cell]

    @property
    def torch_dtype(self) -> torch.dtype:
        """The torch dtype named by `dtype`."""
        return DTYPES[self.dtype]

    def value_of(self, param: str) -> float:
        """The starting value of a parameter named as its gradient is ('wh' is wh_init)."""
        return getattr(self, PARAM_FIELDS[choice("param", param, ALL_PARAMS)])

    def with_values(self, **params: float) -> Config:
        """A copy with parameters set by their gradient names (wh=..., wx=...)."""
        return self.replace(**{PARAM_FIELDS[choice("parameter", p, ALL_PARAMS)]: v for p, v in params.items()})

    def target_for(self, y_last: torch.Tensor) -> torch.Tensor:
        """What y_L is compared with: the fixed target, or the seed's y_L.detach() - offset (loss = offset^2)."""
        if self.target is None:
            return y_last.detach() - self.offset
        return torch.full_like(y_last, self.target)

    def replace(self, **changes) -> Config:
        """A copy with some fields changed (validated again)."""
        names = [f.name for f in fields(self)]
        unknown = [k for k in changes if k not in names]
        if unknown:
            raise ValueError(f"Config has no field {', '.join(unknown)}; its fields are {', '.join(names)}")
        return replace(self, **changes)

    def as_dict(self) -> dict:
        """Plain dict of the fields, for caching keys and URLs."""
        return asdict(self)


# --- validation helpers: every public function of the core checks its arguments with these, up front, and raises
# ValueError naming the argument, its value (shortened) and what is allowed. Numpy scalars and whole floats (5.0) are
# accepted where a user would pass them; strings, bools, complex numbers and nested lists are never numbers here.

_REPR = reprlib.Repr()
_REPR.maxstring, _REPR.maxother, _REPR.maxlong, _REPR.maxlist, _REPR.maxtuple = 40, 40, 24, 6, 6
_REPR.maxset = _REPR.maxfrozenset = _REPR.maxdict = 4


def shown(value) -> str:
    """A value's repr, shortened for a message (a 400-digit int or a 10,000-element list stays one line)."""
    if isinstance(value, np.ndarray):
        head = ", ".join(f"{v!r}" for v in value.reshape(-1)[:4].tolist())
        return f"array([{head}{', ...' if value.size > 4 else ''}], shape={value.shape}, dtype={value.dtype})"
    if isinstance(value, float):
        return repr(value)
    return _REPR.repr(value)


def _kind(value) -> str:
    """What a value is, in words, for 'not a number' messages."""
    if isinstance(value, (bool, np.bool_)):
        return "a bool"
    if isinstance(value, (str, bytes)):
        return "a string"
    if isinstance(value, numbers.Complex) and not isinstance(value, numbers.Real):
        return "a complex number"
    return f"a {type(value).__name__}"


def finite_number(name: str, value) -> float:
    """A real number as a float, or a ValueError that names it; strings and bools are not numbers here."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name}={shown(value)} must be a finite number (int or float), not {type(value).__name__}")
    try:
        number = float(value)
    except (OverflowError, ValueError, TypeError):  # an int beyond float range, e.g. 10**400
        raise ValueError(f"{name}={shown(value)} is too large; it must be a finite float (|x| < 1.8e308)") from None
    if not math.isfinite(number):
        raise ValueError(f"{name}={shown(value)} must be a finite number (no inf or NaN)")
    return number


def dtype_number(name: str, value, dtype: str) -> float:
    """finite_number that also fits the dtype: 1e39 is a finite float64 but inf in float32."""
    number = finite_number(name, value)
    big = float(np.finfo(dtype).max)
    if abs(number) > big:
        raise ValueError(f"{name}={shown(value)} is beyond the largest {dtype} ({big:.2g}); use a smaller value"
                         + (" or dtype='float64'" if dtype == "float32" else ""))
    return number


def positive_number(name: str, value, dtype: str = "float64", allow_none: bool = False) -> float | None:
    """A finite number > 0 that fits the dtype (None too when allow_none), or a ValueError in words."""
    allowed = "None or a finite number > 0" if allow_none else "a finite number > 0"
    if value is None and allow_none:
        return None
    try:
        number = dtype_number(name, value, dtype)
    except ValueError as err:
        raise ValueError(f"{err}; use {allowed}") from None
    if number <= 0:
        raise ValueError(f"{name}={shown(value)} is not allowed; use {allowed}")
    return number


def whole_number(name: str, value, lo: int, hi: int) -> int:
    """An int in lo..hi (numpy ints and whole floats such as 10.0 accepted), or a ValueError that says so."""
    allowed = f"a whole number from {lo} to {hi}"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name}={shown(value)} must be {allowed}, not {_kind(value)}")
    if not isinstance(value, numbers.Integral):
        try:
            as_float = float(value)
        except (OverflowError, ValueError, TypeError):
            as_float = math.inf
        if not (math.isfinite(as_float) and as_float.is_integer()):
            raise ValueError(f"{name}={shown(value)} must be {allowed}")
    number = int(value)
    if not lo <= number <= hi:
        raise ValueError(f"{name}={shown(number)} is out of range; allowed {lo} to {hi}")
    return number


def choice(name: str, value, options) -> str:
    """One of a few names (str), or a ValueError listing them; a list or None is never a name."""
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{name}={shown(value)} is unknown; choose one of {', '.join(options)}")
    return str(value)


def flag(name: str, value) -> bool:
    """True or False (numpy bools too); 0, 1 and strings are not flags."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name}={shown(value)} must be True or False")
    return bool(value)


def check_config(value, name: str = "config") -> Config:
    """The argument itself if it is a Config, else a ValueError that shows how to make one."""
    if not isinstance(value, Config):
        raise ValueError(f"{name}={shown(value)} must be a tinyrnn Config, e.g. Config(wh_init=0.5, L=10)")
    return value


def instance(name: str, value, cls: type, how: str, allow_none: bool = False):
    """The value if it is a cls (or None when allow_none), else a ValueError saying how to get one, e.g.
    instance("result", result, Result, "run(config) returns one")."""
    if (value is None and allow_none) or isinstance(value, cls):
        return value
    raise ValueError(f"{name}={shown(value)} must be {'None or ' if allow_none else ''}a {cls.__name__}; {how}")


def _items(name: str, values, allowed: str) -> list:
    """The items of an ordered collection: list, tuple, range, 1-D numpy array, pandas Series/Index, or an
    iterator/generator (materialised once). Sets and dicts have no order a result could follow; strings,
    scalars and None are not collections here."""
    def bad(problem: str) -> ValueError:
        return ValueError(f"{name}={shown(values)}: {problem}; {name} must be {allowed}")

    if values is None or isinstance(values, (str, bytes, numbers.Number, np.generic)):
        hint = f" (for one value write [{shown(values)}])" if isinstance(values, numbers.Number) else ""
        raise bad(f"{_kind(values)} is not a list{hint}")
    if isinstance(values, (set, frozenset, dict)) or not hasattr(values, "__iter__"):
        raise bad(f"{_kind(values)} has no order to follow" if isinstance(values, (set, frozenset, dict))
                  else f"{_kind(values)} is not a list")
    if isinstance(values, np.ndarray) and values.ndim != 1:
        raise bad(f"an array of shape {values.shape} is not 1-D")
    if hasattr(values, "ndim") and values.ndim not in (1, None):  # a DataFrame, a 2-D tensor
        raise bad(f"{_kind(values)} with {values.ndim} dimensions is not 1-D")
    if isinstance(values, np.ndarray) and values.dtype.kind in "biuf":
        if values.dtype.kind == "b":
            raise bad("an array of bools is not a list of numbers")
        return values.tolist()
    try:
        items = list(values)
    except TypeError:
        raise bad(f"{_kind(values)} is not a list") from None
    return items


def number_list(name: str, values, dtype: str = "float64", finite: bool = True, max_len: int | None = None
                ) -> np.ndarray:
    """A non-empty 1-D list of real numbers as float64, each within the dtype's range (and finite unless
    finite=False), or a ValueError naming the first bad item. Nested lists are never flattened."""
    allowed = (f"a non-empty 1-D list of {'finite ' if finite else ''}numbers (int or float) within {dtype}'s "
               f"range" + (f", at most {max_len} of them" if max_len else ""))
    items = _items(name, values, allowed)
    if not items:
        raise ValueError(f"{name}={shown(values)}: empty; {name} must be {allowed}")
    if max_len is not None and len(items) > max_len:
        raise ValueError(f"{name} has {len(items)} values; {name} must be {allowed}")
    big = float(np.finfo(dtype).max)
    if isinstance(values, np.ndarray) and values.dtype.kind in "iuf":
        out = values.astype(np.float64)
        if (np.isfinite(out).all() or not finite) and not (np.abs(out) > big).any():
            return out
    plain = all(type(x) in (float, int, np.float64, np.float32, np.int64, np.int32) for x in items)
    out = np.asarray(items, dtype=np.float64) if plain and all(abs(x) < 2**1000 for x in items
                                                                 if type(x) is int) else None
    if out is not None and (np.isfinite(out).all() or not finite) and not (np.abs(out) > big).any():
        return out  # the common case, checked without a Python loop per item
    for i, item in enumerate(items):
        if isinstance(item, (list, tuple, np.ndarray, set, frozenset, dict, range)):
            problem = f"item {i} is {_kind(item)}, not a number (nested lists are not flattened): 1-D only"
        elif isinstance(item, (bool, np.bool_)) or not isinstance(item, numbers.Real):
            problem = f"item {i} is {shown(item)}, {_kind(item)}, not a number"
        else:
            try:
                number = float(item)
            except (OverflowError, ValueError, TypeError):
                problem = f"item {i} is {shown(item)}, too large for a float"
            else:
                problem = (f"item {i} is {shown(item)}, not a finite number" if finite and not math.isfinite(number)
                           else f"item {i} is {shown(item)}, beyond the largest {dtype} ({big:.2g})"
                           if math.isfinite(number) and abs(number) > big else None)
        if problem:
            raise ValueError(f"{name}={shown(values)}: {problem}; {name} must be {allowed}")
    return np.asarray([float(x) for x in items], dtype=np.float64)


def name_list(name: str, values, options, allow_str: bool = False) -> tuple[str, ...]:
    """A non-empty tuple of distinct names from options, in the order given (a single name too when allow_str)."""
    allowed = f"a non-empty list of distinct names from {', '.join(options)}, e.g. ('{options[0]}',)"
    if isinstance(values, str):
        if not allow_str:
            raise ValueError(f"{name}={shown(values)} must be a list of names from {', '.join(options)}, "
                             f"e.g. ('{options[0]}',), not one string")
        values = (values,)
    items = tuple(_items(name, values, allowed))
    unknown = [p for p in items if not isinstance(p, str) or p not in options]
    if unknown:
        raise ValueError(f"{name}={shown(values)} has unknown names {shown(unknown)}; choose from {', '.join(options)}")
    if not items or len(set(items)) != len(items):
        raise ValueError(f"{name}={shown(values)} must be non-empty with no duplicates; choose from "
                         f"{', '.join(options)}")
    return tuple(str(p) for p in items)
