"""Review findings 9 and 20 (the parts outside any page's AppTest): the presenter stylesheet clears Streamlit's
header, and the float32-zero lesson says where the number format control is."""
import re

from tinyrnn import Config, Report
from tinyrnn.app.lessons import LESSONS
from tinyrnn.app.state import PRESENTER_CSS

HEADER_REM = 3.75  # Streamlit's top header (stHeader) is 3.75rem high; the first row of controls must start below


def test_presenter_view_starts_the_page_below_the_header():
    """Review finding 9: at 1024x768 the presenter view's first row of controls sat under the header (3.2rem)."""
    padding = re.search(r'stMainBlockContainer"\]\s*\{[^}]*padding-top:\s*([\d.]+)rem', PRESENTER_CSS)
    assert padding, PRESENTER_CSS
    assert float(padding.group(1)) >= HEADER_REM + 0.5  # a label's line above the widget, clear of the header


def test_the_float32_zero_lesson_says_where_the_number_format_is():
    """Review finding 20: "Switch the number format to float64" while that control is folded under Advanced."""
    lesson = LESSONS["cancellation"]
    said = lesson.say(Report.from_config(Config(wh_init=10.0, L=10)))
    assert "**Advanced**" in said and "number format" in said and "2.0e10" in said
