"""The gated cell in the lab's engine: autograd against float64 finite differences for every parameter, the sweep
and the landscape against run(), its factors and diagnosis against independent numbers."""
import numpy as np
import pytest
import torch

from tinyrnn.core import cells
from tinyrnn.core.analysis import dynamics, fixed_point
from tinyrnn.core.config import Config
from tinyrnn.core.diagnosis import diagnose
from tinyrnn.core.engine import run
from tinyrnn.core.landscape import landscape
from tinyrnn.core.names import ACTIVATION_NAMES, CELL_PARAMS
from tinyrnn.core.phase import gradient_lines, phase_diagram
from tinyrnn.core.report import Report
from tinyrnn.core.sweep import sweep_arrays
from tinyrnn.core.train import train
from tinyrnn.core.witnesses import finite_difference, witnesses

BASE = dict(cell="gru", wh_init=0.5, bz=-1.0, wz=0.7, uz=-0.3, h_init=0.8, wx=0.2, target=2.0)
GATES = [dict(bz=-4.0), dict(bz=0.0), dict(bz=3.0, wz=-1.5, uz=0.8)]  # shut, half open, open and moving


def _fd64(cfg: Config) -> dict:
    """Central differences of the float64 loss itself, with its own step: independent of witnesses.py's code."""
    out = {}
    base = cfg.replace(dtype="float64")
    for p in cfg.params:
        v = base.value_of(p)
        eps = 1e-6 * max(1.0, abs(v))
        up, down = run(base.with_values(**{p: v + eps})), run(base.with_values(**{p: v - eps}))
        out[p] = (up.loss - down.loss) / (2 * eps)
    return out


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
@pytest.mark.parametrize("gate", GATES)
@pytest.mark.parametrize("L", [1, 7, 30])
def test_every_gated_gradient_matches_float64_finite_differences(dtype, activation, gate, L):
    cfg = Config(**{**BASE, **gate}, activation=activation, L=L, dtype=dtype)
    result = run(cfg)
    assert set(result.grads) == set(CELL_PARAMS["gru"])
    fd = _fd64(cfg)
    scale = max(abs(v) for v in fd.values())
    rtol = 2e-3 if dtype == "float32" else 1e-5
    for p, auto in result.grads.items():
        assert auto == pytest.approx(fd[p], rel=rtol, abs=rtol * 1e-2 * scale), p
    table = witnesses(result)
    assert (table.agree != "no").all(), table
    assert table.closed_form.isna().all()  # the gate is a sigmoid at every step: no closed form is claimed


def test_the_witness_differences_the_gated_cell_itself():
    cfg = Config(**BASE, activation="tanh", L=12, dtype="float64")
    fd = finite_difference(cfg)
    assert set(fd) == set(CELL_PARAMS["gru"])
    assert fd["bz"] == pytest.approx(run(cfg).grads["bz"], rel=1e-6)


