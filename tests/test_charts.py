"""Chart templates: every one validates against Vega-Lite, stays the same for every setting, and its data puts
every value where it belongs (zeros, inf and NaN in their bands, never dropped)."""
import json

import altair as alt
import numpy as np
import pandas as pd
import pytest

from tinyrnn import Config, Report
from tinyrnn.charts import common, explorer, home, memory, sweep, training
from tinyrnn.core import train
from tinyrnn.core.landscape import landscape
from tinyrnn.core.phase import gradient_lines, phase_diagram
from tinyrnn.core.seed import seed_experiment

TEMPLATES = [(explorer.trajectory, (True,)), (explorer.trajectory, (False,)), (explorer.gradients, ()),
             (explorer.by_length, ()), (explorer.factors, ()), (explorer.terms, ()), (home.seed_lines, ("wh",)),
             (sweep.lines, ("h_init",)), (sweep.heatmap, (400, True)), (sweep.mini, ()),
             (training.loss, ()), (training.grad_norm, ()), (training.params, ()),
             (training.landscape, ("wh", "wx", "plain SGD")), (memory.loss_curves, ()), (memory.success, ()),
             (memory.gradient_start, ())]
CASES = {"stable": Config(wh_init=0.9, L=12), "overflow": Config(wh_init=10.0, L=60), "dead": Config(wh_init=-0.5, L=6),
         "cancelled": Config(wh_init=10.0, L=10), "underflow": Config(wh_init=0.1, L=60)}


@pytest.mark.parametrize("build, args", TEMPLATES, ids=lambda v: getattr(v, "__name__", str(v)))
def test_every_template_validates_and_names_itself(build, args):
    with alt.data_transformers.disable_max_rows():
        build.build(*args).to_dict(validate=True)  # raises if the spec is not valid Vega-Lite
    spec = build(*args)
    assert spec["usermeta"]["chart"] == build.__name__
    assert build(*args) is spec  # built once per layout, then reused


def band_marks(spec) -> list[dict]:
    """Every layer of a spec whose marks are shaped by status (the band marks), with its transforms."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("encoding", {}).get("shape", {}).get("field") == "status":
                found.append(node)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    walk(spec)
    return found


@pytest.mark.parametrize("build, args", TEMPLATES, ids=lambda v: getattr(v, "__name__", str(v)))
def test_band_marks_shrink_with_the_number_of_marks_in_the_bands(build, args):
    """A long run of zeros must not draw as a solid bar, and a lone inf must keep its full size: the mark's area
    follows the plot's width over the number of band marks (not of all points)."""
    layers = band_marks(build(*args))
    assert layers or build.__name__ in {"heatmap", "mini", "params", "landscape", "success"}  # charts without bands
    for layer in layers:
        assert layer["encoding"]["size"] == {"field": "mark_size", "type": "quantitative", "scale": None,
                                             "legend": None}
        steps = layer["transform"]
        assert steps[0] == {"filter": "(datum.status !== 'finite')"}
        assert steps[1] == {"joinaggregate": [{"op": "count", "as": "band_n"}]}
        assert steps[2]["calculate"].startswith("clamp(pow(1.5 * width / max(1, datum.band_n), 2), 16, ")


@pytest.mark.parametrize("build, args", TEMPLATES, ids=lambda v: getattr(v, "__name__", str(v)))
def test_constant_data_stays_inside_the_spec(build, args):
    """Only the datasets a setting fills travel beside the spec; a template's own constants (band edges, the
    factor-1 rule) sit inline in the constant spec, so they are not converted and re-sent on every rerun."""
    spec = build(*args)
    assert not any(name.startswith("data-") for name in spec.get("datasets", {}))
    if band_marks(spec):  # a banded chart: its two band edges are inline rows
        assert '"values": [{"edge": ' in json.dumps(spec)


def special(d) -> set:
    return set(d["points"].status.astype(str)) - {"finite"}


