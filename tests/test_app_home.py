"""AppTest: the landing page runs the seed experiment live and explains the float32 zero."""
import numpy as np
from app_support import chart, open_page, texts, values, warnings

from tinyrnn import Config, run


def test_defaults_show_the_seed_grid_and_the_callout():
    at = open_page("home")
    assert not at.exception
    spec, data = chart(at, "seed_lines")
    drawn = values(data)
    assert len(drawn) == 18  # 3 wh_init x 6 lengths, every one drawn (the zero in its band)
    for row in drawn.itertuples():
        wh = float(row.wh.split("= ")[1])
        want = run(Config(wh_init=wh, L=int(row.L))).grads["h_init"]
        assert row.value == want or (want == 0 and row.status == "cancelled")
    zero = drawn[(drawn.wh == "wh_init = 10") & (drawn.L == 10)]
    assert zero.status.tolist() == ["cancelled"]  # marked as what it is, not dropped, not "vanishing"
    assert "not a vanishing gradient" in texts(at)
    title = next(m.value for m in at.markdown if "against L" in m.value)
    assert "shrinks ×0.1 per step at wh_init = 0.1" in title and "grows ×10 per step" in title


def test_the_table_reads_the_regime_at_every_length():
    at = open_page("home")
    table = at.dataframe[0].value
    words = table.groupby("wh_init").diagnosis.agg(list).to_dict()
    assert words[0.1] == ["vanishing"] * 6 and words[1.0] == ["stable"] * 6
    assert words[10.0] == ["exploding"] * 5 + ["cancelled"]


def test_float64_toggle_reveals_the_true_gradient():
    at = open_page("home")
    at.toggle(key="seed64").set_value(True).run()
    assert not at.exception
    _, data = chart(at, "seed_lines")
    drawn = values(data)
    cell = drawn[(drawn.wh == "wh_init = 10") & (drawn.L == 10)]
    assert cell.value.tolist() == [2e10] and cell.status.tolist() == ["finite"]
    assert "2.0000e+10" in texts(at)


def test_parameter_radio_switches_the_chart_and_says_dwh_bends():
    at = open_page("home")
    at.radio(key="seed_param").set_value("wh").run()
    spec, data = chart(at, "seed_lines")
    drawn = values(data)
    assert np.isclose(drawn[(drawn.wh == "wh_init = 1") & (drawn.L == 10)].value.iloc[0], 20.0)
    assert "grows as 2L" in texts(at)


def test_bad_link_on_home_warns():
    at = open_page("home", wh="nan")
    assert not at.exception
    assert any("**wh**" in w for w in warnings(at))


def test_the_diagnosis_sits_beside_its_setting_and_the_caption_reads_the_column():
    """Review findings 11 and 20: on a phone the diagnosis column was off-screen; the caption said "×10 exploding"
    beside a row reading "cancelled"."""
    for toggle in (False, True):
        at = open_page("home")
        at.toggle(key="seed64").set_value(toggle).run()
        table = at.dataframe[0].value
        assert list(table.columns)[:3] == ["wh_init", "L", "diagnosis"]
        caption = next(c.value for c in at.caption if c.value.startswith("The diagnosis column"))
        for wh, rows in table.groupby("wh_init"):
            words = set(rows.diagnosis)
            if len(words) == 1:
                assert f"(wh_init = {wh:g}) reads {words.pop()} at every L" in caption
        cancelled = table[table.diagnosis == "cancelled"]
        assert ("cancelled at L = 10" in caption) == (len(cancelled) == 1) == (not toggle)


def test_the_float32_zero_is_a_teaching_note_not_an_error():
    """Review finding 20: a red error box for a teaching point."""
    at = open_page("home")
    assert not at.error
    assert any("not a vanishing gradient" in i.value for i in at.info)


def test_go_further_links_are_short_with_their_words_below():
    """Review finding 11: on a phone each link's label was cut after one line ("watch ev...")."""
    at = open_page("home")
    labels = [link.proto.label for link in at.get("page_link") if link.proto.label.startswith("**")]
    assert len(labels) == 6 and all(":" not in label and len(label) < 20 for label in labels)
    assert any("throw plain SGD off a cliff" in c.value for c in at.caption)


def test_home_says_the_sidebar_settings_do_not_apply_here():
    """Review finding 18."""
    at = open_page("home")
    assert any("change nothing on this page" in c.value for c in at.sidebar.caption)
