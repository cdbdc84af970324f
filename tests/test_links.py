"""Links: every value judged by one strict rule, named with what is allowed and what is used instead; text from a
link is shown as a literal, never as Markdown."""
import pytest

from tinyrnn.app.controls import CONTROLS, config_from, defaults, lengths, page_keys, values_from
from tinyrnn.app.links import judge, judge_link, literal, parse_number, warnings_for
from tinyrnn.core.config import Config


def test_every_control_accepts_its_own_default():
    for key, control in CONTROLS.items():
        default = defaults()[key]
        if default is None:  # a guess: none until the learner gives one
            assert judge(control, [""]).problem is None and judge(control, [""]).use is None
            continue
        raw = default if isinstance(default, list) else [str(default).lower() if isinstance(default, bool)
                                                         else f"{default:g}" if isinstance(default, float)
                                                         else str(default)]
        verdict = judge(control, raw)
        assert verdict.problem is None and verdict.use == default, key


@pytest.mark.parametrize("key, raw, fragment, used", [
    ("wh", ["abc"], "is not a number", 1.0), ("wh", ["nan"], "is not a number", 1.0),
    ("wh", ["1e9"], "out of range", 1.0), ("wh", ["1e400"], "out of range", 1.0),
    ("wh", ["-1e999"], "out of range", 1.0), ("cell", ["lstm"], "not one of the choices", "plain"),
    ("bz", ["-9"], "out of range", 0.0), ("L", ["2.5"], "not a whole number", 10), ("L", ["0"], "out of range", 10),
    ("act", ["softplus"], "not one of the choices", "relu"), ("log", ["yes"], "not true or false", True),
    ("log", [" false"], "not true or false", True), ("compare", ["TRUE "], "not true or false", False),
    ("wh", ["1_0"], "is not a number", 1.0), ("wh", ["٣"], "is not a number", 1.0),
    ("wh", ["0x10"], "not a number", 1.0), ("wh", ["2", "3"], "given 2 times", 3.0),
    ("wh", ["abc", "5"], "given 2 times", 5.0), ("wh", ["5", ""], "given 2", 5.0),
    ("wh", [""], "is empty", 1.0), ("wh", ["1.23456"], "rounded to 1.23", 1.23),
])
def test_problem_says_what_and_what_is_used(key, raw, fragment, used):
    verdict = judge(CONTROLS[key], raw)
    assert fragment in verdict.problem and verdict.use == used


def test_numbers_follow_one_rule():
    assert [parse_number(t) for t in ("1.5", "-2", "1e-3", ".5", "+3.", "1_0", "inf", "1e999", " 1", "١")] == [
        1.5, -2.0, 1e-3, 0.5, 3.0, None, None, None, None, None]


def test_booleans_take_any_case_but_no_spaces():
    assert judge(CONTROLS["log"], ["FALSE"]).use is False and judge(CONTROLS["log"], ["FALSE"]).problem is None


@pytest.mark.parametrize("text", [
    "![i](http://127.0.0.1:8719/t.png)", "[Click to fix](http://evil.example)", "$\\href{x}{y}$", ":red[x]",
    "**b**", "<img src=x onerror=alert(1)>", "`code`", "a``b", "line\n\nafter a blank line", ":material/warning:",
    "http://evil.example/x", "www.evil.example", "# heading", "> quote", "| a | b |", "x" * 500,
])
def test_literal_shows_link_text_as_code_never_markup(text):
    shown = literal(text)
    fence = len(shown) - len(shown.lstrip("`"))
    assert shown.startswith("`" * fence) and shown.endswith("`" * fence)
    inner = shown[fence:-fence]
    assert "`" * fence not in inner  # the fence cannot be closed from inside
    assert "\n" not in shown and len(inner) <= 42  # one line, shortened to 40 characters and an ellipsis


def test_lists_from_links_are_shortened_and_literal():
    verdict = judge(CONTROLS["train"], ["wh", *(f"![i](http://x/{i}.png)" for i in range(30))])
    assert verdict.use == ["wh"] and "and 25 more" in verdict.problem and "![i]" in verdict.problem
    assert verdict.problem.count("`") >= 10


def test_a_link_with_many_problems_gets_a_bounded_list():
    query = {f"bogus{i}": ["1"] for i in range(999)}
    verdicts, others = judge_link(query, page_keys("explorer"))
    lines = warnings_for(verdicts, others)
    assert len(lines) == 12 and "988 more problems" in lines[-1]


def test_other_pages_settings_are_named_as_such():
    verdicts, others = judge_link({"clip": ["1"], "zzz": ["1"], "embed": ["true"]}, page_keys("explorer"))
    assert not verdicts and "another page" in others[0] and "not a setting of this lab" in others[1]


def test_a_page_url_holds_only_its_own_settings():
    assert set(page_keys("home")) == {"wh", "L", "act", "offset", "h0", "wy", "wx", "dtype", "cell", "bz", "wz", "uz"}
    assert "clip" in page_keys("training") and "clip" not in page_keys("sweep")


def test_one_vocabulary_from_url_keys_to_config_fields_and_back():
    cfg = Config(wh_init=2.5, L=7, activation="tanh", offset=-0.5, h_init=0.3, wy=2.0, wx=0.1, dtype="float64")
    assert config_from(values_from(cfg)) == cfg
    gated = Config(cell="gru", bz=-4.0, wz=0.5, uz=-1.2)
    assert config_from(values_from(gated)) == gated
    assert values_from(Config(h_init=0.6224593312018546))["h0"] == 0.62  # rounded as the slider shows it


def test_L_marks_are_fine_where_lessons_live_and_any_linked_L_joins():
    marks = lengths()
    assert marks[:50] == tuple(range(1, 51)) and marks[-1] == 2000 and len(marks) < 110
    assert 123 in lengths(123) and 123 not in marks
