"""landscape() agrees with run() cell by cell, for every pair of parameters, with and without a fixed target."""
import itertools

import numpy as np
import pytest

from tinyrnn import Config, run
from tinyrnn.core.config import PARAM_FIELDS as FIELDS
from tinyrnn.core.config import PARAMS
from tinyrnn.core.landscape import landscape

PAIRS = list(itertools.permutations(PARAMS, 2))
XS, YS = [-1.3, 0.4, 1.1], [-0.5, 0.8]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("target", [None, 0.7])
@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "leaky_relu", "identity"])
def test_every_cell_of_every_pair_agrees_with_run(activation, target, dtype):
    cfg = Config(activation=activation, L=7, wx=0.2, wy=0.9, h_init=0.6, wh_init=0.9, target=target, dtype=dtype)
    tol = 1e-5 if dtype == "float32" else 1e-12
    for x, y in PAIRS:
        df = landscape(cfg, x, y, XS, YS)
        assert len(df) == 6 and list(df.columns) == ["x", "y", "loss", "grad_x", "grad_y"]
        assert df.x.tolist() == XS * 2 and df.y.tolist() == [YS[0]] * 3 + [YS[1]] * 3  # x varies fastest
        for cell in df.iloc[[0, 4]].itertuples():  # two sampled cells per pair keep the test fast
            r = run(cfg.replace(**{FIELDS[x]: cell.x, FIELDS[y]: cell.y}))
            scale = max(1.0, *(abs(g) for g in r.grads.values()))
            assert abs(cell.loss - r.loss) <= tol * max(1.0, r.loss), (x, y, cell)
            assert abs(cell.grad_x - r.grads[x]) <= tol * scale, (x, y, cell)
            assert abs(cell.grad_y - r.grads[y]) <= tol * scale, (x, y, cell)


def test_offset_mode_is_flat_and_its_gradient_is_two_offset_dy():
    cfg = Config(activation="tanh", L=5, offset=1.5, dtype="float64")
    df = landscape(cfg, "wh", "wy", np.linspace(-2, 2, 9), np.linspace(-1, 1, 5))
    assert np.allclose(df.loss, 2.25, rtol=1e-12)  # offset^2 everywhere: not a useful landscape
    h_L = np.array([run(cfg.replace(wh_init=x, wy=y)).hidden[-1] for x, y in zip(df.x, df.y, strict=True)])
    assert np.allclose(df.grad_y, 2 * 1.5 * h_L, rtol=1e-12)  # dy_L/dwy = h_L


def test_pascanu_cliff_is_visible_in_a_fixed_target_landscape():
    from tinyrnn.core.train import pascanu_config

    df = landscape(pascanu_config(), "wh", "wx", np.linspace(4.0, 6.0, 201), [-2.5])
    jump = np.abs(np.diff(df.loss)).max()
    assert jump > 0.25  # the loss drops from ~0.32 to ~0.001 between two grid points 0.01 apart


def test_non_finite_cells_are_kept():
    cfg = Config(L=200, target=1.0)  # relu, float32: wh = 10 overflows, wh = 0.5 does not
    df = landscape(cfg, "wh", "h_init", [0.5, 10.0, 100.0], [1.0, 2.0])
    assert len(df) == 6
    finite = np.isfinite(df.loss.to_numpy())
    assert finite.tolist() == [True, False, False] * 2
    for cell in df.itertuples():
        r = run(cfg.replace(wh_init=cell.x, h_init=cell.y))
        assert np.isfinite(cell.loss) == np.isfinite(r.loss) and np.isfinite(cell.grad_x) == np.isfinite(r.grads["wh"])


def test_a_big_grid_is_one_row_per_cell():
    cfg = Config(activation="tanh", L=100, target=0.2)
    df = landscape(cfg, "wh", "wx", np.linspace(-3, 3, 200), np.linspace(-1, 1, 100))
    assert len(df) == 20000 and df.loss.dtype == np.float64 and np.isfinite(df.grad_x).all()
    r = run(cfg.replace(wh_init=df.x[12345], wx=df.y[12345]))
    assert df.grad_x[12345] == pytest.approx(r.grads["wh"], rel=1e-4, abs=1e-6)


@pytest.mark.parametrize("args, message", [
    (("bias", "wh", XS, YS), "x='bias' is not a parameter"),
    (("wh", "wh", XS, YS), "both 'wh'"),
    (("wh", "wy", [], YS), "x_values must be a non-empty"),
    (("wh", "wy", XS, [1.0, float("nan")]), "y_values must be a non-empty"),
    (("wh", "wy", [[1.0, 2.0]], YS), "1-D"),
    (("wh", "wy", ["a"], YS), "x_values=\\['a'\\]"),
    (("wh", "wy", np.zeros(1001), np.zeros(1000)), "too big"),
])
def test_bad_arguments_raise(args, message):
    with pytest.raises(ValueError, match=message):
        landscape(Config(), *args)
