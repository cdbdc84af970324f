"""The memory task: keep the sign of x_1 for L steps, then say it; learnt from random starts less often as L grows.

Data (memory_batch): a batch of sequences x_1..x_L with x_1 in {-1, +1} (a fair coin), x_2..x_L = 0 (or Gaussian
noise of a given std), and the target y_L = x_1. Readout: y = wy*h_L + by. The bias by is needed: a relu unit's
h_L >= 0, so wy*h_L alone has one sign for both inputs; with by the model can answer -1 for h_L = 0 (the unit
off) and +1 for h_L > 0. Loss: mean squared error over the batch, read at step L only.

Models are trained from h_0 = 0 (not trained) with these starting values, drawn per seed from a local generator:
  "pytorch"  (default) PyTorch's default for a one-unit nn.RNN / nn.GRU and the nn.Linear readout:
             U(-1/sqrt(hidden), 1/sqrt(hidden)) = U(-1, 1) for every weight and bias: wh, wx, wy, by, wz, uz, bz.
             (nn.GRU's gate has two biases, b_iz + b_hz, whose sum is triangular on (-2, 2); our single bz
             is U(-1, 1).)
  "identity" the IRNN start (Le, Jaitly & Hinton 2015, for relu units): wh = 1 and a small input weight
             wx ~ N(0, 0.001^2); the cells have no bias, so Le et al.'s "bias 0" holds by construction.
             The other values (wy, by and the gate) are the "pytorch" draws of the same seed.
The plain cell and the gated cell of one seed start from the same point: their shared wh, wx, wy, by coincide.
Optionally gate_bias sets the gated cell's bz to one value instead (e.g. -4: z = sigmoid(-4) = 0.018, a gate
mostly closed at the start, like the LSTM forget-gate bias of Gers et al. 2000 and Jozefowicz et al. 2015, or the
chrono initialisation of Tallec & Ollivier 2018); the default None keeps PyTorch's U(-1, 1).

Training: full-batch on one fixed batch per (seed, L), Adam (PyTorch's formula and defaults betas (0.9, 0.999),
eps 1e-8) or plain SGD, optional clipping of each model's gradient norm, a fixed number of steps. A model whose
loss or gradient turns inf/NaN is frozen there and counts as a failure (`diverged`). Adam divides by
sqrt(v) + 1e-8, which lifts small gradients to steps of about lr, but a gradient far below 1e-8 (a vanished one)
still moves its parameter by only about lr * |g| / 1e-8.
Success: the mean squared error on a fresh test batch of the same seed below SUCCESS_MSE after training.

Speed: every (cell, seed, L) model is an independent one-unit network, so all models of one cell train at once,
parameters held as vectors with one entry per model. Shorter sequences are padded at the front with zero steps:
both cells have act(0) = 0 and no bias, so h stays exactly 0 until a model's own x_1 (gru: c = tanh(0) = 0 and
h = (1-z)*0 + z*0 = 0), and every model reads its output at the common last step. Gradients are the chain rule
written out: the gradient at h_t is dL/dh_L times the product of the step factors f_{t+1}..f_L (cells.py), one
cumulative product over time, then each parameter's gradient is a sum over steps (tests check this against
autograd). Without noise a batch holds only two distinct sequences (+1 or -1, then zeros), so the engine trains on
those two weighted by their counts: the same loss as the full batch, to float rounding, with batch/2 times less
arithmetic.
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
import torch

from . import cells as C

CELLS = C.CELLS
PLAIN_ACTIVATIONS = ("tanh", "relu", "leaky_relu", "identity")  # act(0) = 0: zero padding leaves h = 0
INITS = ("pytorch", "identity")
OPTIMIZERS = ("adam", "sgd")
DTYPES = {"float32": torch.float32, "float64": torch.float64}
SPLITS = ("train", "test")

# What each cell trains; h_0 = 0 is fixed. wy, by are the readout y = wy*h_L + by.
TRAINED = {"plain": ("wh", "wx", "wy", "by"), "gru": ("wh", "wx", "wy", "by", *C.GATE_PARAMS)}
INIT_ORDER = ("wh", "wx", "wy", "by", "wz", "uz", "bz")  # draw order from a seed's generator: never reorder

# Success: test mean squared error below this. Answering 0 always scores 1.0; a model that says the right sign
# with the right size (within ~0.3) scores below 0.1; saying only the right sign with a tiny amplitude does not
# count, because the task is to reproduce the value, not to lean the right way.
SUCCESS_MSE = 0.1

ADAM_BETAS = (0.9, 0.999)
ADAM_EPS = 1e-8
IRNN_WX_STD = 1e-3

# Ranges checked up front (ValueError names them).
L_MAX = 1000
MAX_SEEDS = 100
SEED_MAX = 2**31 - 1
MAX_STEPS = 5000
MAX_BATCH = 1024
MAX_NOISE = 10.0
MAX_LR = 100.0
MAX_GATE_BIAS = 20.0  # sigmoid(-20) = 2e-9: 1 - z rounds to 1 in float32 long before this

# Work budget: one call must stay within a few seconds on a 2-core machine. Cost ~ (one-step passes run one after
# another, each ~15 small tensor operations) + (elements they touch). Measured at load average ~3 on 2 cores:
# 60,200 passes over 12 million elements (the default 20 L x 5 seeds) 1.1 s; 150,000 passes 2.7 s;
# 385 million elements (the same with noise, batch 64) 7.9 s.
#   SEQUENTIAL_BUDGET bounds cells x (steps + 1) x longest L, the one-step passes;
#   ELEMENT_BUDGET bounds that times models per cell x sequences per model (2 without noise, else batch).
SEQUENTIAL_BUDGET = 150_000
ELEMENT_BUDGET = 150_000_000

DEFAULTS = {"steps": 300, "lr": 0.05, "optimizer": "adam", "clip": None, "batch": 64, "noise": 0.0,
            "activation": "tanh", "init": "pytorch", "gate_bias": None, "dtype": "float32"}


@dataclass(frozen=True)
class Settings:
    """How every model is trained; validated on construction (ValueError says what is allowed)."""

    steps: int = DEFAULTS["steps"]
    lr: float = DEFAULTS["lr"]
    optimizer: str = DEFAULTS["optimizer"]
    clip: float | None = DEFAULTS["clip"]
    batch: int = DEFAULTS["batch"]
    noise: float = DEFAULTS["noise"]
    activation: str = DEFAULTS["activation"]  # the plain cell's; the gated cell's candidate is always tanh
    init: str = DEFAULTS["init"]
    gate_bias: float | None = DEFAULTS["gate_bias"]  # the gated cell's starting bz; None = U(-1, 1)
    dtype: str = DEFAULTS["dtype"]

    def __post_init__(self) -> None:
        _whole("steps", self.steps, 0, MAX_STEPS)
        _number("lr", self.lr, 0, MAX_LR, above_low=True)
        _choice("optimizer", self.optimizer, OPTIMIZERS)
        _number("clip", self.clip, 0, above_low=True, none_ok=True)
        _whole("batch", self.batch, 1, MAX_BATCH)
        _number("noise", self.noise, 0, MAX_NOISE)
        _choice("activation", self.activation, PLAIN_ACTIVATIONS,
                why=" (the memory task needs act(0) = 0, so sigmoid is left out)")
        _choice("init", self.init, INITS)
        _number("gate_bias", self.gate_bias, -MAX_GATE_BIAS, MAX_GATE_BIAS, none_ok=True)
        _choice("dtype", self.dtype, tuple(DTYPES))

    @property
    def torch_dtype(self) -> torch.dtype:
        return DTYPES[self.dtype]

    def as_dict(self) -> dict:
        return asdict(self)


# ---------------------------------------------------------------- data and starting values

def _generator(seed: int, stream: int) -> torch.Generator:
    """A local generator for (seed, stream); SeedSequence keeps streams of nearby seeds unrelated."""
    state = np.random.SeedSequence([seed, stream]).generate_state(2, dtype=np.uint32)
    return torch.Generator().manual_seed(int(state[0]) << 32 | int(state[1]))


_STREAMS = {"init": 0, "train": 1, "test": 2}


def memory_batch(L: int, batch: int = DEFAULTS["batch"], seed: int = 0, noise: float = 0.0, *,
                 split: str = "train", dtype: str = "float32") -> tuple[torch.Tensor, torch.Tensor]:
    """x of shape (L, batch) and targets y = x_1 of shape (batch,), the same for the same arguments.

    x_1 is a fair coin in {-1, +1}; x_2..x_L are 0, or N(0, noise^2) when noise > 0. split="test" draws an
    independent batch for the same seed. The coins come first from the generator, so a seed's signs do not
    depend on L or noise.
    """
    _whole("L", L, 1, L_MAX)
    _whole("batch", batch, 1, MAX_BATCH)
    _whole("seed", seed, 0, SEED_MAX)
    _number("noise", noise, 0, MAX_NOISE)
    _choice("split", split, SPLITS)
    _choice("dtype", dtype, tuple(DTYPES))
    g = _generator(seed, _STREAMS[split])
    signs = torch.randint(0, 2, (batch,), generator=g).to(DTYPES[dtype]) * 2 - 1
    x = torch.zeros((L, batch), dtype=DTYPES[dtype])
    x[0] = signs
    if noise > 0 and L > 1:
        x[1:] = torch.randn((L - 1, batch), generator=g, dtype=torch.float64).to(DTYPES[dtype]) * noise
    return x, signs.clone()


def initial_params(seed: int = 0, init: str = "pytorch", gate_bias: float | None = None) -> dict[str, float]:
    """A seed's starting values for every parameter of both cells (see the module docstring), as floats.

    Drawn in float64, so a float32 run starts from these values rounded to float32.
    """
    _whole("seed", seed, 0, SEED_MAX)
    _choice("init", init, INITS)
    Settings(init=init, gate_bias=gate_bias)  # validates gate_bias
    g = _generator(seed, _STREAMS["init"])
    draws = torch.rand(len(INIT_ORDER), generator=g, dtype=torch.float64) * 2 - 1  # U(-1, 1)
    params = dict(zip(INIT_ORDER, draws.tolist(), strict=True))
    if init == "identity":
        params["wh"] = 1.0
        params["wx"] = float(torch.randn(1, generator=g, dtype=torch.float64)) * IRNN_WX_STD
    if gate_bias is not None:
        params["bz"] = float(gate_bias)
    return params


# ---------------------------------------------------------------- the batched engine

class _Data(NamedTuple):
    """All models' sequences, front-padded to T = longest L: x (T, M, S), targets y and weights w (M, S)."""

    x: torch.Tensor
    y: torch.Tensor
    w: torch.Tensor
    L: torch.Tensor  # (M,) each model's own length
    own: torch.Tensor  # (T, M, S): 1 at a model's own steps, 0 at its padding


