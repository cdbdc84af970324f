"""memory.py: deterministic data, the batched engine against autograd and against training one model alone with
torch.optim, reproducibility, the output tables, what the runs show, and the up-front errors."""
import math

import numpy as np
import pandas as pd
import pytest
import torch

from tinyrnn.core import cells as C
from tinyrnn.core import memory as M

F64 = {"dtype": "float64"}


# ---------------------------------------------------------------- data and starting values

def test_data_is_deterministic_per_seed_and_differs_across_seeds_and_splits():
    x, y = M.memory_batch(12, 64, seed=3)
    x2, y2 = M.memory_batch(12, 64, seed=3)
    assert torch.equal(x, x2) and torch.equal(y, y2)
    assert x.shape == (12, 64) and y.shape == (64,) and x.dtype == torch.float32
    assert set(x[0].tolist()) == {-1.0, 1.0} and torch.equal(y, x[0]) and not x[1:].any()
    others = [M.memory_batch(12, 64, seed=s)[1] for s in range(4, 10)]
    assert all(not torch.equal(y, o) for o in others)
    assert not torch.equal(y, M.memory_batch(12, 64, seed=3, split="test")[1])
    assert torch.equal(y, M.memory_batch(40, 64, seed=3)[1])  # a seed's coins do not depend on L
    assert 0.3 < float((y > 0).double().mean()) < 0.7  # a fair coin, roughly


def test_noise_is_deterministic_gaussian_and_leaves_the_signal_alone():
    x, y = M.memory_batch(50, 200, seed=1, noise=0.5, dtype="float64")
    assert torch.equal(x, M.memory_batch(50, 200, seed=1, noise=0.5, dtype="float64")[0])
    assert not torch.equal(x, M.memory_batch(50, 200, seed=2, noise=0.5, dtype="float64")[0])
    assert torch.equal(x[0], y) and set(y.tolist()) == {-1.0, 1.0}
    assert float(x[1:].std()) == pytest.approx(0.5, rel=0.05) and abs(float(x[1:].mean())) < 0.02


def test_starting_values():
    p = M.initial_params(5)
    assert p == M.initial_params(5) and p != M.initial_params(6)
    assert set(p) == set(M.INIT_ORDER) and all(-1 < v < 1 for v in p.values())
    irnn = M.initial_params(5, "identity")
    assert irnn["wh"] == 1.0 and 0 < abs(irnn["wx"]) < 0.01
    others = [k for k in M.INIT_ORDER if k not in ("wh", "wx")]
    assert [irnn[k] for k in others] == [p[k] for k in others]
    assert M.initial_params(5, gate_bias=-4.0)["bz"] == -4.0
    draws = np.array([list(M.initial_params(s).values()) for s in range(300)])
    assert draws.min() > -1 and draws.max() < 1 and abs(draws.mean()) < 0.05 and draws.std() == pytest.approx(
        1 / math.sqrt(3), rel=0.05)  # U(-1, 1)


def test_both_cells_start_from_the_same_shared_values():
    runs = M.train_memory([4, 9], [0, 7], steps=0).runs
    plain, gru = (runs[runs.cell == c].set_index(["L", "seed"]) for c in M.CELLS)
    for name in ("wh", "wx", "wy", "by"):
        assert (plain[name] == gru[name]).all()
    assert plain[["wz", "uz", "bz"]].isna().all().all() and gru[["wz", "uz", "bz"]].notna().all().all()
    start = M.initial_params(7)
    assert gru.loc[(9, 7), "wh"] == pytest.approx(start["wh"], rel=1e-7)  # float32-rounded


# ---------------------------------------------------------------- the engine against autograd

