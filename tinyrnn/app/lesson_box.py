"""The Explorer's lessons as buttons, and the chosen lesson's sentence while its settings are on screen."""
from __future__ import annotations

import streamlit as st

from .lessons import LESSONS, lesson_values, matches
from .state import apply_values


def _choose(slug: str) -> None:
    apply_values(lesson_values(slug))
    st.query_params["lesson"] = slug  # not a widget: the link carries the lesson itself


def lesson_buttons() -> None:
    """One button per lesson (a click loads its settings and puts the lesson in the link)."""
    st.markdown("**Lessons in one click**")
    items = list(LESSONS.items())
    for row in range(0, len(items), 3):  # one row of columns per three lessons: a phone stacks them in order
        for col, (slug, lesson) in zip(st.columns(3), items[row:row + 3], strict=False):
            col.button(lesson.title, key=f"lesson_{slug}", on_click=_choose, args=(slug,), width="stretch")


def lesson_sentence(report, values: dict) -> None:
    """The lesson named in the link: its sentence if the settings are its own, else a way back to them."""
    slug = st.query_params.get("lesson")
    if slug not in LESSONS:
        return
    lesson = LESSONS[slug]
    if matches(slug, values):
        st.info(f"**{lesson.title}.** {lesson.say(report)}", icon=":material/visibility:")
    else:
        st.caption(f"You have moved away from the settings of the lesson “{lesson.title}”, so its sentence no "
                   "longer applies to what you see.")
        st.button(f"Back to “{lesson.title}”", key="lesson_back", on_click=_choose, args=(slug,))
