"""The activation registry: the one place a new activation is added."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from .names import ACTIVATION_NAMES, ACTIVATION_WORDS

LEAKY_SLOPE = 0.01  # PyTorch's default negative_slope for leaky_relu


@dataclass(frozen=True)
class Activation:
    """An activation, its slope as autograd computes it, and a plain description."""

    name: str
    fn: Callable[[torch.Tensor], torch.Tensor]
    # backward(grad, a, h) = grad * act'(a), computed by the very ATen kernel autograd calls
    # (from the pre-activation a and/or the output h = act(a)), so that a replayed
    # reverse pass rounds bit for bit like autograd.
    backward: Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor]
    # The slope on each side of 0 when the activation is piecewise linear there,
    # else None: this is what makes a closed form possible.
    linear_slopes: tuple[float, float] | None
    saturates: bool
    # The largest slope act' can have. |wh| * max_slope < 1 means every step contracts whatever the state
    # (Pascanu et al. 2013, sec. 2.1: sigmoid's 1/4 makes |wh| < 4 vanish even at peak slope).
    max_slope: float
    describe: str

    def slope(self, a: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        """act'(a_t), as the backward kernel computes it for an incoming gradient of 1."""
        return self.backward(torch.ones_like(a), a, h)


_aten = torch.ops.aten


def _relu_backward(grad, a, h):
    return _aten.threshold_backward(grad, h, 0)  # masks on the output h > 0


def _leaky_backward(grad, a, h):
    return _aten.leaky_relu_backward(grad, a, LEAKY_SLOPE, False)  # masks on the input a > 0


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("relu", torch.relu, _relu_backward, (0.0, 1.0), False, 1.0,
                   ACTIVATION_WORDS["relu"]),
        Activation("tanh", torch.tanh, lambda g, a, h: _aten.tanh_backward(g, h), None, True, 1.0,
                   ACTIVATION_WORDS["tanh"]),
        Activation("sigmoid", torch.sigmoid, lambda g, a, h: _aten.sigmoid_backward(g, h), None, True, 0.25,
                   ACTIVATION_WORDS["sigmoid"]),
        Activation("identity", lambda a: a, lambda g, a, h: g, (1.0, 1.0), False, 1.0,
                   ACTIVATION_WORDS["identity"]),
        Activation("leaky_relu", lambda a: F.leaky_relu(a, LEAKY_SLOPE),
                   _leaky_backward, (LEAKY_SLOPE, 1.0), False, 1.0,
                   ACTIVATION_WORDS["leaky_relu"]),
    )
}

NAMES: tuple[str, ...] = tuple(ACTIVATIONS)
if NAMES != ACTIVATION_NAMES:  # the CLI and the app's controls read names.py without importing torch
    raise RuntimeError(f"activation registry {NAMES} differs from names.ACTIVATION_NAMES {ACTIVATION_NAMES}")


def get(name: str) -> Activation:
    """Look up an activation by name, with a message listing the valid ones."""
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):  # TypeError: an unhashable name such as a list
        raise ValueError(
            f"activation={name!r} is unknown; choose one of {', '.join(NAMES)}"
        ) from None
