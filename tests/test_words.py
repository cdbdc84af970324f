"""The words beside the numbers: witnesses, titles and captions claim only what the numbers on screen show."""
import numpy as np

from tinyrnn import Config, Report
from tinyrnn.charts import explorer as ex
from tinyrnn.charts import home
from tinyrnn.core import witnesses
from tinyrnn.core.seed import seed_experiment


def test_smooth_runs_are_confirmed_by_both_witnesses():
    r = Report.from_config(Config(wh_init=0.99, L=300, activation="identity", wx=0.1, dtype="float64"))
    assert r.witnesses.agree.tolist() == ["yes"] * 4
    assert ex.witness_line(r).startswith("Checked") and "closed form" in ex.witness_line(r)


def test_the_float32_cancellation_is_flagged_with_its_reason():
    r = Report.from_config(Config(wh_init=10.0, L=10))
    assert r.witnesses.agree.tolist() == ["no"] * 4
    assert "float32 rounding zeroed the loss" in ex.witness_line(r)


def test_a_relu_kink_inside_the_difference_step_is_explained_not_flagged():
    # h_t = 0.1^t: nudging wx down by 1e-7 switches relu off after ~7 steps, so the central difference
    # straddles a kink although wx = 0 itself is a smooth point; autograd matches the upward difference.
    r = Report.from_config(Config(wh_init=0.1, L=30))
    w = r.witnesses.set_index("param")
    assert w.loc["wx", "agree"] == "one-sided" and w.loc["wx", "autograd"] == np.float32(2 / 0.9)
    fd = witnesses.finite_difference(r.config, one_sided=True)
    assert abs(fd["up"]["wx"] - 2 / 0.9) < 1e-6 and abs(fd["down"]["wx"] - 2 / 0.9) > 0.1
    assert "kink" in ex.witness_line(r)


def test_a_cancellation_float64_shares_is_still_caught_by_the_closed_form():
    r = Report.from_config(Config(wh_init=10.0, L=20))  # y_L = 1e20: float64 cannot hold y_L - 1 apart either
    assert r.witnesses.agree.tolist() == ["no"] * 4


def test_sci_keeps_special_values_visible():
    assert [ex.sci(v) for v in (0.0, np.inf, -np.inf, np.nan, 1234.5)] == ["0", "+inf", "-inf", "NaN", "1.2345e+03"]


def test_titles_say_what_happened():
    over, dead = Report.from_config(Config(wh_init=10.0, L=60)), Report.from_config(Config(wh_init=-0.5, L=5))
    assert set(ex.gradient_table(over)["log10 |dL/dθ|"]) == {"—"}  # no logarithm of inf/NaN pretends to be a number
    assert ex.gradient_title(over).startswith("No trained parameter")
    assert "overflows" in ex.trajectory_title(over) and "exactly 0 at t = 1" in ex.trajectory_title(dead)
    tanh = Report.from_config(Config(wh_init=1.5, L=50, activation="tanh"))
    assert "fixed point h* = 0.8586" in ex.trajectory_title(tanh)


def test_the_gradient_title_never_heads_with_the_frozen_wx():
    r = Report.from_config(Config(wh_init=0.1, L=10))
    biggest = r.grads.loc[r.grads.magnitude.idxmax(), "param"]
    assert biggest == "wx" and ex.gradient_title(r).startswith("Of the trained parameters, dL/dwh is largest")
    ties = Report.from_config(Config(wh_init=10.0, L=5))  # dL/dh_init = dL/dwy = 2e5
    assert ex.gradient_title(ties).startswith("Of the trained parameters, dL/dh_init and dL/dwy are largest")


def test_the_straight_line_claim_is_made_for_the_product_only_and_overlaps_are_named():
    r = Report.from_config(Config(wh_init=1.0, L=10))
    caption = ex.length_caption(r)
    assert "dL/dh_init is a product" in caption and "dL/dwh and dL/dwx add one term per step" in caption
    assert "dL/dh_init and dL/dwy coincide" in caption
    dead = Report.from_config(Config(wh_init=-0.5, L=10))
    assert "coincide" not in ex.length_caption(dead)  # all-zero lines are not drawn, so nothing hides


def test_factor_title_names_the_rate_and_the_caption_the_lyapunov_exponent():
    r = Report.from_config(Config(wh_init=0.5, L=10))
    assert ex.factor_title(r) == "×0.5 per step on average: the 10 factors multiply to 9.8e-4"
    assert "ln 0.5 = -0.693 per step" in ex.factor_caption(r)
    over = Report.from_config(Config(wh_init=10.0, L=60))
    assert ex.factor_title(over).endswith("multiply to 1.0e60, beyond float32's range")


def test_each_special_kind_is_named_with_where_it_starts():
    r = Report.from_config(Config(wh_init=10.0, L=60))
    assert "cancelled from L = 8, NaN from L = 39" in ex.length_title(r)


def test_the_seed_title_describes_each_line_by_its_own_numbers():
    seed = seed_experiment()
    title = home.seed_title(seed, "wh")
    assert "goes 2 → 20 (L = 1..10) at wh_init = 1" in title  # 2L is not a constant factor
    assert "cancelled from L = 10 at wh_init = 10" in title
