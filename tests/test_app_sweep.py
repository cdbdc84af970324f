"""AppTest: the Sweep page draws what the engine computed, marks every special cell, survives bad input."""
import numpy as np
import pytest
from app_support import chart, charts, open_page, texts, values

from tinyrnn import ACTIVATION_NAMES, Config
from tinyrnn.core.phase import phase_diagram


def heatmap_cells(datasets) -> "pd.DataFrame":  # noqa: F821
    both = [datasets["finite"].assign(status="finite"), datasets["special"].assign(
        status=datasets["special"].status.astype(str))]
    import pandas as pd

    return pd.concat(both).sort_values(["wh_lo", "L_lo"]).reset_index(drop=True)


def test_defaults_show_the_seed_lines_and_the_phase_diagram():
    at = open_page("sweep")
    assert not at.exception, [e.value for e in at.exception]
    _, lines = chart(at, "lines")
    drawn = values(lines)
    assert sorted(drawn.wh.unique()) == ["wh_init = 0.1", "wh_init = 1", "wh_init = 10"]
    cancelled = drawn[drawn.status == "cancelled"].sort_values("L")
    # float32 spacing near 1e8 is 8, so 10^8 - 1 already rounds back: L = 8, 9, 10 all cancel
    assert cancelled[["wh", "L"]].values.tolist() == [["wh_init = 10", 8], ["wh_init = 10", 9], ["wh_init = 10", 10]]
    spec, data = chart(at, "heatmap")
    cells = heatmap_cells(data)
    assert len(cells) == 100 * 100  # computed 200 x 200, drawn as 2 x 2 blocks
    want = phase_diagram(Config(), 3.0, 200, "h_init")["cells"].sort_values(["wh_lo", "L_lo"])
    np.testing.assert_array_equal(cells.status.to_numpy(), want.status.to_numpy())
    finite = want.status.to_numpy() == "finite"  # a special block shows its status, not its finite cells' median
    np.testing.assert_allclose(cells.log10.to_numpy()[finite], want.log10.to_numpy()[finite])
    assert data["here"].to_dict("records") == [{"wh_init": 1.0, "L": 10, "what": "your setting"}]
    assert len(data["boundary"]) > 0  # relu: the wh = 1 line
    legend = spec["layer"][0]["encoding"]["color"]["legend"]  # the colour bar spans what occurs, ends labelled
    assert "data('extent')" in legend["values"]["expr"] and "white = 1" in str(spec)
    assert data["extent"].hi.tolist() == [9]  # up to 10^8.x: float32 cancels before anything larger shows
    assert "No drawn block here goes above 10^8" in texts(at)  # float32 cancels before it can explode


def test_minis_cover_every_activation_on_one_scale():
    at = open_page("sweep")
    minis = [c for c in charts(at) if c[0]["usermeta"]["chart"] == "mini"]
    assert len(minis) == len(ACTIVATION_NAMES)
    for _, data in minis:
        assert len(data["finite"]) + len(data["special"]) == 40 * 40
    assert len({tuple(data["extent"].iloc[0]) for _, data in minis}) == 1  # one colour bar for the row
    assert [f"**{a}**" in [m.value for m in at.markdown] for a in ACTIVATION_NAMES] == [True] * 5


@pytest.mark.parametrize("res", ["50", "800"])
def test_extreme_resolutions(res):
    at = open_page("sweep", res=res, param="wy", span="12")
    assert not at.exception
    assert len(heatmap_cells(chart(at, "heatmap")[1])) == min(int(res), 100) ** 2


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_every_activation(activation):
    at = open_page("sweep", act=activation, param="wh", res="100")
    assert not at.exception
    assert len(charts(at)) == 7


def test_compare_float32_and_float64_draws_two_diagrams():
    at = open_page("sweep", compare="true", wh="10", L="10")
    assert not at.exception
    titles = [m.value for m in at.markdown]
    assert any(t.startswith("**float32:") for t in titles) and any(t.startswith("**float64:") for t in titles)
    maps = [c for c in charts(at) if c[0]["usermeta"]["chart"] == "heatmap"]
    assert len(maps) == 2
    assert maps[0][1]["extent"].equals(maps[1][1]["extent"])  # one colour bar for both
    f32, f64 = (heatmap_cells(m[1]) for m in maps)
    assert (f64.status == "finite").sum() > (f32.status == "finite").sum()  # float64 holds more cells apart


def test_bad_wh_list_is_explained_and_the_rest_drawn():
    at = open_page("sweep", whs="0.5, banana, 99, 2")
    assert not at.exception
    said = " ".join(w.value for w in at.warning)
    assert "`banana` is not a number" in said and "`99` is outside" in said
    _, lines = chart(at, "lines")
    assert sorted(values(lines).wh.unique()) == ["wh_init = 0.5", "wh_init = 2"]


def test_bad_links_warn():
    at = open_page("sweep", res="7", span="x", param="bias")
    assert not at.exception
    said = " ".join(w.value for w in at.warning)
    for key in ("res", "span", "param"):
        assert f"**{key}**" in said


def test_a_clicked_cell_opens_in_the_explorer():
    at = open_page("sweep")
    from tinyrnn.app.sweep_inputs import cell_center

    assert cell_center({"wh_lo": 2.0, "wh_hi": 2.04, "L_lo": 36.5, "L_hi": 37.5}) == (2.02, 37)
    assert cell_center({"wh_lo": 30.0, "wh_hi": 31.0, "L_lo": 4000.5, "L_hi": 4001.5}) == (12.0, 2000)
    assert "Click a cell to open it in the Explorer" in texts(at)
