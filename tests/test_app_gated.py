"""AppTest: the cell selector on every page that runs the cell, and the gated cell's numbers drawn as computed."""
import numpy as np
import pandas as pd
import pytest
from app_support import chart, charts, open_page, texts, values

from tinyrnn import Config, Report
from tinyrnn.app.sweep_inputs import cell_center
from tinyrnn.core.phase import phase_diagram

GATED = dict(cell="gru", bz="-4", act="tanh", wh="0.5", L="50")


def slider_keys(at) -> set[str]:
    return {s.key for s in at.slider}


def test_the_plain_cell_shows_no_gate_and_the_gated_cell_its_three_weights():
    plain = open_page("explorer")
    assert not plain.exception
    assert not {"bz", "wz", "uz"} & slider_keys(plain)
    assert plain.selectbox(key="cell").value == "plain"
    gated = open_page("explorer", **GATED)
    assert not gated.exception, [e.value for e in gated.exception]
    assert {"bz", "wz", "uz"} <= slider_keys(gated)
    assert gated.slider(key="bz").value == -4.0


def test_the_explorer_draws_the_gated_cells_own_numbers():
    at = open_page("explorer", **GATED)
    cfg = Config(cell="gru", bz=-4.0, activation="tanh", wh_init=0.5, L=50)
    report = Report.from_config(cfg)
    assert report.diagnosis.explanation in texts(at)
    assert "kept share 1 − z = 0.982" in report.diagnosis.explanation
    _, data = chart(at, "gradients")
    drawn = values(data).set_index("param")
    assert list(drawn.index) == ["h_init", "wh", "wy", "wx", "wz", "uz", "bz"]
    for p, want in report.result.grads.items():
        assert drawn.loc[p].value == want, p
    spec, data = chart(at, "factors")
    drawn = values(data)
    keep = drawn[drawn.series == "kept share 1 − z_t"].sort_values("t")
    np.testing.assert_array_equal(keep.value.to_numpy(), 1 - report.result.gates.astype(np.float64))
    factor = drawn[drawn.series == "per-step factor"].sort_values("t")
    np.testing.assert_array_equal(factor.value.to_numpy(), report.dynamics.factors)
    assert "kept share 1 − z_t, which needs no slope" in texts(at)
    _, data = chart(at, "by_length")
    assert set(values(data).param) == set(cfg.params)
    assert "dL/duz and dL/dbz coincide" in texts(at)  # x_t = 1: the same terms, one line hides the other


def test_the_sweep_draws_the_phase_diagram_over_the_gate_bias_and_a_click_sets_bz():
    at = open_page("sweep", cell="gru", act="tanh", wh="0.5", over="bz", param="bz", res="100")
    assert not at.exception, [e.value for e in at.exception]
    spec, data = chart(at, "heatmap")
    assert spec["layer"][0]["encoding"]["x"]["field"] == "bz_lo"
    both = pd.concat([data["finite"].assign(status="finite"),
                      data["special"].assign(status=data["special"].status.astype(str))])
    want = phase_diagram(Config(cell="gru", activation="tanh", wh_init=0.5), 3.0, 100, "bz", over="bz")["cells"]
    assert len(both) == len(want)
    got = both.sort_values(["bz_lo", "L_lo"]).reset_index(drop=True)
    want = want.sort_values(["bz_lo", "L_lo"]).reset_index(drop=True)
    np.testing.assert_array_equal(got.status.to_numpy(), want.status.to_numpy())
    assert data["here"].to_dict("records") == [{"bz": 0.0, "L": 10, "what": "your setting"}]
    assert any("over bz, the gate's bias × L" in h.value for h in at.subheader)
    assert cell_center({"bz_lo": -4.02, "bz_hi": -3.98, "L_lo": 36.5, "L_hi": 37.5}, "bz") == (-4.0, 37)


def test_the_plain_cell_has_no_gate_to_sweep_and_the_gated_grid_stops_at_400():
    plain = open_page("sweep", param="bz")
    assert not plain.exception
    assert "belongs to the gated cell's gate" in texts(plain)
    assert chart(plain, "heatmap")[1]["finite"].columns[0] == "wh_lo"
    big = open_page("sweep", cell="gru", res="800")
    assert not big.exception, [e.value for e in big.exception]
    assert "showing 400" in texts(big)


def test_compare_b_can_be_the_gated_cell():
    at = open_page("compare", b_cell="gru", b_bz="-4", b_act="tanh", b_wh="0.5", act="tanh", wh="0.5", L="50")
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="b_cell").value == "gru"


@pytest.mark.parametrize("bad", ["lstm", "GRU", ""])
def test_a_link_naming_an_unknown_cell_falls_back_to_plain_and_says_so(bad):
    at = open_page("explorer", cell=bad)
    assert not at.exception
    assert at.selectbox(key="cell").value == "plain"
    assert any("cell" in w.value for w in at.warning)


def test_training_moves_the_gate_of_the_gated_cell_and_the_plain_cell_says_it_has_none():
    at = open_page("training", cell="gru", act="tanh", wh="0.5", L="50", bz="-4", train=["wh", "bz"], steps="50")
    assert not at.exception, [e.value for e in at.exception]
    maps = [c for c in charts(at) if c[0]["usermeta"]["chart"] == "landscape"]
    assert len(maps) == 2  # two trained parameters: wh and the gate's bz, with both paths
    plain = open_page("training", train=["wh", "bz"], steps="50")
    assert not plain.exception, [e.value for e in plain.exception]
    assert "bz belongs to the gated cell's gate" in texts(plain)
