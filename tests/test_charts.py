"""Chart templates: every one validates against Vega-Lite, stays the same for every setting, and its data puts
every value where it belongs (zeros, inf and NaN in their bands, never dropped)."""
import json

import altair as alt
import numpy as np
import pandas as pd
import pytest

from tinyrnn import Config, Report
from tinyrnn.charts import common, explorer, home, sweep, training
from tinyrnn.core import train
from tinyrnn.core.landscape import landscape
from tinyrnn.core.phase import gradient_lines, phase_diagram
from tinyrnn.core.seed import seed_experiment

TEMPLATES = [(explorer.trajectory, (True,)), (explorer.trajectory, (False,)), (explorer.gradients, ()),
             (explorer.by_length, ()), (explorer.factors, ()), (explorer.terms, ()), (home.seed_lines, ("wh",)),
             (sweep.lines, ("h_init",)), (sweep.heatmap, (400, True)), (sweep.mini, ()),
             (training.loss, ()), (training.grad_norm, ()), (training.params, ()),
             (training.landscape, ("wh", "wx", "plain SGD"))]
CASES = {"stable": Config(wh_init=0.9, L=12), "overflow": Config(wh_init=10.0, L=60), "dead": Config(wh_init=-0.5, L=6),
         "cancelled": Config(wh_init=10.0, L=10), "underflow": Config(wh_init=0.1, L=60)}


@pytest.mark.parametrize("build, args", TEMPLATES, ids=lambda v: getattr(v, "__name__", str(v)))
def test_every_template_validates_and_names_itself(build, args):
    with alt.data_transformers.disable_max_rows():
        build.build(*args).to_dict(validate=True)  # raises if the spec is not valid Vega-Lite
    spec = build(*args)
    assert spec["usermeta"]["chart"] == build.__name__
    assert build(*args) is spec  # built once per layout, then reused


@pytest.mark.parametrize("case", list(CASES))
def test_explorer_data_keeps_every_value_and_the_spec_never_changes(case):
    report = Report.from_config(CASES[case])
    L = report.config.L
    before = json.dumps(explorer.trajectory(True))
    for log in (True, False):
        d = explorer.trajectory_data(report, log)
        assert len(d["main"]) + len(d["special"]) == L + 1
    assert json.dumps(explorer.trajectory(True)) == before
    d = explorer.gradients_data(report)
    assert len(d["main"]) + len(d["special"]) == 4
    statuses = set(d["special"].status.astype(str))
    want = {"overflow": {"NaN"}, "dead": {"exactly 0"}, "cancelled": {"cancelled"}, "underflow": {"underflow"},
            "stable": set()}[case]
    assert statuses == want, statuses
    d = explorer.by_length_data(report)
    assert len(d["main"]) + len(d["special"]) == 4 * L and d["chosen"].L.tolist() == [L]
    d = explorer.factors_data(report)
    assert len(d["main"]) + len(d["special"]) == 2 * L + 1
    for k in (1, 3, L):
        d = explorer.terms_data(report, k)
        assert len(d["main"]) + len(d["special"]) == L
        kept = pd.concat([d["main"], d["special"]]).kept
        assert (kept == "kept").sum() == min(k, L)


def test_zeros_never_sit_on_a_log_axis():
    status, y, band = common.split([1e-3, 10.0, 0.0, np.inf, np.nan, -2.0])
    assert status.tolist() == ["finite", "finite", "exactly 0", "inf", "NaN", "finite"]
    assert band.tolist() == ["", "", "bottom", "top", "top", ""]
    assert y[-1] == 2.0  # a log axis shows |value|; the sign travels separately
    status, y, band = common.split([0.0, np.inf], log=False)
    assert band.tolist() == ["", "top"]  # on a linear axis 0 is an ordinary point


def test_sweep_and_home_data():
    seed = seed_experiment()
    d = home.seed_data(seed, "h_init")
    assert len(d["main"]) + len(d["special"]) == 18
    assert d["special"].status.astype(str).tolist() == ["cancelled"]
    out = phase_diagram(Config(), 3.0, 40, "h_init")
    d = sweep.heatmap_data(out, (1.0, 10))
    assert len(d["finite"]) + len(d["special"]) == 40 * 40
    lines = gradient_lines(Config(), [0.1, 10.0], 12, "wh")
    d = sweep.lines_data(lines)
    assert len(d["main"]) + len(d["special"]) == 24


def test_training_data_shows_the_stop():
    preset = train.TRAINING_PRESETS["Exploding TinyRNN"]
    plain = train.train(preset["config"], **{**preset["train"], "clip": None}).assign(run="plain SGD")
    clipped = train.train(preset["config"], **preset["train"]).assign(run="clipped SGD")
    both = pd.concat([plain, clipped], ignore_index=True)
    d = training.loss_data(both)
    assert "inf" in set(d["special"].status.astype(str))
    assert len(training.params_data(plain, ["wh"])["main"]) == 3  # wh itself stays finite until the stop
    d = training.grad_norm_data(both, 10.0, "norm")
    assert d["threshold"].y.tolist() == [10.0]
    grid = landscape(preset["config"], "wh", "wy", np.linspace(1, 2, 5), np.linspace(0.5, 1.5, 5))
    d = training.landscape_data(grid, clipped, "wh", "wy", training.shade_range(grid))
    assert len(d["grid"]) == 25 and len(d["start"]) == 1


def test_colours_keep_three_to_one_contrast_in_both_themes():
    def luminance(hex_colour: str) -> float:
        rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    light, dark = luminance("#FFFFFF"), luminance("#0E1117")
    for colour in [common.BLUE, common.VERMILLION, common.GREEN, common.PURPLE, common.GREY,
                   *common.SPECIAL_COLORS.values()]:
        lum = luminance(colour)
        assert (light + 0.05) / (lum + 0.05) >= 3 and (lum + 0.05) / (dark + 0.05) >= 3, colour
