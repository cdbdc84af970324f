"""Diagnosis: each failure mode gets its word and a sentence with the numbers."""
import pytest

from tinyrnn import VOCABULARY, Config, diagnose, run


@pytest.mark.parametrize("cfg, word, fragments", [
    (Config(wh_init=10.0, L=10), "cancelled", ["round to the same float32", "float64 would give"]),
    (Config(wh_init=3.0, L=300, dtype="float64"), "cancelled", ["same float64", "in exact math dL/dh_init = 10^143.4"]),
    (Config(wh_init=10.0, L=60), "overflow", ["h_39 = inf", "largest float32"]),
    (Config(wh_init=10.0, L=400, dtype="float64"), "overflow", ["largest float64"]),
    (Config(wh_init=0.1, L=100), "underflow", ["smallest float32", "rounded to exactly 0"]),
    (Config(wh_init=0.5, L=200, activation="identity"), "underflow", ["below the smallest float32"]),
    (Config(wh_init=-0.5, L=5), "dead", ["relu's input a_1 = -0.5"]),
    (Config(wh_init=0.0, L=3, activation="tanh"), "dead", ["wh = 0"]),
    (Config(wh_init=1.5, L=50, activation="tanh"), "saturated", ["tanh is saturated", "|wh| = 1.5"]),
    (Config(wh_init=4.0, L=60, activation="sigmoid", h_init=5.0, wx=3.0), "saturated", ["sigmoid"]),
    (Config(wh_init=0.1, L=10), "vanishing", ["about 0.1", "1.0e-10"]),
    (Config(wh_init=10.0, L=6, dtype="float64"), "exploding", ["about 10", "1.0e+06"]),
    (Config(wh_init=1.0, L=200), "stable", ["gain dh_L/dh_0 = 1"]),
    (Config(wh_init=0.5, L=5, wy=0.0), "no signal", ["wy = 0", "only wy learns"]),
    (Config(wh_init=1.0, L=3, target=1.0), "no signal", ["exactly on its target 1"]),
    # a slope near its peak is not saturation, even when the gain vanishes
    (Config(wh_init=-3.0, L=30, activation="sigmoid"), "vanishing", ["about 0.59"]),
    (Config(wh_init=1.0, L=2000, activation="tanh", dtype="float64"), "vanishing", ["about 0.995"]),
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


def test_cancellation_needs_a_nonzero_offset():
    assert diagnose(run(Config(wh_init=1.0, L=3, offset=0.0))).word == "no signal"