def _autograd_reference(cell, Ls, seeds, s: M.Settings):
    """Each model alone: its full batch (no merging of equal sequences, no padding), autograd through cells.py."""
    grads, grad_h1 = [], []
    for L, seed in zip(Ls, seeds, strict=True):
        x, y = M.memory_batch(L, s.batch, seed, s.noise, dtype=s.dtype)
        start = M.initial_params(seed, s.init, s.gate_bias)
        leaves = {n: torch.tensor(start[n], dtype=s.torch_dtype, requires_grad=True) for n in M.TRAINED[cell]}
        p = {**leaves, "h_init": torch.zeros((), dtype=s.torch_dtype)}
        gate = [p[n] for n in C.GATE_PARAMS] if cell == "gru" else []
        h, h1 = p["h_init"], None
        for t, x_t in enumerate(x):
            h = C.gru_step(h, x_t, p["wh"], p["wx"], *gate) if cell == "gru" else C.plain_step(
                h, x_t, p["wh"], p["wx"], s.activation)
            if t == 0:
                h1 = h
        loss = torch.nn.functional.mse_loss(C.readout(h, p["wy"], p["by"]), y)
        *g, g1 = torch.autograd.grad(loss, [*leaves.values(), h1])
        grads.append(dict(zip(leaves, g, strict=True)))
        grad_h1.append(float(g1.abs().sum()))
    return grads, grad_h1


@pytest.mark.parametrize("one_model_per_block", [False, True])
@pytest.mark.parametrize("noise", [0.0, 0.3])
@pytest.mark.parametrize("cell, activation", [("plain", "tanh"), ("plain", "relu"), ("gru", "tanh")])
def test_batched_gradients_equal_autograd_per_model(cell, activation, noise, one_model_per_block, monkeypatch):
    if one_model_per_block:  # both passes work on blocks of models: make every model its own block
        monkeypatch.setattr(M, "_SMALL", 1)
        monkeypatch.setattr(M, "_SERIAL", 1)
    s = M.Settings(noise=noise, activation=activation, batch=16, **F64)
    Ls, seeds = [1, 2, 7, 30, 7, 30], [0, 0, 1, 1, 2, 3]
    data = M._stack_data(Ls, seeds, s, "train")
    names = M.TRAINED[cell]
    theta = {n: torch.tensor([M.initial_params(sd)[n] for sd in seeds], dtype=torch.float64) for n in names}
    fw = M._forward(cell, theta, data, activation)
    grads, grad_h1 = M._backward(cell, theta, data, fw, activation)
    ref, ref_h1 = _autograd_reference(cell, Ls, seeds, s)
    for m in range(len(Ls)):
        for n in names:
            assert float(grads[n][m]) == pytest.approx(float(ref[m][n]), rel=1e-11, abs=1e-300), (m, n)
        assert float(grad_h1[m]) == pytest.approx(ref_h1[m], rel=1e-11, abs=1e-300), m


def test_a_short_model_beside_a_long_one_gets_no_nan_from_its_padding():
    """Before its x_1 a short model runs zero steps whose factor is wh * tanh'(0) = wh: 3^120 overflows float32.

    The backward pass stops there (factor 0), so no inf meets the exact zeros of the padding (0 * inf = NaN).
    """
    s = M.Settings(batch=8)
    Ls, seeds = [1, 121], [0, 1]
    data = M._stack_data(Ls, seeds, s, "train")
    theta = {n: torch.tensor([v, v]) for n, v in {"wh": 3.0, "wx": 0.5, "wy": 1.0, "by": 0.1}.items()}
    fw = M._forward("plain", theta, data, "tanh")
    grads, grad_h1 = M._backward("plain", theta, data, fw, "tanh")
    assert all(bool(torch.isfinite(g[0])) for g in grads.values()) and bool(torch.isfinite(grad_h1[0]))
    alone = M._stack_data([1], [0], s, "train")
    one = {n: v[:1] for n, v in theta.items()}
    ref, _ = M._backward("plain", one, alone, M._forward("plain", one, alone, "tanh"), "tanh")
    for n in grads:
        assert float(grads[n][0]) == pytest.approx(float(ref[n][0]), rel=1e-6), n


