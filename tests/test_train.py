"""train(): plain SGD with clipping; the two presets do what their descriptions say."""
import math

import numpy as np
import pandas as pd
import pytest
import torch

from tinyrnn import Config, run
from tinyrnn.core import witnesses as analysis
from tinyrnn.core.landscape import landscape
from tinyrnn.core.train import TRAINING_PRESETS as PRESETS
from tinyrnn.core.train import clip_gradient, pascanu_config, suggest_clip, train

STABLE = Config(activation="tanh", wh_init=0.8, L=6, wx=0.2, target=0.5, dtype="float64")


def test_norm_clipping_rescales_to_exactly_the_threshold():
    g = torch.tensor([3.0, -4.0, 12.0], dtype=torch.float64)  # |g| = 13
    out, clipped = clip_gradient(g, 2.5, "norm")
    assert clipped and abs(float(torch.linalg.vector_norm(out)) - 2.5) <= 1e-12
    assert torch.allclose(out / g, torch.full_like(g, 2.5 / 13), rtol=0, atol=1e-15)  # direction kept
    big = torch.tensor([1e150, -3e150], dtype=torch.float64)
    assert abs(float(torch.linalg.vector_norm(clip_gradient(big, 7.0)[0])) - 7.0) <= 1e-12


def test_value_clipping_clamps_each_component_and_nothing_below_threshold():
    g = torch.tensor([0.5, -7.0, 3.0], dtype=torch.float32)
    out, clipped = clip_gradient(g, 1.0, "value")
    assert clipped and out.tolist() == [0.5, -1.0, 1.0] and out.dtype == torch.float32
    for mode in ("norm", "value"):
        same, clipped = clip_gradient(g, 100.0, mode)
        assert not clipped and torch.equal(same, g)
    assert clip_gradient(g, None)[1] is False
    nan = torch.tensor([float("nan"), 1e9])
    assert clip_gradient(nan, 1.0)[1] is False  # a non-finite gradient passes unchanged (train stops on it)


def test_row_zero_is_run_and_each_row_is_one_sgd_step():
    df = train(STABLE, steps=3, lr=0.1, params=("h_init", "wh", "wy", "wx"))
    assert list(df.columns) == ["step", "loss", "grad_norm", "clipped", "h_init", "wh", "wy", "wx"]
    assert df.step.tolist() == [0, 1, 2, 3] and df.clipped.dtype == bool
    for k in range(3):
        cfg = STABLE.replace(h_init=df.h_init[k], wh_init=df.wh[k], wy=df.wy[k], wx=df.wx[k])
        r = run(cfg)
        assert df.loss[k] == r.loss
        assert df.grad_norm[k] == pytest.approx(math.hypot(*r.grads.values()), rel=1e-14)
        for p, field in (("h_init", "h_init"), ("wh", "wh_init"), ("wy", "wy"), ("wx", "wx")):
            assert df[p][k + 1] == pytest.approx(getattr(cfg, field) - 0.1 * r.grads[p], rel=1e-14)


def test_offset_loss_is_the_seeds_and_untrained_params_stay_put():
    df = train(Config(wh_init=0.9, L=4, offset=2.0, dtype="float64"), steps=5, lr=0.01, params=("wh",))
    assert list(df.columns) == ["step", "loss", "grad_norm", "clipped", "wh"]
    assert np.allclose(df.loss, 4.0, rtol=1e-12)  # MSE(y, y.detach() - offset) = offset^2 at every step
    assert (np.diff(df.wh) < 0).all()  # grad = 2*offset*dy/dwh > 0 pushes wh down


def test_exploding_preset_dies_without_clipping_and_converges_with_it():
    preset = PRESETS["Exploding TinyRNN"]
    cfg, kw = preset["config"], preset["train"]
    assert (cfg.activation, cfg.wh_init, cfg.L, cfg.target) == ("leaky_relu", 1.5, 10, 1.0)
    assert (kw["lr"], kw["clip"], kw["clip_mode"]) == (0.005, 10.0, "norm")
    plain = train(cfg, **{**kw, "clip": None})
    assert len(plain) == 3  # stopped at the first non-finite loss, which the last row keeps
    assert plain.loss[0] == pytest.approx(3210.93, rel=1e-5) and plain.grad_norm[0] == pytest.approx(44537.38, rel=1e-6)
    assert plain.wh[1] == pytest.approx(-216.34, rel=1e-5) and plain.loss[1] > 5e32
    assert np.isinf(plain.loss.iloc[-1])
    clipped = train(cfg, **kw)
    assert len(clipped) == 101 and clipped.clipped[:-1].sum() == 10 and clipped.clipped[:10].all()
    assert clipped.loss.iloc[-1] < 1e-30 and clipped.loss[12] < 1e-6
    relu = train(cfg.replace(activation="relu"), **{**kw, "clip": None, "steps": 5})  # why not relu: it dies
    assert (relu.loss[1:] == 1.0).all() and (relu.grad_norm[1:] == 0.0).all()


