"""cells.py: the seed's numbers bit for bit, step factors against autograd, gated-cell gradients against
float64 finite differences, broadcasting, and clear errors."""
import pytest
import torch
import torch.nn as nn

from tinyrnn.core import cells as C
from tinyrnn.core.names import ACTIVATION_NAMES

DTYPES = [torch.float32, torch.float64]


class SeedRNN(nn.Module):
    """The seed notebook's TinyRNN, as printed in shared/seed (float32, relu, h_init = wy = 1, wx = 0)."""

    def __init__(self, wh_init=1):
        super().__init__()
        self.h_init = nn.Parameter(torch.tensor(1.0))
        self.wh = nn.Parameter(torch.tensor(wh_init).float())
        self.wx = torch.tensor(0.0)
        self.wy = nn.Parameter(torch.tensor(1.0))

    def forward(self, x_seq):
        h, ys, hs = self.h_init, [], [self.h_init]
        for x in x_seq:
            h = torch.relu(self.wh * h + self.wx * x)
            ys.append(self.wy * h)
            hs.append(h)
        return torch.stack(ys), torch.stack(hs)


def _seed_grads(wh_init, L):
    rnn = SeedRNN(wh_init)
    y, hs = rnn(torch.ones(L))
    loss = nn.MSELoss()(y[-1], y[-1].detach() - 1)
    loss.backward()
    return hs.detach(), [rnn.h_init.grad, rnn.wh.grad, rnn.wy.grad]


def _cell_grads(wh_init, L):
    h_init, wh, wy = (torch.tensor(v, requires_grad=True) for v in (1.0, float(wh_init), 1.0))
    hs = C.run_sequence("plain", torch.ones(L), {"h_init": h_init, "wh": wh, "wx": torch.tensor(0.0)}, "relu")
    y = C.readout(hs[-1], wy)
    loss = nn.MSELoss()(y, y.detach() - 1)
    return hs.detach(), list(torch.autograd.grad(loss, [h_init, wh, wy]))


@pytest.mark.parametrize("wh_init", [0.1, 1.0, 10.0])
@pytest.mark.parametrize("L", [1, 2, 3, 4, 5, 8, 9, 10])
def test_plain_cell_reproduces_the_seed_bit_for_bit(wh_init, L):
    seed_h, seed_g = _seed_grads(wh_init, L)
    cell_h, cell_g = _cell_grads(wh_init, L)
    assert cell_h.dtype == torch.float32 and torch.equal(cell_h, seed_h)
    for a, b in zip(cell_g, seed_g, strict=True):
        assert torch.equal(a, b), (a, b)


def test_the_seeds_float32_zero_at_wh_10_L_10():
    _, grads = _cell_grads(10.0, 10)
    assert [float(g) for g in grads] == [0.0, 0.0, 0.0]


