"""train(config): plain SGD on the tiny RNN, with optional gradient clipping (Pascanu et al. 2013)."""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import torch

from .config import PARAMS, Config
from .model import TinyRNN

CLIP_MODES = ("norm", "value")
MAX_STEPS = 20000


def clip_gradient(grads: torch.Tensor, clip: float | None, mode: str = "norm") -> tuple[torch.Tensor, bool]:
    """Clip a gradient vector; return (clipped copy, whether anything changed)."""
    _check_clip(clip, mode)
    if clip is None or not bool(torch.isfinite(grads).all()):
        return grads, False  # nothing to do, or a non-finite gradient (train stops on it) passes unchanged
    if mode == "value":  # g_i <- min(max(g_i, -clip), clip)
        return grads.clamp(-clip, clip), bool((grads.abs() > clip).any())
    norm = grad_norm(grads)
    if norm <= clip:
        return grads, False
    # Pascanu Alg. 1: g <- (threshold / |g|) g when |g| >= threshold, via the unit vector g/|g| so that
    # even a norm beyond float range (every component finite) rescales instead of overflowing.
    big = float(grads.abs().max())
    unit = (grads.double() / big) / math.hypot(*(grads.double() / big).tolist())
    return (clip * unit).to(grads.dtype), True


def grad_norm(grads: torch.Tensor) -> float:
    """|g| without overflow: math.hypot scales internally (a naive sqrt(sum g^2) overflows at |g_i| ~ 1e154)."""
    return math.hypot(*grads.double().tolist())


def train(config: Config, *, steps: int, lr: float, clip: float | None = None, clip_mode: str = "norm",
          params: Sequence[str] = ("h_init", "wh", "wy"),
          on_step: Callable[[int, dict], None] | None = None) -> pd.DataFrame:
    """Plain SGD theta <- theta - lr * clip(grad L(theta)); one row per visited point, step 0 included.

    Row k is the point after k updates: `loss` = L(theta_k), `grad_norm` = |grad L(theta_k)| over the
    trained params before clipping, `clipped` = whether that gradient is clipped (so whether update k+1 is;
    the last row's gradient is never applied), then theta_k, one column per trained param. Row 0 is the
    start. The loss is MSE(y_L, target) with config.target, else the seed's MSE(y_L, y_L.detach() - offset),
    rebuilt at each step. Training stops at the first non-finite loss or gradient, which the last row keeps.
    on_step(step, row) is called once per row (step 0 included), e.g. for a progress bar.
    """
    params = _check(config, steps, lr, clip, clip_mode, params, on_step)
    model = TinyRNN(config)  # a fresh module per call; its wx is a plain tensor that requires grad
    tensors = [getattr(model, p) for p in params]
    x_seq = torch.ones(config.L, dtype=config.torch_dtype)
    rows = []
    for step in range(steps + 1):
        loss, grad = _loss_and_grad(model, tensors, x_seq, config)
        finite = bool(torch.isfinite(loss)) and bool(torch.isfinite(grad).all())
        update, clipped = clip_gradient(grad, clip, clip_mode)
        row = {"step": step, "loss": float(loss), "grad_norm": grad_norm(grad),
               "clipped": clipped, **{p: float(t.detach()) for p, t in zip(params, tensors, strict=True)}}
        rows.append(row)
        if on_step is not None:
            on_step(step, dict(row))
        if not finite or step == steps:
            break
        with torch.no_grad():
            for t, g in zip(tensors, update, strict=True):
                t -= lr * g  # theta_{k+1} = theta_k - lr * g_k, rounded in the config's dtype
    return pd.DataFrame(rows, columns=["step", "loss", "grad_norm", "clipped", *params])


def suggest_clip(config: Config, lr: float, params: Sequence[str] = ("h_init", "wh", "wy"),
                 probe_steps: int = 5) -> float:
    """Pascanu's heuristic: the mean finite gradient norm over the first probe_steps unclipped updates.

    Exactly: train(config, steps=probe_steps, lr=lr, clip=None), take grad_norm of the rows that drove an
    update (steps 0..probe_steps-1, fewer if training stopped), drop inf/NaN, return their arithmetic mean.
    If the probe itself explodes, that mean is dominated by the explosion: pick a smaller threshold by hand.
    """
    if isinstance(probe_steps, bool) or not isinstance(probe_steps, (int, np.integer)) or not 1 <= probe_steps <= 100:
        raise ValueError(f"probe_steps={probe_steps!r} is out of range; allowed whole numbers 1 to 100")
    frame = train(config, steps=probe_steps, lr=lr, params=params)
    norms = frame["grad_norm"].to_numpy()[:probe_steps]
    norms = norms[np.isfinite(norms)]
    if norms.size == 0 or norms.mean() <= 0:
        raise ValueError(f"no finite non-zero gradient norm in {probe_steps} probe steps: nothing to clip")
    return float(norms.mean())


def pascanu_config(w: float = 5.0, b: float = -2.0, dtype: str = "float64", h0: float | None = None) -> Config:
    """Pascanu, Mikolov & Bengio 2013's x_t = w*sigmoid(x_{t-1}) + b, x_0 = 0.5, E = (sigmoid(x_50) - 0.7)^2.

    With h_t = sigmoid(x_t): h_t = sigmoid(w*h_{t-1} + b*1), h_0 = sigmoid(0.5), y = 1*h_50, target 0.7.
    h0 replaces h_0 = sigmoid(0.5) = 0.6225 with a value a link can carry exactly (two decimals).
    """
    start = 1.0 / (1.0 + math.exp(-0.5)) if h0 is None else h0
    return Config(activation="sigmoid", wh_init=w, wx=b, h_init=start, wy=1.0, L=50, target=0.7, dtype=dtype)


