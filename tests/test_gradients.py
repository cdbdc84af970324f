"""Every number has a second witness: autograd vs closed form vs finite differences, in float64."""
import numpy as np
import pytest

from tinyrnn import ACTIVATION_NAMES, PARAMS, Config, Report, dynamics, run
from tinyrnn.core import witnesses as analysis

CASES = [  # (wh_init, L, wx, target): all four params matter, with and without a fixed target
    (0.7, 6, 0.3, None), (1.2, 5, 0.2, 1.5), (-0.8, 4, 0.5, None), (0.95, 12, 0.1, -0.3),
]


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
@pytest.mark.parametrize("wh, L, wx, target", CASES)
def test_autograd_matches_finite_differences(activation, wh, L, wx, target):
    cfg = Config(wh_init=wh, L=L, wx=wx, target=target, activation=activation, dtype="float64", wy=0.9)
    auto, fd = run(cfg).grads, analysis.finite_difference(cfg)
    for p in PARAMS:
        assert auto[p] == pytest.approx(fd[p], rel=1e-6, abs=1e-8), p


@pytest.mark.parametrize("activation", ["identity", "relu", "leaky_relu"])
@pytest.mark.parametrize("wh, L, wx, target", [(0.7, 6, 0.3, None), (1.3, 9, 0.2, 2.0), (2.0, 20, 0.0, None)])
def test_autograd_matches_closed_form_on_linear_pieces(activation, wh, L, wx, target):
    cfg = Config(wh_init=wh, L=L, wx=wx, target=target, activation=activation, dtype="float64")
    closed = analysis.closed_form(cfg)
    assert closed is not None
    for p in PARAMS:
        assert run(cfg).grads[p] == pytest.approx(closed[p], rel=1e-12), p


def test_closed_form_on_negative_leaky_piece_and_none_when_mixed():
    neg = Config(wh_init=0.5, L=6, h_init=-1.0, activation="leaky_relu", dtype="float64")
    assert all(a < 0 for a in run(neg).preacts)
    closed = analysis.closed_form(neg)
    for p in PARAMS:
        assert run(neg).grads[p] == pytest.approx(closed[p], rel=1e-12)
    mixed = Config(wh_init=-0.5, L=4, wx=0.3, activation="leaky_relu", dtype="float64")
    assert analysis.closed_form(mixed) is None
    assert analysis.closed_form(Config(activation="tanh", L=3, dtype="float64")) is None


def test_closed_form_is_the_seed_formula():
    # relu, h_init = wy = 1, wx = 0: h_L = wh^L, so dL/dh_init = 2 wh^L and dL/dwh = 2 L wh^(L-1)
    closed = analysis.closed_form(Config(wh_init=3.0, L=4, dtype="float64"))
    assert closed["h_init"] == 2 * 3.0**4 and closed["wh"] == 2 * 4 * 3.0**3 and closed["wy"] == 2 * 3.0**4


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_temporal_contributions_sum_to_dL_dwh(activation):
    r = run(Config(wh_init=0.9, L=15, wx=0.2, activation=activation, dtype="float64"))
    terms = dynamics(r).wh_terms
    assert terms.shape == (15,)
    assert terms[::-1].cumsum()[-1] == pytest.approx(r.grads["wh"], rel=1e-12)


def test_step_factors_and_gain():
    r = run(Config(wh_init=1.5, L=8, activation="tanh", dtype="float64"))
    dyn = dynamics(r)
    f = dyn.factors
    h = r.hidden
    np.testing.assert_allclose(f, 1.5 * (1 - h[1:] ** 2), rtol=1e-14)
    gain = dyn.gain
    assert gain[0] == 1 and gain[-1] == pytest.approx(np.prod(f), rel=1e-12)
    assert dyn.log10_gain == pytest.approx(np.log10(abs(np.prod(f))), rel=1e-12)
    # dh_L/dh_0 times dL/dy_L * wy is exactly dL/dh_init
    assert r.grads["h_init"] == pytest.approx(gain[-1] * dyn.dloss_dy * r.config.wy, rel=1e-12)


def test_to_frame_is_tidy_and_explains_every_step():
    r = run(Config(wh_init=0.5, L=4))
    df = Report.from_config(r.config).frame
    assert list(df.columns) == ["t", "a", "h", "y", "factor", "gain", "reach", "wh_term"]
    assert len(df) == 5 and df.t.tolist() == [0, 1, 2, 3, 4]
    assert np.isnan(df.loc[0, "a"]) and df.loc[0, "h"] == 1.0
    assert df.h.tolist() == [1.0, 0.5, 0.25, 0.125, 0.0625]
    g = r.grads_frame()
    assert g.param.tolist() == ["h_init", "wh", "wy", "wx"] and g.trainable.tolist() == [True, True, True, False]
