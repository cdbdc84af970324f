"""Review finding 12: /Exercises?g1=abc said "Using **None**." (a Python None shown to the user)."""
from app_support import open_page, warnings


def test_an_unreadable_guess_is_left_empty_in_words():
    at = open_page("exercises", g1="abc")
    said = " ".join(warnings(at))
    assert "**g1**" in said and "None" not in said and "Left empty" in said
