"""Exercises: predict, then reveal. Nine questions along the lesson; the engine answers each once you have guessed."""
import streamlit as st

from tinyrnn.app import exercise_view, state, widgets

box = state.start_page("exercises", "Exercises")
st.title("Exercises: predict, then see")
st.caption("Each question takes your guess first; then the engine computes the answer, says how close you came and "
           "shows the chart behind it. Your guesses live in the address bar: a reload, or a shared link, keeps them.")
exercise_view.settings_note()
widgets.sidebar()
boxes = exercise_view.questions()
state.finish_controls(box)
exercise_view.answers(boxes)
