"""Diagnosis: each failure mode gets its word and a sentence with the numbers."""
import pytest

from tinyrnn import VOCABULARY, Config, diagnose, run


@pytest.mark.parametrize("cfg, word, fragments", [
    (Config(wh_init=10.0, L=10), "cancelled", ["round to the same float32", "float64 would give"]),
    (Config(wh_init=3.0, L=300, dtype="float64"), "cancelled", ["same float64", "in exact math dL/dh_init = 2.7e143"]),
    (Config(wh_init=10.0, L=60), "overflow", ["h_39 = inf", "largest float32"]),
    (Config(wh_init=10.0, L=400, dtype="float64"), "overflow", ["largest float64"]),
    (Config(wh_init=0.1, L=100), "underflow", ["smallest float32", "rounded to exactly 0"]),
    (Config(wh_init=0.5, L=200, activation="identity"), "underflow", ["below the smallest float32"]),
    (Config(wh_init=-0.5, L=5), "dead", ["relu's input a_1 = -0.5"]),
    (Config(wh_init=0.0, L=3, activation="tanh"), "dead", ["wh = 0"]),
    (Config(wh_init=1.5, L=50, activation="tanh"), "saturated",
     ["peak slope = 1.5 > 1", "fixed point h* = 0.8586", "= 0.394 < 1", "dL/dwy = 1.72"]),
    (Config(wh_init=4.0, L=60, activation="sigmoid", h_init=5.0, wx=3.0), "saturated", ["sigmoid"]),
    (Config(wh_init=0.1, L=10), "vanishing", ["×0.1 per step", "after 10 steps the gain |dh_L/dh_0| is 1.0e-10"]),
    (Config(wh_init=10.0, L=6, dtype="float64"), "exploding", ["×10 per step", "gain |dh_L/dh_0| is 1.0e6"]),
    (Config(wh_init=1.0, L=200), "stable", ["by 1 on average", "gain |dh_L/dh_0| is 1,", "400 still grows"]),
    # the rate decides, not the length (issue #8 item 5): each of these was a green "stable" before
    (Config(wh_init=10.0, L=4), "exploding", ["×10 per step", "after 4 steps the gain |dh_L/dh_0| is 1.0e4"]),
    (Config(wh_init=0.5, L=10), "vanishing", ["×0.5 per step", "9.8e-4"]),
    (Config(wh_init=-1.5, L=20, activation="identity"), "exploding", ["×1.5 per step", "3325"]),
    (Config(wh_init=0.1, L=1), "vanishing", ["after 1 step the gain |dh_L/dh_0| is 0.1"]),
    (Config(wh_init=0.99, L=5), "vanishing", ["×0.99 per step"]),
    (Config(wh_init=1.0, L=5, activation="leaky_relu", h_init=-1.0), "vanishing", ["×0.01 per step"]),
    # sigmoid's slope is at most 1/4: |wh| = 3 contracts even at peak slope, so it is not "saturated"
    (Config(wh_init=3.0, L=20, activation="sigmoid"), "vanishing", ["peak slope = 0.75 is at most 1"]),
    (Config(wh_init=6.0, L=12, activation="sigmoid"), "saturated", ["peak slope = 1.5 > 1", "fixed point"]),
    (Config(wh_init=0.5, L=5, wy=0.0), "no signal", ["wy = 0", "only wy learns"]),
    (Config(wh_init=1.0, L=3, target=1.0), "no signal", ["exactly on its target 1"]),
    # a slope near its peak is not saturation, even when the gain vanishes
    (Config(wh_init=-3.0, L=30, activation="sigmoid"), "vanishing", ["×0.59 per step"]),
    (Config(wh_init=1.0, L=2000, activation="tanh", dtype="float64"), "vanishing", ["×0.995 per step"]),
])
def test_each_failure_mode(cfg, word, fragments):
    d = diagnose(run(cfg))
    assert d.word == word, d.explanation
    assert d.word in VOCABULARY
    for fragment in fragments:
        assert fragment in d.explanation


def test_tanh_saturation_to_an_exact_zero_slope():
    d = diagnose(run(Config(wh_init=30.0, L=5, activation="tanh", h_init=2.0)))
    assert d.word == "saturated" and "rounds to exactly 0" in d.explanation


def test_the_word_follows_the_rate_at_every_length():
    for wh, word in ((0.1, "vanishing"), (1.0, "stable"), (10.0, "exploding")):
        for L in (1, 2, 3, 4, 5, 6, 7):
            assert diagnose(run(Config(wh_init=wh, L=L, dtype="float64"))).word == word, (wh, L)


def test_the_rate_is_the_geometric_mean_of_the_factors():
    import numpy as np

    from tinyrnn import dynamics

    r = run(Config(wh_init=1.3, L=25, activation="tanh", h_init=0.2, dtype="float64"))
    d, f = diagnose(r), dynamics(r).factors
    assert d.mean_factor == pytest.approx(np.exp(np.mean(np.log(np.abs(f)))), rel=1e-12)


def test_cancellation_needs_a_nonzero_offset():
    assert diagnose(run(Config(wh_init=1.0, L=3, offset=0.0))).word == "no signal"
