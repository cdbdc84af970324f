"""train(config): plain SGD on the tiny RNN, with optional gradient clipping (Pascanu et al. 2013)."""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import torch

from . import budget
from .config import Config, check_config, choice, name_list, number_list, positive_number, whole_number
from .model import TinyRNN

CLIP_MODES = ("norm", "value")
MAX_STEPS = 20000


def clip_gradient(grads, clip: float | None, mode: str = "norm") -> tuple[torch.Tensor, bool]:
    """Clip a gradient vector; return (clipped copy, whether anything changed).

    grads: a non-empty 1-D float tensor (a list, tuple or numpy array of numbers becomes a float64 one; inf and
    NaN are allowed and pass unchanged, as train() stops on them). clip: None or a finite number > 0.
    """
    grads = _gradient(grads)
    clip = _check_clip(clip, mode, str(grads.dtype).removeprefix("torch."))
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


def _gradient(grads) -> torch.Tensor:
    """clip_gradient's vector: a 1-D float32/float64 tensor as it is, or numbers made into a float64 one."""
    if isinstance(grads, torch.Tensor):
        if grads.dtype not in (torch.float32, torch.float64) or grads.ndim != 1 or grads.numel() == 0:
            raise ValueError(f"grads=tensor of shape {tuple(grads.shape)} and dtype {grads.dtype} must be a "
                             "non-empty 1-D float32 or float64 tensor (one entry per parameter)")
        return grads
    return torch.as_tensor(number_list("grads", grads, finite=False), dtype=torch.float64)


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

    steps: a whole number 1..MAX_STEPS with L x steps within budget.TRAINING_WORK (checked before any work);
    lr: a finite number > 0; clip: None or a finite number > 0; params: distinct names from config.params
    (the gru's gate wz, uz, bz too).
    """
    params, steps, lr, clip = _check(config, steps, lr, clip, clip_mode, params, on_step)
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
    config = check_config(config)
    probe_steps = whole_number("probe_steps", probe_steps, 1, 100)
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


def _check_clip(clip, mode, dtype: str = "float64") -> float | None:
    clip = positive_number("clip", clip, dtype, allow_none=True)
    choice("clip_mode", mode, CLIP_MODES)
    return clip


def _check(config, steps, lr, clip, clip_mode, params, on_step) -> tuple[tuple[str, ...], int, float, float | None]:
    config = check_config(config)
    steps = whole_number("steps", steps, 1, MAX_STEPS)
    lr = positive_number("lr", lr, config.dtype)
    clip = _check_clip(clip, clip_mode, config.dtype)
    params = name_list("params", params, config.params)
    if on_step is not None and not callable(on_step):
        raise ValueError(f"on_step={on_step!r} must be None or a function on_step(step, row)")
    budget.check(budget.training_work(config.L, steps), budget.TRAINING_WORK, f"L x steps = {config.L} x {steps}",
                 "lower L or steps")
    return params, steps, lr, clip