def test_the_model_is_the_cells_step_function():
    cfg = Config(**BASE, activation="tanh", L=25, dtype="float32")
    result = run(cfg)
    values = {p: torch.tensor(cfg.value_of(p), dtype=torch.float32) for p in cfg.params}
    hs = cells.run_sequence("gru", torch.ones(25), values, "tanh")
    np.testing.assert_array_equal(result.hidden, hs.numpy())  # bit for bit
    z = torch.sigmoid(values["wz"] * hs[:-1] + values["uz"] + values["bz"])
    np.testing.assert_array_equal(result.gates, z.numpy())


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
@pytest.mark.parametrize("over, values", [("wh", [-3.0, -1.0, 0.5, 2.0, 4.0]), ("bz", [-6.0, -2.0, 0.0, 2.5])])
def test_sweep_equals_run_for_the_gated_cell(dtype, activation, over, values):
    cfg = Config(**BASE, activation=activation, L=1, dtype=dtype)
    L_max = 40
    arrays = sweep_arrays(cfg, values, L_max, over=over)
    eps = np.finfo(dtype).eps
    for i, v in enumerate(values):
        for L in (1, 2, 5, 17, 40):
            r = run(cfg.replace(L=L).with_values(**{over: v}))
            # the forward pass is run()'s own, bit for bit
            assert arrays["h"][i, L - 1] == r.hidden[-1] and arrays["loss"][i, L - 1] == r.loss
            # each gradient sums L terms of size up to |dL/dh_L| in another order than autograd: a few roundings
            up = abs(2 * (r.y_last - r.target) * cfg.wy)
            for p in cfg.params:
                got, want = float(arrays[p][i, L - 1]), r.grads[p]
                if not (np.isfinite(want) and np.isfinite(up)) or want == 0:  # special values: the same one
                    assert got == want or (np.isnan(got) and np.isnan(want)), (p, v, L, got, want)
                else:
                    assert abs(got - want) <= 16 * eps * (abs(want) + L * up), (p, v, L, got, want)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_where_the_gated_cell_overflows_the_sweep_gives_runs_special_values(dtype):
    # relu candidate, wh up to 12: h grows about wh/2 per step, so the state, the loss and the gradients overflow
    cfg = Config(cell="gru", wh_init=1.0, L=1, target=2.0, dtype=dtype)
    whs = [2.0, 6.0, 12.0]
    L_max = 300 if dtype == "float32" else 1100
    arrays = sweep_arrays(cfg, whs, L_max)
    seen = set()
    for i, wh in enumerate(whs):
        for L in range(1, L_max + 1, 7 if dtype == "float32" else 31):
            r = run(cfg.replace(L=L).with_values(wh=wh))
            for p in cfg.params:
                got, want = float(arrays[p][i, L - 1]), r.grads[p]
                if not np.isfinite(want) or want == 0:
                    seen.add("NaN" if np.isnan(want) else str(want))
                    assert got == want or (np.isnan(got) and np.isnan(want)), (p, wh, L, got, want)
    assert {"NaN", "inf"} <= seen or {"NaN", "-inf"} <= seen  # the test reached both kinds


def test_sweep_statuses_name_the_exact_zeros_of_the_gate():
    # relu with wh = 1, wx = 0 and h_0 = 1: the candidate equals the state at every step, so the gate chooses
    # between equal values and its three gradients are 0 in exact math
    cfg = Config(cell="gru", L=6)
    lines = gradient_lines(cfg, [1.0], 6, cfg.params)
    gate = lines[lines.param.isin(["wz", "uz", "bz"])]
    assert (gate.grad == 0).all() and (gate.status == "exactly 0").all()
    assert (lines[lines.param == "h_init"].status == "finite").all()
    report = Report.from_config(cfg)
    assert report.grads.set_index("param").loc[["wz", "uz", "bz"], "status"].eq("exactly 0").all()
    # a zero state with zero input stays 0: everything but dL/dh_init is exactly 0 (relu: wx too)
    still = Report.from_config(Config(cell="gru", h_init=0.0, target=1.0, L=10))
    status = still.grads.set_index("param").status
    assert status["h_init"] == "finite" and (status.drop("h_init") == "exactly 0").all()


def test_phase_diagram_over_the_gate_bias():
    cfg = Config(cell="gru", activation="tanh", wh_init=0.5, target=2.0)
    out = phase_diagram(cfg, 6.0, 60, "h_init", over="bz")
    cells_ = out["cells"]
    assert {"bz_lo", "bz_hi", "L_lo", "L_hi", "log10", "status"} <= set(cells_.columns)
    assert out["over"] == "bz"
    # a shut gate (bz = -6) keeps the gradient at L = 60 far larger than an open one (bz = +6)
    last = cells_[cells_.L_hi == cells_.L_hi.max()]
    shut, open_ = last.sort_values("bz_lo").log10.iloc[0], last.sort_values("bz_lo").log10.iloc[-1]
    assert shut > open_ + 5
    want = run(cfg.replace(L=60).with_values(bz=-6.0)).grads["h_init"]
    assert shut == pytest.approx(np.log10(abs(want)), abs=1e-5)  # float32: autograd's up to rounding
    with pytest.raises(ValueError, match="over"):
        phase_diagram(Config(), 3.0, 20, "h_init", over="bz")  # the plain cell has no gate


def test_landscape_of_gate_parameters_equals_run():
    cfg = Config(cell="gru", activation="tanh", wh_init=0.5, L=20, bz=-2.0, target=2.0, dtype="float64")
    grid = landscape(cfg, "wh", "bz", [0.3, 0.5, 0.9], [-3.0, -2.0])
    for row in grid.itertuples():
        r = run(cfg.with_values(wh=row.x, bz=row.y))
        assert row.loss == r.loss
        assert row.grad_x == pytest.approx(r.grads["wh"], rel=1e-12)
        assert row.grad_y == pytest.approx(r.grads["bz"], rel=1e-12)