@pytest.mark.parametrize("case", list(CASES))
def test_explorer_data_keeps_every_value_and_the_spec_never_changes(case):
    report = Report.from_config(CASES[case])
    L = report.config.L
    before = json.dumps(explorer.trajectory(True))
    for log in (True, False):
        assert len(explorer.trajectory_data(report, log)["points"]) == L + 1
    assert json.dumps(explorer.trajectory(True)) == before
    d = explorer.gradients_data(report)
    assert len(d["points"]) == 4
    want = {"overflow": {"NaN"}, "dead": {"exactly 0"}, "cancelled": {"cancelled"}, "underflow": {"underflow"},
            "stable": set()}[case]
    assert special(d) == want
    assert len(explorer.by_length_data(report)["points"]) == 4 * L
    assert len(explorer.factors_data(report)["points"]) == 2 * L + 1
    for k in (1, 3, L):
        kept = explorer.terms_data(report, k)["points"].kept
        assert len(kept) == L and (kept == "kept").sum() == min(k, L)


def test_points_carry_the_signed_value_and_what_it_is():
    d = common.points(pd.DataFrame({"v": [1e-3, 10.0, 0.0, np.inf, np.nan, -2.0]}), "v")["points"]
    assert d.status.astype(str).tolist() == ["finite", "finite", "exactly 0", "inf", "NaN", "finite"]
    assert d.value.tolist()[:3] == [1e-3, 10.0, 0.0] and np.isnan(d.value[3]) and d.value.iloc[-1] == -2.0
    given = common.points(pd.DataFrame({"v": [0.0]}), "v", ["cancelled"])["points"]
    assert given.status.astype(str).tolist() == ["cancelled"]  # the engine's word wins over a plain "0"


def test_a_log_axis_never_shows_a_zero_and_a_linear_one_does():
    log, linear = (json.dumps(common.shown(flag).mark_point().to_dict()) for flag in (True, False))
    assert "'finite']" in log and "exactly 0" not in log
    assert "exactly 0" in linear and "underflow" in linear and "abs(" not in linear


def test_sweep_and_home_data():
    seed = seed_experiment()
    d = home.seed_data(seed, "h_init")
    assert len(d["points"]) == 18 and special(d) == {"cancelled"}
    out = phase_diagram(Config(), 3.0, 40, "h_init")
    d = sweep.heatmap_data(out, (1.0, 10))
    assert len(d["finite"]) + len(d["special"]) == 40 * 40
    lines = gradient_lines(Config(), [0.1, 10.0], 12, "wh")
    assert len(sweep.lines_data(lines)["points"]) == 24


def test_training_data_shows_the_stop():
    preset = train.TRAINING_PRESETS["Exploding TinyRNN"]
    plain = train.train(preset["config"], **{**preset["train"], "clip": None}).assign(run="plain SGD")
    clipped = train.train(preset["config"], **preset["train"]).assign(run="clipped SGD")
    both = pd.concat([plain, clipped], ignore_index=True)
    assert "inf" in special(training.loss_data(both))
    assert len(training.params_data(plain, ["wh"])["main"]) == 3  # wh itself stays finite until the stop
    d = training.grad_norm_data(both, 10.0, "norm")
    assert d["threshold"].y.tolist() == [10.0]
    grid = landscape(preset["config"], "wh", "wy", np.linspace(1, 2, 5), np.linspace(0.5, 1.5, 5))
    d = training.landscape_data(grid, clipped, "wh", "wy", training.shade_range(grid))
    assert len(d["grid"]) == 25 and len(d["start"]) == 1


def test_datasets_travel_as_arrow_without_pandas_metadata():
    import pyarrow as pa

    frame = pd.DataFrame({"t": [0, 1], "status": pd.Categorical(["finite", "NaN"])})
    table = pa.ipc.open_stream(common.arrow(frame)).read_all()
    assert table.schema.metadata is None and table.column_names == ["t", "status"]


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