def _stack_data(Ls: Sequence[int], seeds: Sequence[int], s: Settings, split: str) -> _Data:
    T, M = max(Ls), len(Ls)
    dtype = s.torch_dtype
    distinct = s.noise == 0  # then only two sequences exist: (+1, 0, ..., 0) and (-1, 0, ..., 0)
    S = 2 if distinct else s.batch
    x = torch.zeros((T, M, S), dtype=dtype)
    y = torch.empty((M, S), dtype=dtype)
    w = torch.ones((M, S), dtype=dtype)
    for m, (L, seed) in enumerate(zip(Ls, seeds, strict=True)):
        xm, ym = memory_batch(L, s.batch, seed, s.noise, split=split, dtype=s.dtype)
        if distinct:
            plus = int((ym > 0).sum())
            x[T - L, m] = y[m] = torch.tensor([1.0, -1.0], dtype=dtype)
            w[m] = torch.tensor([plus, s.batch - plus], dtype=dtype)
        else:
            x[T - L:, m] = xm
            y[m] = ym
    L = torch.tensor(list(Ls))
    own = (torch.arange(T)[:, None, None] >= (T - L)[None, :, None]).to(dtype).expand(T, M, S).contiguous()
    return _Data(x, y, w, L, own)


# Threads: torch splits an element-wise op across its threads above 32768 elements (at::internal::GRAIN_SIZE),
# and its tanh and sqrt kernels already above 2048. On a busy 2-core machine a split op often waits milliseconds
# for a descheduled thread: tanh on 2049 floats took 5 ms on average instead of 4 us at load average 3, and a
# 20-seed run took 8.9 s instead of 3.0 s. So every op here stays below those sizes: the forward pass runs
# blocks of models whose per-step tensors hold at most _SMALL elements, the backward pass blocks of at most
# _SERIAL elements, and Adam takes its square roots in pieces of _SMALL.
_SMALL = 2048
_SERIAL = 32768


