"""The words beside the numbers: witnesses, their one-line verdict, and text that keeps 0/inf/NaN visible."""
import numpy as np
import pandas as pd

from tinyrnn import Config, Report, diagnose, explain, run
from tinyrnn.core import witnesses as analysis


def verdict(cfg: Config) -> tuple[list[str], str]:
    r = run(cfg)
    w = analysis.witnesses(r)
    return w.agree.tolist(), explain.witness_line(w, cfg.dtype, diagnose(r).word)


def test_smooth_runs_are_confirmed_by_both_witnesses():
    agree, line = verdict(Config(wh_init=0.99, L=300, activation="identity", wx=0.1, dtype="float64"))
    assert agree == ["yes"] * 4 and line.startswith("✓") and "closed form" in line


def test_the_float32_cancellation_is_flagged_with_its_reason():
    agree, line = verdict(Config(wh_init=10.0, L=10))
    assert agree == ["no"] * 4
    assert line.startswith("✗") and "float32 rounding zeroed the loss" in line


def test_a_relu_kink_inside_the_difference_step_is_explained_not_flagged():
    # h_t = 0.1^t: nudging wx down by 1e-7 switches relu off after ~7 steps, so the central difference
    # straddles a kink although wx = 0 itself is a smooth point; autograd matches the upward difference.
    r = run(Config(wh_init=0.1, L=30))
    w = analysis.witnesses(r).set_index("param")
    assert w.loc["wx", "agree"] == "one-sided" and w.loc["wx", "autograd"] == np.float32(2 / 0.9)
    fd = analysis.finite_difference(r.config, one_sided=True)
    assert abs(fd["up"]["wx"] - 2 / 0.9) < 1e-6 and abs(fd["down"]["wx"] - 2 / 0.9) > 0.1
    assert "kink" in explain.witness_line(w.reset_index(), "float32", "vanishing")


def test_sci_keeps_special_values_visible():
    assert [explain.sci(v) for v in (0.0, np.inf, -np.inf, np.nan, 1234.5)] == [
        "0 (exactly)", "+inf", "-inf", "NaN", "1.2345e+03"]


def test_gradient_table_and_titles_say_what_happened():
    table = explain.gradient_table(run(Config(wh_init=10.0, L=60)).grads_frame())
    assert set(table["log10 |dL/dθ|"]) == {"—"}  # no logarithm of inf/NaN pretends to be a number
    assert explain.gradient_title(run(Config(wh_init=10.0, L=60)).grads_frame(), 60).startswith("No parameter")
    assert "overflows" in explain.trajectory_title(Report.from_config(Config(wh_init=10.0, L=60)).frame)
    assert "exactly 0" in explain.trajectory_title(Report.from_config(Config(wh_init=-0.5, L=5)).frame)
    frame = pd.DataFrame({"t": [0, 1], "h": [1.0, 0.5]})
    assert explain.trajectory_title(frame) == "h_t goes from 1 to 0.5 in 1 steps"


def test_a_cancellation_float64_shares_is_still_caught_by_the_closed_form():
    # at L = 20, y_L = 1e20: float64 cannot hold y_L - 1 apart either, so finite differences are 0 as well
    agree, line = verdict(Config(wh_init=10.0, L=20))
    assert agree == ["no"] * 4 and line.startswith("✗")
