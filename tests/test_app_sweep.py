"""AppTest: the Sweep page draws what the engine computed, marks every special cell, survives bad input."""
import numpy as np
import pytest
from app_support import chart_titled, charts, heatmap_cells, open_page

from tinyrnn import ACTIVATION_NAMES, Config
from tinyrnn.core.phase import phase_diagram as phase


def test_defaults_show_the_seed_lines_and_the_phase_diagram():
    at = open_page("sweep")
    assert not at.exception, [e.value for e in at.exception]
    spec, lines = chart_titled(at, "How each wh_init")
    assert sorted(lines.wh.unique()) == ["wh_init = 0.1", "wh_init = 1", "wh_init = 10"]
    cancelled = lines[lines.status == "cancelled"]
    # float32 spacing near 1e8 is 8, so 10^8 - 1 already rounds back: L = 8, 9, 10 all cancel
    assert cancelled[["wh", "L"]].values.tolist() == [["wh_init = 10", 8], ["wh_init = 10", 9], ["wh_init = 10", 10]]
    spec, _ = chart_titled(at, "blue vanishes")
    cells = heatmap_cells(at)
    assert len(cells) == 100 * 100  # computed 200 x 200, drawn as 2 x 2 blocks
    want = phase(Config(), 3.0, 200, "h_init")
    np.testing.assert_array_equal(cells.status.to_numpy(), want["cells"].status.to_numpy())
    np.testing.assert_allclose(cells.log10.to_numpy(), want["cells"].log10.to_numpy())
    layers = spec["layer"]
    assert any(layer.get("mark", {}).get("shape") == "cross" for layer in layers)  # you are here
    boundary = [layer for layer in layers if "wh_init" in str(layer.get("encoding", {}).get("x"))]
    assert boundary, "the |factor| = 1 boundary layer is missing"
    assert spec["layer"][0]["encoding"]["color"]["scale"]["domainMid"] == 0
    assert "vanishing" in spec["layer"][0]["encoding"]["color"]["legend"]["labelExpr"]


def test_minis_cover_every_activation():
    at = open_page("sweep")
    spec, data = chart_titled(at, "per activation")
    assert sorted(data.activation.unique()) == sorted(ACTIVATION_NAMES)
    assert len(data) == 5 * 40 * 40


@pytest.mark.parametrize("res", ["50", "800"])
def test_extreme_resolutions(res):
    at = open_page("sweep", res=res, param="wy", span="12")
    assert not at.exception
    assert len(heatmap_cells(at)) == min(int(res), 100) ** 2


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_every_activation(activation):
    at = open_page("sweep", act=activation, param="wh", res="100")
    assert not at.exception
    assert len(charts(at)) == 3


def test_compare_float32_and_float64():
    at = open_page("sweep", compare="true", wh="10", L="10")
    assert not at.exception
    (spec, _), = [c for c in charts(at) if "hconcat" in c[0]]
    titles = [panel["title"] for panel in spec["hconcat"]]
    assert titles[0].startswith("float32") and titles[1].startswith("float64")


def test_bad_wh_list_is_explained_and_the_rest_drawn():
    at = open_page("sweep", whs="0.5, banana, 99, 2")
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "'banana' is not a number" in warnings and "99 is outside" in warnings
    _, lines = chart_titled(at, "How each wh_init")
    assert sorted(lines.wh.unique()) == ["wh_init = 0.5", "wh_init = 2"]


def test_bad_links_warn():
    at = open_page("sweep", res="7", span="x", param="bias")
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    for key in ("res", "span", "param"):
        assert f"**{key}**" in warnings