def _blocks(M: int, per_model: int, limit: int) -> list[slice]:
    """Consecutive slices of M models, each holding at most limit elements when a model holds per_model."""
    step = max(1, limit // per_model)
    return [slice(m, m + step) for m in range(0, M, step)]


class _Forward(NamedTuple):
    h: torch.Tensor  # h_0..h_T, (T+1, M, S)
    first: torch.Tensor  # plain: pre-activations a_t; gru: gates z_t (T, M, S)
    second: torch.Tensor | None  # gru: candidates c_t
    y: torch.Tensor  # readout at T, (M, S)
    loss: torch.Tensor  # (M,)


def _forward(cell: str, theta: dict[str, torch.Tensor], data: _Data, activation: str) -> _Forward:
    """Run every model over the padded sequences with the cells' own step functions, keeping what backward needs."""
    T, M, S = data.x.shape
    hs = torch.empty((T + 1, M, S), dtype=data.x.dtype)  # written one small slice per step (see _SMALL)
    first = torch.empty_like(data.x)
    second = torch.empty_like(data.x) if cell == "gru" else None
    y = torch.empty((M, S), dtype=data.x.dtype)
    for b in _blocks(M, S, _SMALL):
        x = data.x[:, b]
        h = hs[0, b].zero_()  # h_0 = 0
        p = {k: v[b, None] for k, v in theta.items()}  # (models, 1): one value per model, broadcast over sequences
        for t in range(T):
            if cell == "gru":
                z, c, h = C.gru_parts(h, x[t], p["wh"], p["wx"], p["wz"], p["uz"], p["bz"])
                first[t, b], second[t, b] = z, c
            else:
                a = C.plain_preact(h, x[t], p["wh"], p["wx"])
                h = C.activate(a, activation)
                first[t, b] = a
            hs[t + 1, b] = h
        y[b] = C.readout(h, p["wy"], p["by"])
    err = y - data.y
    loss = (data.w * err * err).sum(1) / data.w.sum(1)  # the batch mean: w counts each distinct sequence
    return _Forward(hs, first, second, y, loss)


def _per_model(t: torch.Tensor) -> torch.Tensor:
    """t (T, models, S) summed over steps and sequences; the same as t.sum((0, 2)), 10x faster on contiguous t."""
    return t.reshape(t.shape[0], -1).sum(0).view(-1, t.shape[2]).sum(1)


def _backward(cell: str, theta: dict[str, torch.Tensor], data: _Data, fw: _Forward,
              activation: str) -> tuple[dict[str, torch.Tensor], torch.Tensor]:
    """Each model's gradient of its loss, and its sum over the batch of |dL/dh_1| (see gradient_at_init).

    dL/dy_b = 2 w_b (y_b - target_b) / sum(w), dL/dh_T = dL/dy * wy, and dL/dh_{t-1} = dL/dh_t * f_t with f_t
    the step factor (cells.py), so G[t] = dL/dh_t is a cumulative product from the end. A parameter's gradient
    sums, over steps t, G[t] times the partial of h_t with respect to it at that step (h_{t-1} and x_t fixed).
    Padding steps (before a model's x_1) get f = 0, so no gradient flows into them: the exact 0 h and x there
    already make their partials 0, and stopping G keeps an inf from a long product out of 0 * inf = NaN.
    """
    T, M, S = data.x.shape
    dy = 2 * data.w * (fw.y - data.y) / data.w.sum(1, keepdim=True)
    grads = {"wy": (dy * fw.h[-1]).sum(1), "by": dy.sum(1)}
    grads.update({n: torch.empty(M, dtype=dy.dtype) for n in TRAINED[cell] if n not in grads})
    grad_h1 = torch.empty(M, dtype=dy.dtype)
    for b in _blocks(M, (T + 1) * S, _SERIAL):
        x, h, first, L = data.x[:, b], fw.h[:, b], fw.first[:, b], data.L[b]
        p = {k: v[b, None] for k, v in theta.items()}
        h_prev = h[:-1]
        if cell == "gru":
            sens = C.gru_sensitivities(h_prev, first, fw.second[:, b])
            f = sens.keep + sens.cand * p["wh"] + sens.gate * p["wz"]
        else:
            slope = C.activation_slope(first, h[1:], activation)
            f = p["wh"] * slope
        f = f * data.own[:, b]  # 0 at padding steps (their f is finite: h = x = 0 there)
        # [dL/dh_T, f_T, f_{T-1}, ..., f_1] multiplied cumulatively: (dL/dh_T * f_T) * f_{T-1} ..., the chain
        # rule's own order; flipped back, G[t] = dL/dh_t.
        G = torch.cumprod(torch.cat([(dy[b] * p["wy"])[None], f.flip(0)]), 0).flip(0)
        g_out = G[1:]  # dL/dh_t at each step's output
        if cell == "gru":
            g_cand, g_gate = g_out * sens.cand, g_out * sens.gate  # dL/d(candidate's pre-activation), dL/d(gate's)
            grads["wh"][b], grads["wx"][b] = _per_model(g_cand * h_prev), _per_model(g_cand * x)
            grads["wz"][b], grads["uz"][b] = _per_model(g_gate * h_prev), _per_model(g_gate * x)
            grads["bz"][b] = _per_model(g_gate)
        else:
            g_a = g_out * slope  # dL/da_t
            grads["wh"][b], grads["wx"][b] = _per_model(g_a * h_prev), _per_model(g_a * x)
        at_h1 = (T - L + 1)[None, :, None].expand(1, -1, S)  # a model's h_1 sits at index T - L + 1
        g1 = torch.gather(G, 0, at_h1)[0].abs()
        grad_h1[b] = torch.where(data.w[b] > 0, g1, torch.zeros((), dtype=g1.dtype)).sum(1)
    return grads, grad_h1


class _Adam:
    """torch.optim.Adam's update (defaults, no weight decay) on a (P, M) tensor: one column per model."""

    def __init__(self, theta: torch.Tensor, lr: float):
        self.lr, self.t = lr, 0
        self.m, self.v = torch.zeros_like(theta), torch.zeros_like(theta)

    def step(self, theta: torch.Tensor, g: torch.Tensor) -> torch.Tensor:
        b1, b2 = ADAM_BETAS
        self.t += 1
        self.m = self.m.lerp(g, 1 - b1)
        self.v = self.v * b2 + (1 - b2) * g * g
        # sqrt of a subnormal v (g below ~1e-19 in float32, common when a gradient vanishes) is ~30x slower on
        # CPUs; its root (< 1e-19) vanishes beside eps anyway, so taking 0 instead leaves the update bit for bit.
        v = torch.where(self.v >= torch.finfo(self.v.dtype).tiny, self.v, torch.zeros((), dtype=self.v.dtype))
        root = torch.cat([piece.sqrt() for piece in v.flatten().split(_SMALL)]).view_as(v)  # see _SMALL
        denom = root / math.sqrt(1 - b2**self.t) + ADAM_EPS
        return theta - (self.lr / (1 - b1**self.t)) * self.m / denom


class _Trained(NamedTuple):
    losses: torch.Tensor  # (steps+1, M): training loss at each visited point, step 0 = the start
    theta: dict[str, torch.Tensor]  # final values (M,)
    diverged: torch.Tensor  # (M,) bool
    grad_h1: torch.Tensor  # (M,) at the start
    test_mse: torch.Tensor  # (M,) after training


def _train_cell(cell: str, Ls: Sequence[int], seeds: Sequence[int], s: Settings,
                tick: Callable[[], None]) -> _Trained:
    dtype, names = s.torch_dtype, TRAINED[cell]
    starts = {seed: initial_params(seed, s.init, s.gate_bias) for seed in set(seeds)}
    theta = torch.tensor([[starts[seed][n] for seed in seeds] for n in names], dtype=torch.float64).to(dtype)
    data = _stack_data(Ls, seeds, s, "train")
    adam = _Adam(theta, s.lr) if s.optimizer == "adam" else None
    diverged = torch.zeros(len(Ls), dtype=torch.bool)
    losses, grad_h1 = [], None
    for step in range(s.steps + 1):
        params = dict(zip(names, theta, strict=True))
        fw = _forward(cell, params, data, s.activation)
        losses.append(fw.loss)
        if step == s.steps and step > 0:
            break
        grads, g_h1 = _backward(cell, params, data, fw, s.activation)
        if step == 0:
            grad_h1 = g_h1
        if step == s.steps:
            break
        g = torch.stack([grads[n] for n in names])
        diverged |= ~(torch.isfinite(g).all(0) & torch.isfinite(fw.loss))
        if s.clip is not None:  # Pascanu et al. 2013: g <- g * clip/|g| when |g| > clip, per model
            norm = torch.linalg.vector_norm(g, dim=0)
            g = g * torch.where(norm > s.clip, s.clip / norm, torch.ones_like(norm))
        new = adam.step(theta, g) if adam is not None else theta - s.lr * g
        theta = torch.where(diverged[None, :], theta, new)  # a diverged model stays where it broke
        tick()
    final = dict(zip(names, theta, strict=True))
    test = _forward(cell, final, _stack_data(Ls, seeds, s, "test"), s.activation)
    return _Trained(torch.stack(losses), final, diverged | ~torch.isfinite(test.loss), grad_h1, test.loss)


# ---------------------------------------------------------------- public API

class MemoryResult(NamedTuple):
    """runs: one row per (cell, L, seed); curves: one row per (cell, L, seed, step), or None if not asked."""

    runs: pd.DataFrame
    curves: pd.DataFrame | None


RUN_COLUMNS = ("cell", "activation", "L", "seed", "train_loss", "test_mse", "success", "diverged", "grad_h1_init",
               *INIT_ORDER)


def train_memory(Ls: Iterable[int], seeds: Iterable[int] = (0,), *, cells: Iterable[str] = CELLS,
                 curves: bool = False, on_progress: Callable[[int, int], None] | None = None,
                 **settings) -> MemoryResult:
    """Train every (cell, L, seed) model at once; settings are Settings' fields (defaults in DEFAULTS).

    runs columns: cell, activation (the plain cell's, or "tanh" for the gru's candidate), L, seed, train_loss
    (after the last step), test_mse (fresh batch), success (test_mse < SUCCESS_MSE and nothing diverged),
    diverged, grad_h1_init (sum over the batch of |dL/dh_1| at the start, see gradient_at_init), and the final
    wh, wx, wy, by, wz, uz, bz (NaN for the plain cell's gate). curves: cell, L, seed, step, loss.
    on_progress(done, total) is called after training steps (at most ~100 times) and once at the end.
    """
    s = Settings(**settings)
    Ls, seeds, cells = _check_lists(Ls, seeds, cells, on_progress)
    check_budget(Ls, seeds, cells, s)
    grid_L = [L for L in Ls for _ in seeds]
    grid_seed = [seed for _ in Ls for seed in seeds]
    total, done = max(1, len(cells) * s.steps), 0
    every = max(1, total // 100)

    def tick() -> None:
        nonlocal done
        done += 1
        if on_progress is not None and done % every == 0 and done < total:
            on_progress(done, total)

    run_frames, curve_frames = [], []
    for cell in cells:
        out = _train_cell(cell, grid_L, grid_seed, s, tick)
        test = out.test_mse.double().numpy()
        frame = pd.DataFrame({
            "cell": cell, "activation": s.activation if cell == "plain" else "tanh", "L": grid_L, "seed": grid_seed,
            "train_loss": out.losses[-1].double().numpy(), "test_mse": test,
            "success": (test < SUCCESS_MSE) & ~out.diverged.numpy(), "diverged": out.diverged.numpy(),
            "grad_h1_init": out.grad_h1.double().numpy()})
        for name in INIT_ORDER:
            frame[name] = out.theta[name].double().numpy() if name in out.theta else np.nan
        run_frames.append(frame)
        if curves:
            steps, M = out.losses.shape  # models in grid order (L-major, then seed), as the curves' rows
            curve_frames.append(pd.DataFrame({
                "cell": cell, "L": np.repeat(grid_L, steps), "seed": np.repeat(grid_seed, steps),
                "step": np.tile(np.arange(steps), M), "loss": out.losses.T.double().numpy().ravel()}))
    if on_progress is not None:
        on_progress(total, total)
    runs = pd.concat(run_frames, ignore_index=True)
    runs["success"] = runs["success"].astype(bool)
    if not curves:
        return MemoryResult(runs, None)
    return MemoryResult(runs, pd.concat(curve_frames, ignore_index=True))


def loss_curves(L: int = 20, seeds: Iterable[int] = (0,), *, cells: Iterable[str] = CELLS,
                on_progress: Callable[[int, int], None] | None = None, **settings) -> pd.DataFrame:
    """(a) Training loss per step for each cell at one L: columns cell, L, seed, step, loss (step 0 = start)."""
    return train_memory([L], seeds, cells=cells, curves=True, on_progress=on_progress, **settings).curves


def success_table(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per (cell, L): rate = successes / seeds, successes, seeds, threshold (SUCCESS_MSE)."""
    order = list(dict.fromkeys(runs["cell"]))
    table = (runs.groupby(["cell", "L"], sort=False)["success"].agg(successes="sum", seeds="size").reset_index())
    table["rate"] = table["successes"] / table["seeds"]
    table["threshold"] = SUCCESS_MSE
    table["cell"] = pd.Categorical(table["cell"], categories=order)
    table = table.sort_values(["cell", "L"]).reset_index(drop=True)
    table["cell"] = table["cell"].astype(str)
    return table[["cell", "L", "rate", "successes", "seeds", "threshold"]]


def success_rate(Ls: Iterable[int], seeds: Iterable[int] = range(5), *, cells: Iterable[str] = CELLS,
                 on_progress: Callable[[int, int], None] | None = None, **settings) -> pd.DataFrame:
    """(b) Success rate against L for each cell: columns cell, L, rate, successes, seeds, threshold."""
    return success_table(train_memory(Ls, seeds, cells=cells, on_progress=on_progress, **settings).runs)


def gradient_at_init(Ls: Iterable[int], seeds: Iterable[int] = range(5), *, cells: Iterable[str] = CELLS,
                     **settings) -> pd.DataFrame:
    """(c) |dL/dh_1| at the start against L: one row per (cell, L), median (and min, max) over seeds.

    L is the batch-mean loss and h_1 the state right after the signal step; per model the value is the sum over
    the batch of |dL/dh_1^(b)|, which equals the batch mean of |d loss_b / dh_1^(b)| for one sequence's own
    squared error. It is dL/dh_L times the product of L - 1 step factors: the plain cell's shrinks
    geometrically with L when its factors are below 1; the gated cell's less fast when its gate is partly closed.
    In float32 values below ~1e-45 are 0 (underflow); use dtype="float64" to follow them further.
    """
    settings = {**settings, "steps": 0}
    runs = train_memory(Ls, seeds, cells=cells, **settings).runs
    order = list(dict.fromkeys(runs["cell"]))
    table = (runs.groupby(["cell", "L"], sort=False)["grad_h1_init"]
             .agg(grad_h1="median", grad_h1_min="min", grad_h1_max="max", seeds="size").reset_index())
    table["cell"] = pd.Categorical(table["cell"], categories=order)
    table = table.sort_values(["cell", "L"]).reset_index(drop=True)
    table["cell"] = table["cell"].astype(str)
    return table


def work(Ls: Sequence[int], seeds: Sequence[int], cells: Sequence[str], settings: Settings) -> tuple[int, int]:
    """(one-step passes in sequence, elements touched by them): the two numbers the budget bounds."""
    sequential = len(cells) * (settings.steps + 1) * max(Ls)
    per_model = 2 if settings.noise == 0 else settings.batch
    return sequential, sequential * len(Ls) * len(seeds) * per_model


def check_budget(Ls: Sequence[int], seeds: Sequence[int], cells: Sequence[str], settings: Settings) -> None:
    """Raise ValueError when a call would exceed the work budget (a few seconds on a 2-core machine)."""
    sequential, elements = work(Ls, seeds, cells, settings)
    if sequential > SEQUENTIAL_BUDGET:
        raise ValueError(
            f"too much work: cells x (steps + 1) x longest L = {len(cells)} x {settings.steps + 1} x {max(Ls)} = "
            f"{sequential:,}, above the budget of {SEQUENTIAL_BUDGET:,} (e.g. 2 cells, 300 steps, L up to 240); "
            "use fewer steps, a shorter longest L or one cell")
    if elements > ELEMENT_BUDGET:
        per = "2 distinct sequences (no noise)" if settings.noise == 0 else f"batch {settings.batch} (with noise)"
        raise ValueError(
            f"too much work: cells x (steps + 1) x longest L x models x sequences = {elements:,} with {per}, "
            f"above the budget of {ELEMENT_BUDGET:,} (e.g. with noise, batch 16: 2 cells, 300 steps, 20 L values up "
            "to 100 x 5 seeds); use fewer L values, seeds, steps or a smaller batch")


# ---------------------------------------------------------------- validation

def _whole(name: str, value, low: int, high: int) -> int:
    ok = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if not ok or not low <= value <= high:
        raise ValueError(f"{name}={value!r} is out of range; allowed whole numbers {low} to {high:,}")
    return int(value)


def _number(name: str, value, low: float, high: float = math.inf, *, above_low: bool = False,
            none_ok: bool = False) -> None:
    """A finite real in [low, high] (or (low, high] when above_low), else a ValueError saying so in words."""
    if none_ok and value is None:
        return
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
    if ok and (value > low if above_low else value >= low) and value <= high:
        return
    words = f"a finite number {'>' if above_low else '>='} {low:g}" + (f" and <= {high:g}" if high < math.inf else "")
    raise ValueError(f"{name}={value!r} is not allowed; use {'None or ' if none_ok else ''}{words}")


def _choice(name: str, value, allowed: tuple[str, ...], why: str = "") -> None:
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{name}={value!r} is unknown; choose one of {', '.join(allowed)}{why}")


def _check_lists(Ls, seeds, cells, on_progress) -> tuple[list[int], list[int], list[str]]:
    def as_list(name, values):
        if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
            raise ValueError(f"{name}={values!r} must be a list")
        values = list(values)
        if not values:
            raise ValueError(f"{name} is empty; give at least one value")
        if len(set(values)) != len(values):
            raise ValueError(f"{name}={values!r} has duplicates; give each value once")
        return values

    Ls = [_whole("L", L, 1, L_MAX) for L in as_list("Ls", Ls)]
    seeds = [_whole("seed", seed, 0, SEED_MAX) for seed in as_list("seeds", seeds)]
    if len(seeds) > MAX_SEEDS:
        raise ValueError(f"{len(seeds)} seeds is too many; allowed 1 to {MAX_SEEDS}")
    cells = as_list("cells", cells)
    for cell in cells:
        _choice("cell", cell, CELLS)
    if on_progress is not None and not callable(on_progress):
        raise ValueError(f"on_progress={on_progress!r} must be None or a function on_progress(done, total)")
    return Ls, seeds, cells
