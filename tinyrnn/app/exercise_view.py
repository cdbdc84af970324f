"""The Exercises page: each question, its guess (kept in the link), and once guessed, the engine's answer."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from ..charts import explorer as ex_charts
from ..charts import training as tc
from ..core.train import TRAINING_PRESETS
from . import cached, widgets
from .controls import CONTROLS
from .exercise_list import EXERCISES, Exercise
from .exercises import closeness, config_of
from .links import judge
from .state import PAGES
from .training_runs import trained


def progress(guesses: dict[int, object]) -> None:
    """How far the learner has got: one mark per exercise."""
    marks = " ".join(f"{n}{'✓' if guesses.get(n) is not None else '·'}" for n in range(1, len(EXERCISES) + 1))
    done = sum(g is not None for g in guesses.values())
    st.markdown(f"**Progress: {done} of {len(EXERCISES)} answered** — {marks}")


def question(ex: Exercise, opened: bool):
    """One exercise in a box: the question and the guess (drawn before any answer is computed). Returns the box."""
    box = st.expander(f"{ex.number} · {ex.topic}", expanded=opened)
    with box:
        st.markdown(ex.question)
        widgets.widget(CONTROLS[ex.key])
    return box


def answer_in(box, ex: Exercise) -> None:
    """Once guessed: how close, the engine's answer with its numbers, and the chart behind it."""
    guess = st.session_state.get(ex.key)
    with box:
        if guess is None:
            st.caption("Guess first: the answer appears here once you have.")
            return
        truth = cached.answer(ex.number)
        right, words = closeness(ex.number, guess, truth)
        widgets.banner("ok" if right else "warn", f"**{words}** {truth.says}")
        reveal(ex)


def reveal(ex: Exercise) -> None:
    """The chart behind the answer, and a link to the setting in the Explorer."""
    key = f"ex{ex.number}"
    if ex.number == 8:
        preset = TRAINING_PRESETS["Exploding TinyRNN"]
        cfg, kw = preset["config"], preset["train"]
        runs = [trained(cfg, kw["steps"], kw["lr"], clip, kw["clip_mode"], tuple(kw["params"]), lambda step: None)
                .assign(run=label) for label, clip in (("plain SGD", None), ("clipped SGD", kw["clip"]))]
        widgets.draw(tc.loss(), tc.loss_data(pd.concat(runs, ignore_index=True)), key=key)
        st.page_link(PAGES["training"][0], label="Open the Training page")
        return
    report = cached.report(config_of(ex))
    settings = dict(ex.settings)
    if "k" in settings:
        widgets.draw(ex_charts.terms(), ex_charts.terms_data(report, settings["k"]), key=key)
    else:
        widgets.draw(ex_charts.by_length(), ex_charts.by_length_data(report), key=key)
    st.caption(ex_charts.length_caption(report) if "k" not in settings else
               ex_charts.truncation_caption(report, settings["k"], cached.truncated(report.config,
                                                                                    settings["k"])["wh"]))
    st.page_link(PAGES["explorer"][0], label="Open this setting in the Explorer",
                 query_params={k: str(v) for k, v in settings.items()})


def questions() -> dict:
    """Every exercise's question and guess; the one the link names (?ex=3) opened, else the first unanswered."""
    asked = st.query_params.get("ex")
    guesses = {ex.number: _guess(ex) for ex in EXERCISES}
    first_open = next((n for n, g in guesses.items() if g is None), 1)
    opened = int(asked) if asked and asked.isdigit() and 1 <= int(asked) <= len(EXERCISES) else first_open
    summary = st.container()
    boxes = {ex.number: question(ex, ex.number == opened) for ex in EXERCISES}
    with summary:
        progress({ex.number: st.session_state.get(ex.key) for ex in EXERCISES})
    return boxes


def _guess(ex: Exercise):
    """A guess before its widget is drawn: the session's, else the link's (as the link rules read it)."""
    if st.session_state.get(ex.key) is not None:
        return st.session_state[ex.key]
    return judge(CONTROLS[ex.key], st.query_params.get_all(ex.key)).use if ex.key in st.query_params else None


def answers(boxes: dict) -> None:
    """The answers of every exercise guessed so far."""
    for ex in EXERCISES:
        answer_in(boxes[ex.number], ex)