def _torch_optim_reference(cell, L, seed, s: M.Settings):
    """One model trained the textbook way: autograd, torch.optim, torch's own norm clipping, the full batch."""
    x, y = M.memory_batch(L, s.batch, seed, s.noise, dtype=s.dtype)
    start = M.initial_params(seed, s.init, s.gate_bias)
    leaves = [torch.tensor(start[n], dtype=s.torch_dtype, requires_grad=True) for n in M.TRAINED[cell]]
    opt = torch.optim.Adam(leaves, lr=s.lr) if s.optimizer == "adam" else torch.optim.SGD(leaves, lr=s.lr)
    values = dict(zip(M.TRAINED[cell], leaves, strict=True))
    values["h_init"] = torch.zeros((), dtype=s.torch_dtype)
    losses = []
    for step in range(s.steps + 1):
        hs = C.run_sequence(cell, x, values, s.activation if cell == "plain" else None)  # the task's gru: tanh
        loss = torch.nn.functional.mse_loss(C.readout(hs[-1], values["wy"], values["by"]), y)
        losses.append(loss.item())
        if step == s.steps:
            break
        opt.zero_grad()
        loss.backward()
        if s.clip is not None:
            norm = torch.linalg.vector_norm(torch.stack([p.grad for p in leaves]))
            if norm > s.clip:
                for p in leaves:
                    p.grad *= s.clip / norm
        opt.step()
    return losses, {n: v.item() for n, v in values.items() if n != "h_init"}


@pytest.mark.parametrize("cell", M.CELLS)
@pytest.mark.parametrize("settings", [
    {"optimizer": "adam", "lr": 0.05}, {"optimizer": "sgd", "lr": 0.3, "clip": 0.5},
    {"optimizer": "adam", "lr": 0.02, "noise": 0.2, "batch": 8, "activation": "relu", "init": "identity"},
])
def test_training_equals_one_model_trained_with_torch_optim(cell, settings):
    s = M.Settings(steps=40, **settings, **F64)
    out = M.train_memory([3, 25], [0, 4], cells=[cell], curves=True, **s.as_dict())
    for L, seed in [(3, 4), (25, 0)]:
        losses, final = _torch_optim_reference(cell, L, seed, s)
        curve = out.curves[(out.curves.L == L) & (out.curves.seed == seed)]
        assert curve["step"].tolist() == list(range(41))
        np.testing.assert_allclose(curve["loss"].to_numpy(), losses, rtol=1e-9, atol=1e-15)
        row = out.runs[(out.runs.L == L) & (out.runs.seed == seed)].iloc[0]
        for n, v in final.items():
            assert row[n] == pytest.approx(v, rel=1e-9, abs=1e-12), n


@pytest.mark.parametrize("dtype, rtol", [("float64", 1e-12), ("float32", 1e-4)])
def test_batched_training_equals_training_each_model_alone(dtype, rtol, monkeypatch):
    monkeypatch.setattr(M, "_SMALL", 5)  # several blocks of models in the forward pass and in Adam's square roots
    Ls, seeds = [1, 6, 35], [0, 1, 2]
    kw = {"steps": 60, "dtype": dtype, "curves": True}
    together = M.train_memory(Ls, seeds, **kw)
    for L in Ls:
        for seed in seeds:
            alone = M.train_memory([L], [seed], **kw)
            for frame, key in ((together.runs, ["cell"]), (together.curves, ["cell", "step"])):
                part = frame[(frame.L == L) & (frame.seed == seed)].sort_values(key).reset_index(drop=True)
                mine = (alone.runs if frame is together.runs else alone.curves).sort_values(key).reset_index(drop=True)
                numeric = [c for c in part.columns if part[c].dtype.kind == "f"]
                np.testing.assert_allclose(part[numeric].to_numpy(), mine[numeric].to_numpy(), rtol=rtol, atol=1e-7)
                assert (part["success"] == mine["success"]).all() if "success" in part else True


