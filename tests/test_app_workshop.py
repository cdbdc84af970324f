"""AppTest for workshop mode: exercises (guess, answer, progress kept by the link), presenter view, hidden and
fixed controls, and A/B compare links."""
import pytest
from app_support import chart, charts, open_page, texts, values, warnings

from tinyrnn import Config, run
from tinyrnn.app.exercise_list import EXERCISES
from tinyrnn.app.exercises import answer, closeness
from tinyrnn.charts.common import BANDS_NOTE

RIGHT = {1: "2e-6", 2: "1.3e5", 3: "the loss itself rounded to 0", 4: "vanish", 5: "exactly 0", 6: "100",
         7: "vanish", 8: "2", 9: "30"}
WRONG = {1: "0.5", 2: "10", 3: "the gradient vanished", 4: "explode", 5: "inf", 6: "2", 7: "explode", 8: "50",
         9: "90"}


def guess_box(at, number):
    return next(e for e in at.expander if e.label.startswith(f"{number} ·"))


@pytest.mark.parametrize("number", [e.number for e in EXERCISES])
def test_each_exercise_answers_only_after_a_guess_and_says_how_close(number):
    at = open_page("exercises")
    assert not at.exception
    assert not [c for c in charts(at) if c[0]["usermeta"]["chart"] in ("by_length", "terms", "loss")]  # nothing yet
    for guess, right in ((WRONG[number], False), (RIGHT[number], True)):
        at = open_page("exercises", **{f"g{number}": guess})
        box = guess_box(at, number)
        said = " ".join(a.value for a in box.success) + " ".join(a.value for a in box.warning)
        truth = answer(number)
        assert truth.says in said
        assert (len(box.success) == 1) is right, said
        assert len(charts(at)) == 1  # the chart behind the answer appears with it


def test_answers_are_the_engines():
    assert answer(1).value == run(Config(wh_init=0.5, L=20)).grads["h_init"]
    assert answer(6).value == run(Config(wh_init=1.0, L=50)).grads["wh"] == 100.0
    assert answer(3).value == "the loss itself rounded to 0" and answer(8).value == 2
    assert closeness(1, 2e-6, answer(1))[0] and not closeness(1, 2e-3, answer(1))[0]
    assert "3.0 orders of magnitude" in closeness(1, 2e-3, answer(1))[1]
    assert closeness(1, -2e-6, answer(1))[1].endswith("the sign differs.")


def test_a_reload_keeps_every_guess_and_the_progress():
    link = {f"g{n}": RIGHT[n] for n in (1, 2, 3)}
    at = open_page("exercises", **link)
    assert "Progress: 3 of 9 answered" in texts(at)
    again = open_page("exercises", **link)  # a reload is a fresh session with the same link
    assert "Progress: 3 of 9 answered" in texts(again)
    assert [guess_box(again, n).proto.expanded for n in (1, 4)] == [False, True]  # the first unanswered is open


def test_an_exercise_link_opens_that_exercise():
    at = open_page("exercises", ex="7")
    assert guess_box(at, 7).proto.expanded and not guess_box(at, 1).proto.expanded


def test_bad_guesses_in_a_link_are_named():
    at = open_page("exercises", g1="lots", g3="<b>x</b>", ex="42")
    said = " ".join(warnings(at))
    assert "**g1**" in said and "**g3**" in said and "`42`" in said
    assert "Progress: 0 of 9 answered" in texts(at)


def test_presenter_view_and_hidden_controls():
    at = open_page("explorer", present="1", hide="act,offset", act="tanh", wh="1.5", L="50")
    assert not at.exception and not warnings(at)
    assert at.session_state["act"] == "tanh" and at.session_state["offset"] == 1.0
    assert not [s for s in at.selectbox if s.key == "act"]  # hidden: not drawn, value fixed by the link
    assert not [s for s in at.slider if s.key == "offset"]
    assert "Fixed for this lesson: act = tanh, offset = 1.0" in texts(at)
    assert "**Saturated.**" in " ".join(w.value for w in at.warning)
    for spec, _ in charts(at):  # the room reads the charts' type from the back: larger axis and legend text
        assert spec["config"]["axis"]["labelFontSize"] == spec["config"]["legend"]["labelFontSize"] == 16
    for spec, _ in charts(open_page("explorer")):  # the ordinary view keeps Vega's own sizes
        assert "labelFontSize" not in str(spec.get("config", {}))


def test_hiding_an_unknown_control_is_named_not_obeyed():
    at = open_page("explorer", hide="act,<img src=x>,clip")
    said = " ".join(warnings(at))
    assert "`<img src=x>`" in said and "`clip`" in said
    assert [s for s in at.slider if s.key == "wh"]


