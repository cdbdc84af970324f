"""Link validation: every bad value is named with what is allowed and what is used instead."""
import pytest

from tinyrnn.controls import CONTROLS, link_problems, problem
from tinyrnn.presets import DEFAULTS


def test_every_control_has_a_default_that_passes_its_own_check():
    for key, control in CONTROLS.items():
        default = DEFAULTS[key]
        raw = default if isinstance(default, list) else [str(default).lower() if isinstance(default, bool)
                                                         else str(default)]
        assert problem(control, raw) is None, key


@pytest.mark.parametrize("key, raw, fragment, used", [
    ("wh", "abc", "is not a number", 1.0), ("wh", "nan", "not a finite number", 1.0),
    ("wh", "1e9", "out of range", 1.0), ("L", "2.5", "not a whole number", 2), ("L", "0", "out of range", 10),
    ("act", "softplus", "not a known choice", "relu"), ("log", "yes", "not true or false", True),
])
def test_problem_says_what_and_what_is_used(key, raw, fragment, used):
    what, instead = problem(CONTROLS[key], [raw])
    assert fragment in what and instead == used


def test_link_problems_are_markdown_safe_and_name_unknown_parameters():
    msgs = link_problems({"act": ["<img src=x>`"], "zzz": ["1"], "embed": ["true"], "wh": ["0.5"]})
    assert len(msgs) == 2
    assert "`<img src=x>'`" in msgs[0] and "Using **relu** instead" in msgs[0]
    assert "**zzz**" in msgs[1] and "not a setting" in msgs[1]


def test_multi_values_report_the_unknown_names_and_keep_the_rest():
    (msg,) = link_problems({"train": ["wh", "bias", "wx"]})
    assert "names bias, not known" in msg and "Using **wh, wx** instead" in msg