def test_same_seed_same_numbers():
    kw = {"Ls": [2, 15], "seeds": [0, 5], "steps": 50, "curves": True, "noise": 0.1, "clip": 1.0}
    a, b = M.train_memory(**kw), M.train_memory(**kw)
    pd.testing.assert_frame_equal(a.runs, b.runs)
    pd.testing.assert_frame_equal(a.curves, b.curves)
    c = M.train_memory(**{**kw, "seeds": [1, 5]})
    assert not np.allclose(a.runs[a.runs.seed == 0].test_mse, c.runs[c.runs.seed == 1].test_mse)


def test_a_diverging_model_freezes_and_fails_without_touching_the_others():
    # relu from the identity start (wh = 1) with a big SGD step: at L = 200 one model of 8 overflows float64
    kw = {"cells": ["plain"], "activation": "relu", "init": "identity", "optimizer": "sgd", "lr": 10.0, "steps": 20,
          "dtype": "float64"}
    runs = M.train_memory([200], range(8), **kw).runs
    assert runs["diverged"].any() and not runs["diverged"].all()
    assert not runs.loc[runs.diverged, "success"].any()
    assert np.isfinite(runs.loc[runs.diverged, ["wh", "wx", "wy", "by"]].to_numpy()).all()  # frozen where it broke
    kept = runs[~runs.diverged].iloc[0]
    alone = M.train_memory([200], [int(kept.seed)], **kw).runs.iloc[0]
    assert alone["test_mse"] == pytest.approx(kept["test_mse"], rel=1e-9) and alone["wh"] == pytest.approx(kept["wh"])


# ---------------------------------------------------------------- outputs

def test_tables_have_the_promised_shape():
    curves = M.loss_curves(12, [0, 1], steps=30)
    assert list(curves.columns) == ["cell", "L", "seed", "step", "loss"]
    assert len(curves) == 2 * 2 * 31 and curves.groupby(["cell", "seed"]).size().eq(31).all()
    assert list(dict.fromkeys(curves.cell)) == list(M.CELLS)
    rates = M.success_rate([3, 1, 8], range(4), steps=30)
    assert list(rates.columns) == ["cell", "L", "rate", "successes", "seeds", "threshold"]
    assert rates["L"].tolist() == [1, 3, 8, 1, 3, 8] and (rates.seeds == 4).all()
    assert (rates.threshold == M.SUCCESS_MSE).all() and rates.rate.between(0, 1).all()
    assert (rates.rate == rates.successes / rates.seeds).all()
    grads = M.gradient_at_init([1, 10, 40], range(3))
    assert list(grads.columns) == ["cell", "L", "grad_h1", "grad_h1_min", "grad_h1_max", "seeds"]
    assert (grads.grad_h1_min <= grads.grad_h1).all() and (grads.grad_h1 <= grads.grad_h1_max).all()


def test_success_is_the_test_mse_below_the_threshold():
    runs = M.train_memory([1, 30], range(6), steps=200).runs
    assert (runs.success == ((runs.test_mse < M.SUCCESS_MSE) & ~runs.diverged)).all()
    assert runs[runs.L == 1].success.all()  # L = 1 is a copy: every start learns it


def test_progress_is_reported_and_ends_at_total():
    calls = []
    M.train_memory([5, 9], [0], steps=250, on_progress=lambda done, total: calls.append((done, total)))
    total = 2 * 250
    assert calls[-1] == (total, total) and all(t == total for _, t in calls)
    done = [d for d, _ in calls]
    assert done == sorted(done) and len(set(done)) == len(done) and 10 <= len(calls) <= 102


# ---------------------------------------------------------------- what the runs show (measured, not tuned)

