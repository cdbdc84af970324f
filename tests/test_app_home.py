"""AppTest: the landing page runs the seed experiment live and explains the float32 zero."""
import numpy as np
from app_support import chart_titled, open_page, texts

from tinyrnn import Config, run


def test_defaults_show_the_seed_grid_and_the_callout():
    at = open_page("home")
    assert not at.exception
    spec, data = chart_titled(at, "vanishes at wh_init=0.1")
    assert spec["layer"][0]["encoding"]["y"]["scale"]["type"] == "log"
    assert len(data) == 18  # 3 wh_init x 6 lengths
    for _, row in data.iterrows():
        wh = float(row.wh_init.split("= ")[1])
        assert row.grad == run(Config(wh_init=wh, L=int(row.L))).grads["h_init"]
    zero = data[(data.wh_init == "wh_init = 10") & (data.L == 10)]
    assert zero.status.tolist() == ["exactly 0"]  # marked, not dropped
    assert "not a vanishing gradient" in texts(at)


def test_float64_toggle_reveals_the_true_gradient():
    at = open_page("home")
    at.toggle(key="seed64").set_value(True).run()
    assert not at.exception
    _, data = chart_titled(at, "vanishes at wh_init=0.1")
    cell = data[(data.wh_init == "wh_init = 10") & (data.L == 10)]
    assert cell.grad.tolist() == [2e10] and cell.status.tolist() == ["finite"]
    assert "2.0000e+10" in texts(at)


def test_parameter_radio_switches_the_chart():
    at = open_page("home")
    at.radio(key="seed_param").set_value("wh").run()
    spec, data = chart_titled(at, "|dL/dwh|")
    assert np.isclose(data[(data.wh_init == "wh_init = 1") & (data.L == 10)].grad.iloc[0], 20.0)


def test_bad_link_on_home_warns():
    at = open_page("home", wh="nan")
    assert not at.exception
    assert any("**wh**" in w.value for w in at.warning)