@pytest.mark.parametrize("gate", GATES)
def test_factors_multiply_to_autograds_gain_and_wh_terms_sum_to_the_gradient(gate):
    cfg = Config(**{**BASE, **gate}, activation="tanh", L=30, dtype="float64")
    result = run(cfg)
    dyn = dynamics(result)
    params = {p: torch.tensor(cfg.value_of(p), dtype=torch.float64, requires_grad=True) for p in cfg.params}
    hs = cells.run_sequence("gru", torch.ones(30, dtype=torch.float64), params, "tanh")
    (gain,) = torch.autograd.grad(hs[-1], params["h_init"])
    assert dyn.gain[-1] == pytest.approx(float(gain), rel=1e-12)
    assert dyn.wh_terms.sum() == pytest.approx(result.grads["wh"], rel=1e-10)


def test_a_shut_gate_keeps_the_gradient_a_plain_tanh_unit_loses():
    # the lesson: the same candidate (tanh, wh = 0.5) over 50 steps, plain and gated with the gate nearly shut
    plain = diagnose(run(Config(activation="tanh", wh_init=0.5, L=50, target=2.0, dtype="float64")))
    gated = run(Config(cell="gru", activation="tanh", wh_init=0.5, L=50, bz=-4.0, target=2.0, dtype="float64"))
    verdict = diagnose(gated)
    assert plain.mean_factor < 0.55 and plain.log10_gain < -14
    assert 0.98 < verdict.mean_factor < 1 and verdict.log10_gain > -0.5
    z = gated.gates.mean()
    assert f"z = {z:.3g}" in verdict.explanation and f"1 − z = {1 - z:.3g}" in verdict.explanation
    assert "(0 here, as wz = 0)" in verdict.explanation


def test_gated_fixed_point_is_a_fixed_point_of_the_step():
    cfg = Config(cell="gru", activation="tanh", wh_init=0.5, wx=0.4, bz=0.0, L=200, dtype="float64")
    point = fixed_point(run(cfg))
    assert point is not None
    h = torch.tensor(point.h, dtype=torch.float64)
    step = cells.gru_step(h, 1.0, 0.5, 0.4, 0.0, 0.0, 0.0, "tanh")
    assert float(step) == pytest.approx(point.h, abs=1e-14)
    assert point.factor == pytest.approx(float(cells.gru_step_factor(h, 1.0, 0.5, 0.4, 0.0, 0.0, 0.0, "tanh")))


def test_training_moves_the_gate():
    cfg = Config(cell="gru", activation="tanh", wh_init=0.5, L=50, bz=-4.0, target=0.5, dtype="float64")
    frame = train(cfg, steps=50, lr=0.1, params=("wh", "wy", "bz"))
    assert frame.bz.iloc[-1] != -4.0 and frame.loss.iloc[-1] < frame.loss.iloc[0]
    with pytest.raises(ValueError, match="bz"):
        train(Config(), steps=5, lr=0.1, params=("wh", "bz"))  # the plain cell has no gate to train


def test_config_names_the_cell_and_its_gate():
    with pytest.raises(ValueError, match="cell"):
        Config(cell="lstm")
    with pytest.raises(ValueError, match="bz"):
        Config(cell="gru", bz=float("nan"))
    assert Config().params == ("h_init", "wh", "wy", "wx")
    assert Config(cell="gru").params == ("h_init", "wh", "wy", "wx", "wz", "uz", "bz")
    assert Config(cell="gru", bz=-4).with_values(bz=1.0).bz == 1.0


def test_landscape_of_the_gated_cell_keeps_runs_special_values():
    cfg = Config(cell="gru", wh_init=1.0, L=120, target=2.0, dtype="float32")  # relu: overflows for wh >~ 2
    grid = landscape(cfg, "wh", "bz", [0.5, 3.0, 8.0, 12.0], [-3.0, 0.0, 2.0])
    kinds = set()
    for row in grid.itertuples():
        r = run(cfg.with_values(wh=row.x, bz=row.y))
        for got, want in ((row.loss, r.loss), (row.grad_x, r.grads["wh"]), (row.grad_y, r.grads["bz"])):
            if np.isfinite(want) and want != 0:
                assert got == pytest.approx(want, rel=1e-4)
            else:
                kinds.add("NaN" if np.isnan(want) else str(want))
                assert got == want or (np.isnan(got) and np.isnan(want))
    assert kinds  # the grid reached special values
