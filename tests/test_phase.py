"""Phase diagrams: cell statuses, block reduction and the |factor| = 1 boundary, against the engine."""
import numpy as np
import pytest

from tinyrnn import Config, run
from tinyrnn.app.sweep_inputs import cell_center, parse_wh_list
from tinyrnn.core.phase import STATUSES, boundary
from tinyrnn.core.phase import gradient_lines as lines
from tinyrnn.core.phase import phase_diagram as phase


def test_lines_match_run_and_mark_the_cancelled_cell():
    df = lines(Config(), [0.1, 1.0, 10.0], 10, "h_init")
    assert len(df) == 30
    for _, row in df.sample(10, random_state=0).iterrows():
        assert row.grad == run(Config(wh_init=row.wh_init, L=int(row.L))).grads["h_init"]
    cell = df[(df.wh_init == 10.0) & (df.L == 10)]
    assert cell.status.tolist() == ["cancelled"]
    assert set(df.status) <= set(STATUSES)


def test_statuses_distinguish_overflow_zero_and_cancellation():
    df = lines(Config(), [-0.5, 0.1, 10.0], 120, "h_init")
    by = df.groupby("wh_init").status.agg(set)
    assert by[-0.5] == {"exactly 0"}  # dead relu: zero in exact math too
    assert by[0.1] == {"finite", "underflow"}  # 0.1^L rounds to 0 after ~45 steps: not zero in exact math
    assert {"cancelled", "NaN"} <= by[10.0]


@pytest.mark.parametrize("cfg, wh, param, status", [
    (Config(), 0.0, "h_init", "exactly 0"),  # wh = 0 forgets h_{t-1}
    (Config(wy=0.0), 0.5, "h_init", "exactly 0"),  # y_L ignores h
    (Config(wy=0.0), 0.5, "wy", "underflow"),  # wy itself still learns: 2 offset h_L, with h_L = 0.5^200 rounded to 0
    (Config(offset=0.0), 0.5, "wh", "exactly 0"),  # no signal
    (Config(h_init=0.0, activation="tanh"), 0.5, "wh", "exactly 0"),  # h stays exactly 0: every term of dL/dwh is 0
    (Config(h_init=0.0, activation="tanh"), 0.5, "wy", "exactly 0"),
    (Config(activation="tanh", wh_init=0.1), 0.1, "h_init", "underflow"),  # tanh' > 0 always: a 0 is rounding
    (Config(activation="sigmoid", h_init=0.0), 0.5, "wy", "finite"),  # sigmoid(0) = 1/2: never exactly 0
])
def test_exact_zeros_and_underflow_are_told_apart(cfg, wh, param, status):
    df = lines(cfg, [wh], 200, param)
    assert df.status.iloc[-1] == status, df.tail(3)


def test_phase_cells_are_the_engine_values_at_full_resolution():
    out = phase(Config(dtype="float64"), 2.0, 50, "wh")
    cells = out["cells"]
    assert len(cells) == 50 * 50 and out["block"] == 1
    wh = np.linspace(-2, 2, 50)
    for i, j in [(5, 3), (40, 10), (49, 49), (30, 0)]:
        r = run(Config(wh_init=wh[i], L=j + 1, dtype="float64"))
        row = cells.iloc[i * 50 + j]
        assert row.wh_lo < wh[i] < row.wh_hi and row.L_lo < j + 1 < row.L_hi
        if row.status == "finite":
            assert row.log10 == pytest.approx(np.log10(abs(r.grads["wh"])), abs=1e-9)
        else:
            assert r.grads["wh"] == 0 or not np.isfinite(r.grads["wh"])


def test_large_grids_are_drawn_as_blocks():
    out = phase(Config(), 3.0, 400, "h_init", display_max=200)
    assert out["block"] == 2 and len(out["cells"]) == 200 * 200
    assert out["cells"].wh_hi.max() == pytest.approx(3.0 + 6.0 / 399 / 2)


def test_relu_boundary_is_wh_equal_one_and_tanh_has_none():
    b = phase(Config(), 3.0, 101, "h_init")["boundary"]
    assert len(b) == 101 and np.allclose(b.wh_init, 1.0, atol=1e-3)  # linear interpolation of log|wh|
    assert phase(Config(activation="tanh"), 3.0, 101, "h_init")["boundary"].empty
    assert len(phase(Config(activation="identity"), 3.0, 101, "h_init")["boundary"]) == 2 * 101


def test_boundary_interpolates_sign_changes():
    m = np.array([[-1.0, -1.0], [1.0, 3.0]])  # rows = wh, columns = L
    b = boundary(np.array([0.0, 2.0]), m)
    assert b.wh_init.tolist() == [1.0, 0.5] and b.L.tolist() == [1, 2]


def test_parse_wh_list_explains_each_rejected_entry():
    values, problems = parse_wh_list("0.1, abc, 1, 1, 50, nan, -2; 3\n4")
    assert values == [0.1, 1.0, -2.0, 3.0, 4.0]  # commas, semicolons and new lines all separate
    assert problems == ["`abc` is not a number", "1 is listed twice", "`50` is outside -12..12",
                        "`nan` is not a number"]
    assert parse_wh_list(",".join(str(i) for i in range(10)))[1][-1] == "only 8 values fit; 9 was left out"
    values, problems = parse_wh_list(",".join(["1"] * 30000))  # a crafted link: bounded work, bounded words
    assert values == [1.0] and len(problems) == 50 and "only the first 50 were read" in problems[-1]


def test_parse_wh_list_says_when_it_rounds_to_the_sliders_step():
    values, problems = parse_wh_list("0, 0.0001, 0.123")  # nothing changed in silence, no false "twice"
    assert values == [0.0, 0.12]
    assert problems == ["0.0001 rounds to 0 (wh_init moves in steps of 0.01), which is already listed",
                        "0.123 is rounded to 0.12 (wh_init moves in steps of 0.01)"]


def test_cell_center_rounds_to_slider_steps_and_clips():
    assert cell_center({"wh_lo": 1.99, "wh_hi": 2.02, "L_lo": 6.5, "L_hi": 7.5}) == (2.0, 7)
    assert cell_center({"wh_lo": 11.9, "wh_hi": 12.2, "L_lo": 999.5, "L_hi": 1003.5}) == (12.0, 1002)  # half to even
    assert cell_center({"wh_lo": -0.01, "wh_hi": 0.0, "L_lo": -3, "L_hi": 0}) == (-0.01, 1)


def test_block_size_divides_the_grid_or_draws_everything():
    from tinyrnn.core.phase import _block_size  # private: imported for this test only
    assert [_block_size(r, 100) for r in (50, 100, 200, 400, 800, 150, 101)] == [1, 1, 2, 4, 8, 2, 1]