def test_plain_gradient_at_h1_vanishes_with_L_and_the_gated_one_less_fast():
    g = M.gradient_at_init([1, 5, 10, 30, 50, 100], range(20), dtype="float64").pivot(
        index="L", columns="cell", values="grad_h1")
    assert (g["plain"].diff().dropna() < 0).all() and (g["gru"].diff().dropna() < 0).all()
    assert g.loc[100, "plain"] < 1e-18 * g.loc[1, "plain"]  # measured 3e-20 / 0.79
    ratio = g["gru"] / g["plain"]
    assert (ratio.diff().dropna() > 0).all() and ratio.loc[100] > 1000  # measured 2.4 at L = 10, 7000 at L = 100


def test_plain_tanh_successes_at_long_L_are_latches_with_wh_beyond_one():
    """Bengio et al. 1994: tanh(wh*h) has two attractors when wh > 1 (a two-cycle when wh < -1)."""
    runs = M.train_memory([60, 100], range(20), cells=["plain"]).runs
    won = runs[runs.success]
    assert len(won) > 0 and (won.wh.abs() > 1).all()


# ---------------------------------------------------------------- errors up front

@pytest.mark.parametrize("kwargs, message", [
    ({"Ls": [0]}, r"L=0 is out of range; allowed whole numbers 1 to 1,000"),
    ({"Ls": [5.5]}, r"L=5.5 is out of range"),
    ({"Ls": []}, r"Ls is empty"),
    ({"Ls": [3, 3]}, r"has duplicates"),
    ({"Ls": "10"}, r"must be a list"),
    ({"seeds": [-1]}, r"seed=-1 is out of range; allowed whole numbers 0 to"),
    ({"seeds": range(101)}, r"101 seeds is too many; allowed 1 to 100"),
    ({"steps": -1}, r"steps=-1 is out of range; allowed whole numbers 0 to 5,000"),
    ({"steps": True}, r"steps=True is out of range"),
    ({"lr": 0.0}, r"lr=0.0 is not allowed; use a finite number > 0"),
    ({"lr": float("nan")}, r"lr=nan is not allowed"),
    ({"clip": -1.0}, r"clip=-1.0 is not allowed; use None or a finite number > 0"),
    ({"optimizer": "rmsprop"}, r"optimizer='rmsprop' is unknown; choose one of adam, sgd"),
    ({"cells": ["plain", "lstm"]}, r"cell='lstm' is unknown; choose one of plain, gru"),
    ({"activation": "sigmoid"}, r"activation='sigmoid' is unknown; choose one of tanh, relu.*act\(0\) = 0"),
    ({"init": "xavier"}, r"init='xavier' is unknown; choose one of pytorch, identity"),
    ({"batch": 0}, r"batch=0 is out of range; allowed whole numbers 1 to 1,024"),
    ({"noise": -0.1}, r"noise=-0.1 is not allowed; use a finite number >= 0 and <= 10"),
    ({"gate_bias": 50.0}, r"gate_bias=50.0 is not allowed; use None or a finite number >= -20 and <= 20"),
    ({"dtype": "float16"}, r"dtype='float16' is unknown; choose one of float32, float64"),
    ({"on_progress": 3}, r"on_progress=3 must be None or a function"),
    ({"Ls": [1000], "steps": 200}, r"too much work: cells x \(steps \+ 1\) x longest L = 2 x 201 x 1000 = 402,000, "
                                   r"above the budget of 150,000"),
    ({"Ls": range(1, 101), "seeds": range(100), "steps": 300, "noise": 0.1},
     r"too much work: .* with batch 64 \(with noise\), above the budget of 150,000,000"),
])
def test_bad_arguments_raise_clear_errors_before_any_work(kwargs, message):
    args = {"Ls": [5], "seeds": [0], **kwargs}
    with pytest.raises(ValueError, match=message):
        M.train_memory(**args)


def test_data_arguments_are_checked():
    with pytest.raises(ValueError, match="split='validation' is unknown; choose one of train, test"):
        M.memory_batch(5, split="validation")
    with pytest.raises(ValueError, match="L=1001 is out of range"):
        M.memory_batch(1001)
    with pytest.raises(ValueError, match="init='zeros' is unknown"):
        M.initial_params(0, "zeros")