def test_compare_links_hold_both_settings_on_shared_axes():
    at = open_page("compare", wh="0.9", b_wh="1.1", L="30", b_L="30", b_dtype="float64")
    assert not at.exception and not warnings(at)
    assert (at.session_state["wh"], at.session_state["b_wh"], at.session_state["b_dtype"]) == (0.9, 1.1, "float64")
    _, data = chart(at, "lengths")
    drawn = values(data)
    assert set(drawn.setting) == {"A", "B"} and len(drawn) == 60
    a = drawn[(drawn.setting == "A") & (drawn.L == 30)].value.iloc[0]
    assert a == run(Config(wh_init=0.9, L=30)).grads["h_init"]
    assert "B is" in texts(at)


def test_float32_against_float64_of_the_same_setting():
    at = open_page("compare", wh="10", L="10", b_wh="10", b_L="10", b_dtype="float64")
    said = " ".join(e.value for e in at.error) + " ".join(w.value for w in at.warning)
    assert "**Cancelled.**" in said and "**Exploding.**" in said


def test_bad_compare_links_warn_like_every_page():
    at = open_page("compare", b_wh="abc", b_act="softplus", b_L="0")
    said = " ".join(warnings(at))
    for key in ("b_wh", "b_act", "b_L"):
        assert f"**{key}**" in said
    assert at.session_state["b_wh"] == 1.1  # B's default, as the warning says


def test_the_answered_question_stays_open_with_its_answer_and_the_next_opens():
    """Review finding 8: Enter on a guess collapsed question 1 (its answer unseen) and opened question 2."""
    at = open_page("exercises")
    at.number_input(key="g1").set_value(0.5).run()
    assert not at.exception
    assert guess_box(at, 1).proto.expanded and guess_box(at, 2).proto.expanded
    assert answer(1).says in " ".join(w.value for w in guess_box(at, 1).warning)
    at.radio(key="g3").set_value(RIGHT[3]).run()  # answering a later one moves the open pair along
    assert guess_box(at, 3).proto.expanded and guess_box(at, 4).proto.expanded
    assert not guess_box(at, 1).proto.expanded
    at.run()  # a rerun that changes no guess keeps them
    assert guess_box(at, 3).proto.expanded
    at.number_input(key="g9").set_value(30.0).run()  # the last one: the first still unanswered is next
    assert guess_box(at, 9).proto.expanded and guess_box(at, 2).proto.expanded and not guess_box(at, 3).proto.expanded


def test_progress_marks_wrong_answers_apart_from_right_ones():
    """Review finding 17: a wrong answer was ticked ✓ in the progress line."""
    at = open_page("exercises", g1=WRONG[1], g2=RIGHT[2], g3=WRONG[3])
    line = next(m.value for m in at.markdown if m.value.startswith("**Progress"))
    assert "3 of 9 answered, 1 right" in line and "1✗ 2✓ 3✗ 4·" in line


def test_closeness_words_fit_every_guess():
    """Review finding 17: an exact guess read "Spot on (within 12%)"; the words now give the guess's own error."""
    truth = answer(1)
    assert closeness(1, truth.value, truth) == (True, "Exactly the engine's value.")
    for factor in (1.05, 0.95, 1.12, 0.9):
        right, words = closeness(1, truth.value * factor, truth)
        assert right and words == f"Spot on: {100 * abs(factor - 1):.2g}% off.", (factor, words)


def test_an_ignored_exercise_number_leaves_the_address_bar():
    """Review finding 12: ?ex=99 was called ignored yet stayed in the link."""
    at = open_page("exercises", ex="99", g2="5")
    assert any("`99`" in w and "ignored" in w for w in warnings(at))
    assert "ex" not in at.query_params and at.query_params["g2"] == "5"
    assert open_page("exercises", ex="7").query_params["ex"] == "7"  # a valid one stays


def test_the_exercises_say_the_sidebar_settings_do_not_apply():
    """Review finding 18."""
    at = open_page("exercises")
    assert any("change nothing on this page" in c.value for c in at.sidebar.caption)


@pytest.mark.parametrize("number", [3, 8, 9])
def test_answer_charts_carry_the_band_key(number):
    """Review finding 19: exercise 3's chart puts ■ cancelled marks in the = 0 band, with no key to them."""
    at = open_page("exercises", **{f"g{number}": RIGHT[number]})
    box = guess_box(at, number)
    assert any(BANDS_NOTE in c.value for c in box.caption)
    if number == 3:
        spec, data = charts(at)[0]
        assert "cancelled" in set(values(data).status)
