"""AppTest: the Explorer's numbers are the engine's; presets, extremes and bad links never crash."""
import numpy as np
import pytest
from app_support import chart_titled, charts, open_page

from tinyrnn import Config, Report
from tinyrnn.controls import CONTROLS
from tinyrnn.presets import PRESETS, preset_values

FIELDS = {"wh": "wh_init", "L": "L", "act": "activation", "offset": "offset", "h0": "h_init", "wy": "wy", "wx": "wx",
          "dtype": "dtype"}


def config_of(at) -> Config:
    return Config(**{field: at.session_state[key] for key, field in FIELDS.items()})


def banner(at) -> str:
    return " ".join(e.value for kind in ("success", "info", "warning", "error") for e in getattr(at, kind))


def check_numbers_match_engine(at):
    assert not at.exception, [e.value for e in at.exception]
    cfg = config_of(at)
    report = Report.from_config(cfg)
    r = report.result
    assert report.diagnosis.explanation in banner(at)
    _, grads = chart_titled(at, "Gradients after L=" if any("Gradients after" in str(s.get("title")) for s, _ in
                                                            charts(at)) else "No parameter")
    for _, row in grads.iterrows():
        want = r.grads[row.param]
        if np.isfinite(want):
            assert row.grad == want, row.param
        else:  # JSON has no inf/NaN: the chart carries them in its status column, drawn as special markers
            assert row.status == ("NaN" if np.isnan(want) else "inf"), row.param
    _, traj = chart_titled(at, "h_t")
    assert len(traj) == cfg.L + 1
    assert len(charts(at)) == 4


def test_defaults():
    at = open_page("explorer")
    check_numbers_match_engine(at)
    assert config_of(at) == Config(wh_init=1.0, L=10)


def test_deep_link_sets_every_control():
    at = open_page("explorer", wh="2.5", L="7", act="tanh", offset="-0.5", h0="0.3", wy="2", wx="0.1",
                   dtype="float64", log="false")
    assert config_of(at) == Config(wh_init=2.5, L=7, activation="tanh", offset=-0.5, h_init=0.3, wy=2.0, wx=0.1,
                                   dtype="float64")
    assert not [w for w in at.warning if 'Link parameter' in w.value]
    check_numbers_match_engine(at)
    spec, _ = chart_titled(at, "h_t")
    assert "linear scale" in str(spec)


@pytest.mark.parametrize("name", list(PRESETS))
def test_each_preset(name):
    at = open_page("explorer")
    at.button(key=f"preset_{name}").click().run()
    for key, value in preset_values(name).items():
        assert at.session_state[key] == value
    check_numbers_match_engine(at)
    assert any(PRESETS[name]["look"] in i.value for i in at.info)


@pytest.mark.parametrize("key", ["wh", "L", "offset", "h0", "wy", "wx"])
@pytest.mark.parametrize("end", ["lo", "hi"])
def test_each_control_at_its_extremes(key, end):
    at = open_page("explorer")
    control = CONTROLS[key]
    value = getattr(control, end)
    at.slider(key=key).set_value(int(value) if control.kind == "int" else float(value)).run()
    check_numbers_match_engine(at)


@pytest.mark.parametrize("params", [
    {"wh": "12", "L": "1000"}, {"wh": "-12", "L": "1000", "act": "identity"}, {"wh": "12", "L": "300"},
    {"wh": "2.03", "L": "1000", "dtype": "float64"}, {"wh": "0", "L": "1", "offset": "0"}, {"h0": "0", "wy": "0"},
    {"wh": "12", "L": "1000", "act": "tanh", "h0": "5", "wx": "5"},
])
def test_extreme_combinations_render(params):
    at = open_page("explorer", **params)
    check_numbers_match_engine(at)


@pytest.mark.parametrize("activation", CONTROLS["act"].options)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_every_activation_and_dtype(activation, dtype):
    at = open_page("explorer", act=activation, dtype=dtype, wh="3", L="300")
    check_numbers_match_engine(at)


@pytest.mark.parametrize("params, named", [
    ({"wh": "abc"}, "wh"), ({"wh": "nan"}, "wh"), ({"wh": "inf"}, "wh"), ({"wh": "1e300"}, "wh"),
    ({"L": "-3"}, "L"), ({"L": "5000"}, "L"), ({"L": "2.5"}, "L"), ({"act": "softplus"}, "act"),
    ({"act": "<script>alert(1)</script>"}, "act"), ({"dtype": "float16"}, "dtype"), ({"log": "maybe"}, "log"),
    ({"offset": "**bold**"}, "offset"), ({"bogus": "1"}, "bogus"),
])
def test_bad_links_warn_and_never_crash(params, named):
    at = open_page("explorer", **params)
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert any(f"**{named}**" in w for w in warnings), warnings
    assert any("Using" in w or "ignored" in w for w in warnings)
    check_numbers_match_engine(at)


def test_markup_in_links_is_shown_as_code_not_rendered():
    at = open_page("explorer", act="<b>x</b>`code`")
    (w,) = [w.value for w in at.warning if "**act**" in w.value]
    assert "`<b>x</b>'code'`" in w


def test_dismissed_warnings_do_not_come_back_for_parameters_left_in_the_url():
    at = open_page("explorer", bogus="1")
    assert any("**bogus**" in w.value for w in at.warning)
    at.button(key="_dismiss_url").click().run()
    at.slider(key="L").set_value(12).run()
    assert not [w for w in at.warning if "Link parameter" in w.value]


def test_warnings_stay_until_dismissed():
    at = open_page("explorer", wh="abc")
    at.slider(key="L").set_value(12).run()
    assert any("**wh**" in w.value for w in at.warning)
    at.button(key="_dismiss_url").click().run()
    assert not [w for w in at.warning if "Link parameter" in w.value]


def test_gradient_vs_length_names_the_float32_cancellation():
    at = open_page("explorer", wh="10", L="10")
    _, data = chart_titled(at, "Gradient against sequence length")
    cancelled = sorted(set(data[data.status == "cancelled"].L))
    assert cancelled == [8, 9, 10]  # float32 numbers near 1e8 are 8 apart: y_L - 1 rounds back from L = 8 on
    assert not (data.status == "exactly 0").any()