def _random(shape, dtype, low=-2.0, high=2.0, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(shape, generator=g, dtype=torch.float64).mul(high - low).add(low).to(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_plain_step_factor_matches_autograd(activation, dtype):
    n = 400
    h_prev = _random(n, dtype, seed=1).requires_grad_()
    x, wh, wx = _random(n, dtype, seed=2), _random(n, dtype, -3, 3, seed=3), _random(n, dtype, seed=4)
    h_prev.data[:5] = 0.0  # a = wx*x only, and the kink below
    x[:2] = 0.0  # a = 0 exactly: relu's and leaky_relu's slope there follow autograd's convention
    (auto,) = torch.autograd.grad(C.plain_step(h_prev, x, wh, wx, activation).sum(), h_prev)
    closed = C.plain_step_factor(h_prev.detach(), x, wh, wx, activation)
    assert closed.dtype == dtype
    assert torch.equal(closed, auto)  # wh * act'(a): the same two roundings autograd does


@pytest.mark.parametrize("dtype", DTYPES)
def test_gru_step_factor_matches_autograd(dtype):
    n = 2000
    h_prev = _random(n, dtype, -1, 1, seed=1).requires_grad_()
    x = _random(n, dtype, seed=2)
    wh, wx, wz, uz = (_random(n, dtype, -3, 3, seed=s) for s in (3, 4, 5, 6))
    bz = _random(n, dtype, -6, 6, seed=7)  # gates from nearly shut to nearly open
    (auto,) = torch.autograd.grad(C.gru_step(h_prev, x, wh, wx, wz, uz, bz).sum(), h_prev)
    closed = C.gru_step_factor(h_prev.detach(), x, wh, wx, wz, uz, bz)
    eps = torch.finfo(dtype).eps
    # three terms (each at most ~3 here) summed in another order than autograd's: a few roundings apart
    assert torch.allclose(closed, auto, rtol=0, atol=16 * eps * 3)


def test_gru_factor_is_near_one_when_the_gate_is_shut_and_the_plain_tanh_factor_when_open():
    h, x = torch.tensor([-0.7, 0.1, 0.9], dtype=torch.float64), torch.zeros(3, dtype=torch.float64)
    wh, wx, wz, uz = 0.3, 0.5, 0.8, -0.4
    shut = C.gru_step_factor(h, x, wh, wx, wz, uz, -30.0)  # z = sigmoid(-30) ~ 1e-13
    assert torch.allclose(shut, torch.ones(3, dtype=torch.float64), atol=1e-12, rtol=0)
    opened = C.gru_step_factor(h, x, wh, wx, wz, uz, 30.0)
    assert torch.allclose(opened, C.plain_step_factor(h, x, wh, wx, "tanh"), atol=1e-12, rtol=0)
    assert torch.allclose(C.gru_step(h, x, wh, wx, wz, uz, 30.0), C.plain_step(h, x, wh, wx, "tanh"), atol=1e-12)


def test_a_zero_state_with_zero_input_stays_exactly_zero_in_the_gated_cell():
    zero = torch.zeros(4, dtype=torch.float32)
    out = C.gru_step(zero, zero, torch.tensor([0.5, -3.0, 2.0, 1.0]), 0.7, 0.3, -0.2, torch.tensor([-1.0, 0, 1, 5]))
    assert torch.equal(out, zero)


def _sequence_loss(cell, values: dict, x_seq, target=0.8, activation="tanh"):
    hs = C.run_sequence(cell, x_seq, values, activation)
    return (C.readout(hs[-1], values["wy"]) - target) ** 2


CASES = [  # parameter values: a gate half open, nearly shut, and wide open with large weights
    {"h_init": 0.3, "wh": 0.9, "wx": 0.7, "wy": 1.3, "wz": 0.4, "uz": -0.6, "bz": 0.2},
    {"h_init": -0.5, "wh": 1.6, "wx": -0.4, "wy": 0.8, "wz": -1.2, "uz": 0.9, "bz": -3.0},
    {"h_init": 0.9, "wh": -2.0, "wx": 1.5, "wy": -1.1, "wz": 2.5, "uz": 1.7, "bz": 2.5},
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", range(len(CASES)))
@pytest.mark.parametrize("cell", C.CELLS)
def test_every_gradient_matches_float64_finite_differences(cell, case, dtype):
    values = CASES[case]
    names = C.PARAMS[cell]
    x_seq64 = _random(12, torch.float64, seed=case)
    leaves = {k: torch.tensor(v, dtype=dtype, requires_grad=True) for k, v in values.items() if k in names}
    auto = torch.autograd.grad(_sequence_loss(cell, leaves, x_seq64.to(dtype)), list(leaves.values()))
    step = 1e-6
    for name, grad in zip(leaves, auto, strict=True):
        up = {k: torch.tensor(v + (step if k == name else 0.0), dtype=torch.float64) for k, v in values.items()}
        down = {k: torch.tensor(v - (step if k == name else 0.0), dtype=torch.float64) for k, v in values.items()}
        fd = float(_sequence_loss(cell, up, x_seq64) - _sequence_loss(cell, down, x_seq64)) / (2 * step)
        tol = 1e-7 if dtype == torch.float64 else 2e-4  # float32: its own rounding, ~1e-7 times a few dozen ops
        assert float(grad) == pytest.approx(fd, rel=tol, abs=tol), (name, float(grad), fd)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("cell", C.CELLS)
def test_product_of_step_factors_is_autograds_dhL_dh0(cell, dtype):
    values = {k: torch.tensor(v, dtype=dtype) for k, v in CASES[0].items()}
    values["h_init"] = values["h_init"].clone().requires_grad_()
    x_seq = _random(15, dtype, seed=5)
    (auto,) = torch.autograd.grad(C.run_sequence(cell, x_seq, values, "tanh")[-1], values["h_init"])
    factors = C.step_factors(cell, x_seq, {k: v.detach() for k, v in values.items()}, "tanh")
    assert factors.shape == (15,)
    assert float(factors.prod()) == pytest.approx(float(auto), rel=50 * torch.finfo(dtype).eps)


@pytest.mark.parametrize("cell", C.CELLS)
def test_one_step_serves_a_sweep_and_a_batch(cell):
    """A vector of wh values (a sweep) or a column per model gives each entry exactly its own single run."""
    whs = torch.tensor([0.2, 0.9, 1.5, -1.1], dtype=torch.float32)
    x_seq = _random((6, 3), torch.float32, seed=9)  # 6 steps, a batch of 3 sequences
    base = {"h_init": 0.4, "wx": 0.6, "wz": 0.3, "uz": -0.5, "bz": -0.2}
    swept = C.run_sequence(cell, x_seq, {**base, "wh": whs[:, None]}, "tanh")
    assert swept.shape == (7, 4, 3)
    factors = C.step_factors(cell, x_seq, {**base, "wh": whs[:, None]}, "tanh")
    for i, wh in enumerate(whs):
        alone = C.run_sequence(cell, x_seq, {**base, "wh": wh}, "tanh")
        assert torch.equal(swept[:, i], alone)
        assert torch.equal(factors[:, i], C.step_factors(cell, x_seq, {**base, "wh": wh}, "tanh"))


def test_parameter_names_and_meanings():
    assert C.PLAIN_PARAMS == ("h_init", "wh", "wx", "wy")
    assert C.GATE_PARAMS == ("wz", "uz", "bz")
    assert set(C.PARAM_MEANINGS) == set(C.GRU_PARAMS)
    assert all(isinstance(v, str) and v for v in C.PARAM_MEANINGS.values())


def test_clear_errors():
    x = torch.zeros(3)
    with pytest.raises(ValueError, match="activation='softplus' is unknown; choose one of relu, tanh"):
        C.plain_step(x, x, 1.0, 1.0, "softplus")
    with pytest.raises(ValueError, match="cell='lstm' is unknown; choose one of plain, gru"):
        C.run_sequence("lstm", x, {"h_init": 0.0, "wh": 1.0, "wx": 1.0})
    with pytest.raises(ValueError, match="params lacks wz, bz; the gru cell needs h_init, wh, wx, wz, uz, bz"):
        C.run_sequence("gru", x, {"h_init": 0.0, "wh": 1.0, "wx": 1.0, "uz": 0.0})
