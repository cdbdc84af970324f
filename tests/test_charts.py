"""Chart builders as specs: every one validates against Vega-Lite, and specials are marked, never dropped."""
import altair as alt
import numpy as np
import pandas as pd
import pytest

from tinyrnn import Config, Report, charts, charts_sweep, charts_train, run
from tinyrnn.core import phase, train
from tinyrnn.core.landscape import landscape
from tinyrnn.core.sweep import sweep

CASES = {  # one ordinary run and one with every kind of special value
    "stable": Config(wh_init=0.9, L=12),
    "overflow": Config(wh_init=10.0, L=60),
    "dead": Config(wh_init=-0.5, L=6),
}


def spec(chart) -> dict:
    with alt.data_transformers.disable_max_rows():
        return chart.to_dict(validate=True)  # raises if the spec is not valid Vega-Lite


def main_data(d: dict) -> pd.DataFrame:
    return pd.DataFrame(d["datasets"][d["data"]["name"]] if "data" in d else next(iter(d["datasets"].values())))


@pytest.mark.parametrize("case", list(CASES))
def test_explorer_charts_validate_and_keep_every_value(case):
    r = run(CASES[case])
    frame, grads = Report.from_config(r.config).frame, r.grads_frame()
    by_length = sweep(r.config, [r.config.wh_init], r.config.L, params=("h_init", "wh", "wy", "wx"))
    for log in (True, False):
        d = spec(charts.trajectory(frame, log, "title"))
        assert len(main_data(d)) == r.config.L + 1 and d["title"] == "title"
    d = spec(charts.gradient_dots(grads, "g"))
    data = main_data(d)
    assert len(data) == 4
    if case == "overflow":
        assert set(data.status) <= {"NaN", "inf"} and len(data) == 4  # drawn as markers, not dropped
    if case == "dead":
        assert (data.status == "exactly 0").sum() >= 2
    assert len(main_data(spec(charts.gradient_vs_length(by_length, r.config.L, "l")))) == 4 * r.config.L
    spec(charts.factors_and_gain(frame, "f"))


def test_log_axes_put_zeros_below_and_infinities_above_the_finite_range():
    df = charts.with_log_position(pd.DataFrame({"v": [1e-3, 10.0, 0.0, np.inf, np.nan]}), "v")
    assert df.status.tolist() == ["finite", "finite", "exactly 0", "inf", "NaN"]
    assert df.y.tolist() == [1e-3, 10.0, 1e-4, 100.0, 100.0]


def test_special_shape_legend_lists_only_what_occurs():
    scale = charts.special_shapes(pd.DataFrame({"status": ["finite", "inf"]}))
    assert scale.to_dict()["domain"] == ["inf"]


def test_seed_chart_labels_the_cancelled_zero():
    rows = [{"wh_init": 10.0, "L": L, "param": "h_init", "grad": run(Config(wh_init=10.0, L=L)).grads["h_init"]}
            for L in (5, 10)]
    d = spec(charts.seed_lines(pd.DataFrame(rows), "h_init", "t"))
    assert "float32 rounding, not vanishing" in str(d)


def test_sweep_charts_validate():
    out = phase.phase_diagram(Config(), 3.0, 40, "h_init")
    d = spec(charts_sweep.heatmap(out["cells"], out["boundary"], "h", 20.0, here=(1.0, 10), select="0"))
    assert len(d["layer"]) == 4  # finite cells, special cells, boundary, you-are-here
    assert d["layer"][0]["encoding"]["color"]["scale"]["domainMid"] == 0
    spec(charts_sweep.lines(phase.gradient_lines(Config(), [0.1, 10.0], 12, "wh"), "wh", "t"))
    row = pd.concat([out["cells"].assign(activation=a) for a in ("relu", "tanh")])
    spec(charts_sweep.minis(row, "m", 20.0))


def test_training_charts_validate_and_show_the_stop():
    preset = train.TRAINING_PRESETS["Exploding TinyRNN"]
    plain = train.train(preset["config"], **{**preset["train"], "clip": None}).assign(run="plain SGD")
    clipped = train.train(preset["config"], **preset["train"]).assign(run="clipped SGD")
    both = pd.concat([plain, clipped], ignore_index=True)
    d = spec(charts_train.loss_chart(both, "loss"))
    assert "inf" in set(main_data(d).status)
    spec(charts_train.grad_norm_chart(both, 10.0, "g"))
    spec(charts_train.params_chart(both, ["h_init", "wh", "wy"], "p"))
    cfg = preset["config"]
    grid = landscape(cfg, "wh", "wy", np.linspace(1, 2, 5), np.linspace(0.5, 1.5, 5))
    spec(charts_train.landscape_panel(grid, clipped, "wh", "wy", "clipped SGD", "c", (-1.0, 3.0)))


def test_edges_stay_inside_float_range():
    assert charts.edges([1e-3, 10.0]) == (1e-4, 100.0)
    lo, hi = charts.edges([5e-324, 1.7e308])
    assert lo == 5e-324 and hi == 1.7e308  # a tenth of the smallest subnormal is 0, ten times the largest is inf
    assert charts.edges([0.0, np.inf, np.nan]) == (0.1, 10.0)
