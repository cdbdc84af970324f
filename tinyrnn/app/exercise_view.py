"""The Exercises page: each question, its guess (kept in the link), and once guessed, the engine's answer."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from ..charts import explorer as ex_charts
from ..charts import training as tc
from ..charts.common import with_bands
from ..core.train import TRAINING_PRESETS
from . import cached, widgets
from .controls import CONTROLS
from .exercise_list import EXERCISES, Exercise
from .exercises import closeness, config_of
from .links import judge
from .state import PAGES, presenting
from .training_runs import trained

UNUSED = ("The settings change nothing on this page (each exercise has its own setting, named in its question); "
          "they are kept for the Explorer and the other pages.")


def settings_note() -> None:
    """Say that the model's controls (drawn by widgets.sidebar next) do not act on the exercises."""
    (st.caption if presenting() else st.sidebar.caption)(UNUSED)


def progress(guesses: dict[int, object]) -> None:
    """How far the learner has got: one mark per exercise, ✓ right, ✗ answered but not right, · not yet."""
    right = {n: closeness(n, g, cached.answer(n))[0] for n, g in guesses.items() if g is not None}
    marks = " ".join(f"{n}{'·' if n not in right else '✓' if right[n] else '✗'}" for n in range(1, len(EXERCISES) + 1))
    st.markdown(f"**Progress: {len(right)} of {len(EXERCISES)} answered, {sum(right.values())} right** — {marks}")


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
        st.caption(with_bands("Loss per step, log scale, plain and clipped SGD from the same start. A mark in the "
                              "top band is where a run stopped on inf or NaN."))
        st.page_link(PAGES["training"][0], label="Open the Training page")
        return
    report = cached.report(config_of(ex))
    settings = dict(ex.settings)
    if "k" in settings:
        widgets.draw(ex_charts.terms(), ex_charts.terms_data(report, settings["k"]), key=key)
    else:
        widgets.draw(ex_charts.by_length(), ex_charts.by_length_data(report), key=key)
    words = (ex_charts.length_caption(report) if "k" not in settings else
             ex_charts.truncation_caption(report, settings["k"], cached.truncated(report.config, settings["k"])["wh"]))
    st.caption(with_bands(words))  # both charts put zeros, inf and NaN in bands: the key says which mark is which
    st.page_link(PAGES["explorer"][0], label="Open this setting in the Explorer",
                 query_params={k: str(v) for k, v in settings.items()})


def questions() -> dict:
    """Every exercise's question and guess. Open: the one the link names (?ex=3); the one just answered (its answer
    is drawn in it) with the next unanswered one; with neither, the first unanswered."""
    asked = st.query_params.get("ex")
    valid = bool(asked) and asked.isdigit() and 1 <= int(asked) <= len(EXERCISES)
    if "ex" in st.query_params and not valid:
        del st.query_params["ex"]  # the link's warning says it was ignored: the address bar stops carrying it
    guesses = {ex.number: _guess(ex) for ex in EXERCISES}
    last = _just_answered(guesses)
    opened = {int(asked)} if valid else set()
    if last is not None:  # and the next unanswered one: after it, else the first before it
        waiting = sorted((n for n, g in guesses.items() if g is None), key=lambda n: (n < last, n))
        opened |= {last, *waiting[:1]}
    elif not valid:
        opened.add(next((n for n, g in guesses.items() if g is None), 1))
    summary = st.container()
    boxes = {ex.number: question(ex, ex.number in opened) for ex in EXERCISES}
    with summary:
        progress({ex.number: st.session_state.get(ex.key) for ex in EXERCISES})
    return boxes


def _just_answered(guesses: dict[int, object]) -> int | None:
    """The exercise whose guess this session changed last (kept open so its answer stays in view), if any."""
    before = st.session_state.get("_ex_guesses")
    st.session_state["_ex_guesses"] = dict(guesses)
    if before is not None:
        changed = [n for n, g in guesses.items() if g is not None and before.get(n) != g]
        if changed:
            st.session_state["_ex_last"] = changed[-1]
    return st.session_state.get("_ex_last")


def _guess(ex: Exercise):
    """A guess before its widget is drawn: the session's, else the link's (as the link rules read it)."""
    if st.session_state.get(ex.key) is not None:
        return st.session_state[ex.key]
    return judge(CONTROLS[ex.key], st.query_params.get_all(ex.key)).use if ex.key in st.query_params else None


def answers(boxes: dict) -> None:
    """The answers of every exercise guessed so far."""
    for ex in EXERCISES:
        answer_in(boxes[ex.number], ex)