def test_pascanu_config_is_pascanus_model_and_its_gradient_is_right():
    cfg = pascanu_config()  # (w, b) = (5, -2), float64
    assert cfg.h_init == 1 / (1 + math.exp(-0.5)) and (cfg.L, cfg.target, cfg.activation) == (50, 0.7, "sigmoid")

    def energy(w, b):  # Pascanu et al. 2013, section 3.1, written their way: x_t = w*sigmoid(x_{t-1}) + b
        sig, x = lambda v: 1 / (1 + math.exp(-v)), 0.5
        for _ in range(50):
            x = w * sig(x) + b
        return (sig(x) - 0.7) ** 2

    r, eps = run(cfg), 1e-6
    fd_w = (energy(5 + eps, -2) - energy(5 - eps, -2)) / (2 * eps)
    fd_b = (energy(5, -2 + eps) - energy(5, -2 - eps)) / (2 * eps)
    assert r.loss == pytest.approx(energy(5, -2), rel=1e-12)
    assert r.grads["wh"] == pytest.approx(fd_w, rel=1e-6) and r.grads["wx"] == pytest.approx(fd_b, rel=1e-6)
    fd = analysis.finite_difference(cfg)
    cell = landscape(cfg, "wh", "wx", [5.0], [-2.0]).iloc[0]
    assert cell.grad_x == pytest.approx(fd["wh"], rel=1e-6) and cell.grad_y == pytest.approx(fd["wx"], rel=1e-6)
    assert cell.loss == pytest.approx(r.loss, rel=1e-12) and cell.grad_x == pytest.approx(r.grads["wh"], rel=1e-10)
    row = train(cfg, steps=1, lr=0.1, params=("wh", "wx")).iloc[0]
    assert row.loss == r.loss and row.grad_norm == pytest.approx(math.hypot(r.grads["wh"], r.grads["wx"]), rel=1e-14)


def test_pascanu_preset_jumps_the_cliff_without_clipping():
    preset = PRESETS["Pascanu's cliff"]
    cfg, kw = preset["config"], preset["train"]
    plain = train(cfg, **{**kw, "clip": None, "steps": 120})
    assert cfg.h_init == 0.7  # a start a link carries exactly
    assert plain.loss[0] == pytest.approx(0.4803, abs=1e-4) and plain.grad_norm[:104].max() < 0.25
    assert plain.grad_norm[103] == pytest.approx(0.128, abs=1e-3)
    assert plain.grad_norm[104] == pytest.approx(197.28, rel=1e-4)  # the wall of the cliff
    assert (plain.wh[105], plain.wx[105]) == pytest.approx((117.95, 159.09), rel=1e-4)  # thrown far away
    assert (plain.loss[105:] == plain.loss[120]).all() and plain.loss[120] == pytest.approx(0.09)
    assert (plain.grad_norm[105:] == 0).all()  # sigmoid saturated: stuck for ever


def test_pascanu_preset_converges_with_clipping():
    preset = PRESETS["Pascanu's cliff"]
    clipped = train(preset["config"], **preset["train"])
    assert clipped.index[clipped.clipped].tolist() == [104]
    assert clipped.loss.iloc[-1] == pytest.approx(6.8e-5, rel=0.01) and clipped.wh.abs().max() < 7
    assert clipped.wx.abs().max() < 6


def test_on_step_called_once_per_row_and_training_is_deterministic():
    calls = []
    df = train(STABLE, steps=4, lr=0.5, clip=0.01, on_step=lambda step, row: calls.append((step, row)))
    assert [s for s, _ in calls] == [0, 1, 2, 3, 4] and calls[2][1] == df.iloc[2].to_dict()
    pd.testing.assert_frame_equal(df, train(STABLE, steps=4, lr=0.5, clip=0.01))
    assert torch.get_default_dtype() == torch.float32  # never touched


def test_value_mode_in_train_and_suggest_clip_rule():
    df = train(STABLE, steps=3, lr=0.1, clip=1e-3, clip_mode="value", params=("wh", "wx"))
    assert df.clipped.all()
    assert df.wh[1] == pytest.approx(STABLE.wh_init - 0.1 * 1e-3 * np.sign(run(STABLE).grads["wh"]), rel=1e-14)
    probe = train(STABLE, steps=5, lr=0.1)
    assert suggest_clip(STABLE, 0.1) == pytest.approx(probe.grad_norm[:5].mean(), rel=1e-15)
    with pytest.raises(ValueError, match="no finite non-zero gradient"):
        suggest_clip(Config(h_init=-1.0, L=3), 0.1)  # relu is off: every gradient is exactly 0
    with pytest.raises(ValueError, match="probe_steps=0"):
        suggest_clip(STABLE, 0.1, probe_steps=0)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_both_dtypes_work(dtype):
    cfg = Config(activation="tanh", wh_init=1.2, L=8, target=0.3, dtype=dtype)
    df = train(cfg, steps=20, lr=0.2, clip=1.0)
    assert df.loss.iloc[-1] < df.loss[0]
    if dtype == "float32":
        assert all(np.float32(v) == v for v in df.wh)  # the values live in float32


@pytest.mark.parametrize("kwargs, message", [
    ({"steps": 0}, "steps=0"), ({"steps": 20001}, "1 to 20000"), ({"steps": 2.5}, "steps=2.5"),
    ({"steps": True}, "steps=True"), ({"lr": 0.0}, "lr=0.0"), ({"lr": float("nan")}, "lr=nan"),
    ({"lr": "1"}, "finite number > 0"), ({"clip": -1.0}, "clip=-1.0"), ({"clip": float("inf")}, "None or a finite"),
    ({"clip_mode": "max"}, "clip_mode='max'.*norm, value"), ({"params": ()}, "non-empty"),
    ({"params": ("wh", "wh")}, "no duplicates"), ({"params": ("wh", "bias")}, "unknown names \\['bias'\\]"),
    ({"params": "wh"}, "must be a list"), ({"on_step": 3}, "on_step=3"),
])
def test_bad_arguments_raise_helpful_errors(kwargs, message):
    args = {"steps": 3, "lr": 0.1, **kwargs}
    with pytest.raises(ValueError, match=message):
        train(STABLE, **args)
    with pytest.raises(ValueError, match="config="):
        train({"wh_init": 1.0}, steps=1, lr=0.1)