# train(p["config"], **p["train"]) runs the clipped version; pass clip=None to watch plain SGD fail.
# The numbers in the descriptions were measured with this engine in float64 (tests/test_train.py checks them).
TRAINING_PRESETS: dict[str, dict] = {
    "Pascanu's cliff": {
        # Start on the plateau (loss 0.48). The cliff is where the attractor of h -> sigmoid(wh*h + wx)
        # that h_0 falls into switches from low (h ~ 0) to high (h ~ 1); its wall is ~1e-4 thin, so whether
        # plain SGD lands on it depends on the start to the last digit (h_0 = 0.7 lands on it; 0.69 and 0.71 do not).
        "config": pascanu_config(w=6.0, b=-5.0, h0=0.7),
        "train": {"steps": 500, "lr": 1.0, "clip": 1.0, "clip_mode": "norm", "params": ("wh", "wx")},
        "description": "Pascanu et al.'s sigmoid unit starts on a plateau and plain SGD (lr 1) creeps down it "
                       "(|gradient| below 0.25); at step 104 it reaches the cliff, the gradient norm leaps from "
                       "0.13 to 197 and one update throws (wh, wx) to (118, 159), a saturated flat where the "
                       "gradient is exactly 0 and the loss stays 0.09 for ever; clipping the norm to 1 tames that "
                       "step and the loss falls to 7e-5.",
    },
    "Exploding TinyRNN": {
        # leaky_relu, not relu: with relu the first plain step (wh 1.5 -> -216) switches the unit off for
        # good (loss frozen at exactly 1.0, gradient exactly 0) instead of blowing up.
        "config": Config(activation="leaky_relu", wh_init=1.5, L=10, target=1.0, dtype="float64"),
        "train": {"steps": 100, "lr": 0.005, "clip": 10.0, "clip_mode": "norm", "params": ("h_init", "wh", "wy")},
        "description": "With wh = 1.5 over 10 steps the gradient norm is 4.5e4, so one plain SGD step (lr 0.005) "
                       "flings wh to -216 and the loss to 5e32, then inf; clipping the norm to 10 takes ten short "
                       "steps and converges (loss 2e-31 after 100 steps).",
    },
}


def _loss_and_grad(model, tensors, x_seq, config) -> tuple[torch.Tensor, torch.Tensor]:
    y_last = model(x_seq)[0][-1]
    y_true = config.target_for(y_last)  # rebuilt each step: the seed's target moves with y_L
    loss = torch.nn.functional.mse_loss(y_last, y_true)  # the same loss and rounding as run()
    return loss.detach(), torch.stack(torch.autograd.grad(loss, tensors))


def _positive(name: str, value, allow_none: bool = False) -> None:
    if value is None and allow_none:
        return
    ok = isinstance(value, (int, float, np.number)) and not isinstance(value, bool)
    if not ok or not math.isfinite(value) or value <= 0:
        allowed = "None or a finite number > 0" if allow_none else "a finite number > 0"
        raise ValueError(f"{name}={value!r} is not allowed; use {allowed}")


def _check_clip(clip, mode) -> None:
    _positive("clip", clip, allow_none=True)
    if mode not in CLIP_MODES:
        raise ValueError(f"clip_mode={mode!r} is unknown; choose one of {', '.join(CLIP_MODES)}")


def _check(config, steps, lr, clip, clip_mode, params, on_step) -> tuple[str, ...]:
    if not isinstance(config, Config):
        raise ValueError(f"config={config!r} must be a tinyrnn Config")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or not 1 <= steps <= MAX_STEPS:
        raise ValueError(f"steps={steps!r} is out of range; allowed whole numbers 1 to {MAX_STEPS}")
    _positive("lr", lr)
    _check_clip(clip, clip_mode)
    allowed = ", ".join(PARAMS)
    if isinstance(params, str) or not isinstance(params, Sequence):
        raise ValueError(f"params={params!r} must be a list of names from {allowed}, e.g. ('wh',)")
    params = tuple(params)
    unknown = [p for p in params if p not in PARAMS]
    if unknown:
        raise ValueError(f"params={params!r} has unknown names {unknown}; choose from {allowed}")
    if not params or len(set(params)) != len(params):
        raise ValueError(f"params={params!r} must be non-empty with no duplicates; choose from {allowed}")
    if on_step is not None and not callable(on_step):
        raise ValueError(f"on_step={on_step!r} must be None or a function on_step(step, row)")
    return params


def outcome(frame: pd.DataFrame, dtype: str) -> tuple[str, str] | None:
    """How one run ended, in words: (kind, sentence) with kind in cannot start / diverged / stuck / nothing to
    learn, or None for an ordinary run. frame is train()'s output."""
    last = frame.iloc[-1]
    finite = bool(np.isfinite(last.loss) and np.isfinite(last.grad_norm))
    if len(frame) == 1 and not finite:
        return ("cannot start", f"at the starting point the forward pass already gives loss {last.loss:.3g} and "
                                f"|gradient| {last.grad_norm:.3g} (y_L overflows {dtype}), so no step size or "
                                "clipping can help. Lower L or |wh|, or switch to float64.")
    if not finite:
        return ("diverged", f"the loss became {last.loss:.3g} at step {int(last.step)}, after the gradient norm "
                            f"reached {frame.grad_norm.iloc[-2]:.3g}; training stopped there.")
    if frame.loss.iloc[0] == 0:
        return ("nothing to learn", "y_L already equals the target, so the loss is 0 from the start. Move the "
                                    "target or a parameter.")
    if last.grad_norm == 0 and last.loss > 1e-12:
        return ("stuck", f"at loss {last.loss:.3g} the gradient is exactly 0 (a dead or saturated unit), so no "
                         "learning rate can move it.")
    return None
