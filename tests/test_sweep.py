"""sweep() agrees with run() on every cell: bit for bit where it replays autograd, closely by tangents."""
import numpy as np
import pandas as pd
import pytest

from tinyrnn import ACTIVATION_NAMES, PARAMS, Config, run
from tinyrnn.core.sweep import sweep, sweep_arrays

WH = [-2.0, -0.7, 0.1, 0.5, 0.99, 1.0, 1.3, 3.0, 10.0]


def test_seed_grid_bit_for_bit_including_the_float32_zero():
    df = sweep(Config(), [0.1, 1.0, 10.0], 10)
    assert len(df) == 3 * 10 * 3 and list(df.columns) == ["wh_init", "L", "param", "grad"]
    for wh in (0.1, 1.0, 10.0):
        for L in (1, 2, 3, 4, 5, 10):
            r = run(Config(wh_init=wh, L=L))
            cell = df[(df.wh_init == wh) & (df.L == L)].set_index("param").grad
            for p in ("h_init", "wh", "wy"):
                assert np.float32(cell[p]).tobytes() == np.float32(r.grads[p]).tobytes(), (wh, L, p)
    zero = df[(df.wh_init == 10.0) & (df.L == 10)].grad
    assert (zero == 0.0).all()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_both_methods_agree_with_run_for_every_activation(activation, dtype):
    cfg = Config(activation=activation, dtype=dtype, wx=0.25, wy=0.8, h_init=0.6)
    rev = sweep_arrays(cfg, WH, 14, method="reverse")
    fwd = sweep_arrays(cfg, WH, 14, method="forward")
    tol = 1e-5 if dtype == "float32" else 1e-12
    for i, wh in enumerate(WH):
        for L in range(1, 15):
            r = run(cfg.replace(wh_init=wh, L=L))
            for p in PARAMS:
                want = r.grads[p]
                # sigmoid's vectorised kernel rounds 1 ulp apart from the scalar one run() uses
                exact = activation != "sigmoid"
                if exact:
                    assert rev[p][i, L - 1] == np.asarray(want, dtype=rev[p].dtype), (wh, L, p)
                # tangents sum in another order: compare on the scale of the cell's biggest gradient
                scale = max(abs(r.grads[q]) for q in PARAMS) or 1.0
                for got in (fwd[p][i, L - 1], rev[p][i, L - 1]):
                    assert abs(got - want) <= tol * scale, (wh, L, p, got, want)
            assert rev["loss"][i, L - 1] == pytest.approx(r.loss, rel=tol)
            assert rev["h"][i, L - 1] == pytest.approx(r.hidden[-1], rel=tol)


def test_fixed_target_and_offset_are_honoured():
    for cfg in (Config(target=0.5, activation="tanh"), Config(offset=-3.0)):
        arr = sweep_arrays(cfg, [0.8, 1.7], 6)
        for i, wh in enumerate((0.8, 1.7)):
            r = run(cfg.replace(wh_init=wh, L=6))
            assert arr["wy"][i, 5] == np.float32(r.grads["wy"])


def test_non_finite_cells_are_kept_not_dropped():
    df = sweep(Config(), [10.0, 100.0], 50)
    assert len(df) == 2 * 50 * 3
    assert df.grad.isna().any() or np.isinf(df.grad).any()


def test_log10_gain_is_the_sum_of_log_factors():
    arr = sweep_arrays(Config(dtype="float64"), [0.5, 2.0], 30)
    np.testing.assert_allclose(arr["log10_gain"][:, -1], [30 * np.log10(0.5), 30 * np.log10(2.0)])


def test_long_form_layout_and_dtypes():
    df = sweep(Config(), np.array([0.5, 2.0]), 3, params=("wh", "wx"))
    assert isinstance(df.param.dtype, pd.CategoricalDtype)
    assert df.param.tolist() == ["wh"] * 6 + ["wx"] * 6
    assert df.wh_init.tolist()[:6] == [0.5, 0.5, 0.5, 2.0, 2.0, 2.0] and df.L.tolist()[:6] == [1, 2, 3, 1, 2, 3]


@pytest.mark.parametrize("kwargs, message", [
    ({"L_max": 0}, "L_max=0"), ({"L_max": 10**6}, "out of range"),
    ({"wh_values": [1.0, float("nan")]}, "finite"), ({"wh_values": []}, "non-empty"),
    ({"params": ("wz",)}, "unknown"), ({"method": "magic"}, "method='magic'"),
])
def test_bad_arguments(kwargs, message):
    args = {"config": Config(), "wh_values": [1.0], "L_max": 3, **kwargs}
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        sweep(**args)


@pytest.mark.parametrize("activation", ["relu", "identity", "tanh"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_methods_agree_where_values_overflow_or_cancel(activation, dtype):
    # Long chains and big |wh|: the tangent dh_L/dwh ~ L wh^(L-1) outgrows h_L; a cancelled cell must stay an
    # exact 0 (not 0 * inf = NaN) and overflow must be overflow in both methods.
    cfg = Config(activation=activation, dtype=dtype)
    wh = np.linspace(-12, 12, 25)
    fwd, rev = sweep_arrays(cfg, wh, 300, "forward"), sweep_arrays(cfg, wh, 300, "reverse")
    for p in PARAMS:
        f, r = fwd[p].astype(np.float64), rev[p].astype(np.float64)
        np.testing.assert_array_equal(np.isfinite(f), np.isfinite(r), err_msg=p)
        tiny = np.finfo(rev[p].dtype).tiny  # below it both are subnormal rounding of the same tiny number
        both = np.isfinite(f) & (np.abs(r) > tiny)
        np.testing.assert_allclose(f[both], r[both], rtol=1e-4 if dtype == "float32" else 1e-10, err_msg=p)
        assert (np.abs(f[r == 0]) <= tiny).all(), p  # an exact 0 is at most subnormal dust, never NaN
