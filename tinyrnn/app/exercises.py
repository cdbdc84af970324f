"""Each exercise's answer, computed by the engine when asked, and how close a learner's guess came.

No Streamlit here: app/exercise_view.py draws the questions, the guesses and, once a guess is in, the answer.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from ..core.config import Config
from ..core.diagnosis import compact, diagnose
from ..core.engine import run
from ..core.report import Report, graded_gradients
from ..core.train import TRAINING_PRESETS, train
from .controls import config_from
from .exercise_list import EXERCISES, Exercise

REGIME = {"vanishing": "vanish", "saturated": "vanish", "underflow": "vanish", "stable": "stay about the same",
          "exploding": "explode", "overflow": "explode"}


@dataclass(frozen=True)
class Answer:
    """What the engine says: the answer (a number, or the right option) and a sentence with its numbers."""

    value: float | str
    says: str


def config_of(ex: Exercise) -> Config:
    """The setting an exercise is about (its Explorer controls over the defaults)."""
    return config_from({k: v for k, v in ex.settings if k != "k"})


def answer(number: int) -> Answer:
    """Compute exercise `number`'s answer now, from the engine."""
    ex = EXERCISES[number - 1]
    cfg = config_of(ex)
    if number == 1:
        g = run(cfg).grads["h_init"]
        return Answer(g, f"dL/dh_init = {compact(g)}: 2 × 0.5^20, one factor of 0.5 per step.")
    if number == 2:
        ratio = run(cfg).grads["h_init"] / run(cfg.replace(L=1)).grads["h_init"]
        return Answer(ratio, f"{compact(ratio)} times larger: 1.5^29, one more factor of 1.5 per extra step.")
    if number == 3:
        r = Report.from_config(cfg)
        word = "the loss itself rounded to 0" if r.diagnosis.word == "cancelled" else r.diagnosis.word
        return Answer(word, f"y_L = {compact(r.result.y_last)}, and y_L − 1 is the same float32, so the loss is "
                            f"exactly 0 and so is every gradient. In float64: dL/dh_init = "
                            f"{compact(r.reference.grads['h_init'])}.")
    if number in (4, 7):
        d = diagnose(run(cfg))
        return Answer(REGIME.get(d.word, d.word), f"{d.word.capitalize()}: {d.explanation}")
    if number == 5:
        result = run(cfg)
        status = graded_gradients(result, diagnose(result)).set_index("param").status["wh"]
        word = {"exactly 0": "exactly 0", "underflow": "tiny but not 0 (underflow)"}.get(status, status)
        return Answer(word, f"dL/dwh is {status}: a_1 = {result.preacts[0]:.3g} < 0 switches relu off, its slope "
                            "is exactly 0, and nothing flows back. Not rounding: exact.")
    if number == 6:
        g = run(cfg).grads["wh"]
        return Answer(g, f"dL/dwh = {compact(g)}: it adds one term of 2 per step, 50 of them, although every "
                         "per-step factor is exactly 1.")
    if number == 8:
        preset = TRAINING_PRESETS["Exploding TinyRNN"]
        plain = train(preset["config"], **{**preset["train"], "clip": None})
        steps = int(plain.step.iloc[-1])
        return Answer(steps, f"After {steps} steps: the first update flings wh to {plain.wh.iloc[1]:.4g} and the "
                             f"loss to {compact(plain.loss.iloc[1])}, the next to inf. Clipping the norm to 10 "
                             "keeps every step short (see the Training page).")
    k = dict(ex.settings)["k"]
    terms = Report.from_config(cfg).frame.wh_term.to_numpy()[1:]
    full, kept = float(terms.sum()), float(terms[-k:].sum())
    share = 100 * kept / full
    return Answer(share, f"{share:.3g}%: the last {k} terms give {compact(kept)} of dL/dwh = {compact(full)}.")


def closeness(number: int, guess, truth: Answer) -> tuple[bool, str]:
    """(right?, how close, in words) for a guess against the engine's answer."""
    ex = EXERCISES[number - 1]
    if ex.kind == "choice":
        right = guess == truth.value
        return right, ("Right." if right else f"Not quite: the engine says “{truth.value}”.")
    value = float(truth.value)
    if number == 8:  # a count of steps: off by how many
        off = int(round(guess)) - int(value)
        return off == 0, ("Exactly." if off == 0 else f"Off by {abs(off)} step{'s' if abs(off) != 1 else ''}.")
    if number == 9:  # a percentage: off by how many points
        off = abs(guess - value)
        return off <= 5, ("Within 5 points." if off <= 5 else f"Off by {off:.3g} percentage points.")
    if guess == 0 or (guess < 0) != (value < 0):
        return False, f"The engine's answer is {compact(value)}: " + ("not 0." if guess == 0 else "the sign differs.")
    if guess == value:
        return True, "Exactly the engine's value."
    orders = abs(math.log10(abs(guess)) - math.log10(abs(value)))
    if orders < 0.05:  # within a factor of 10^0.05 = 1.12 either way
        return True, f"Spot on: {100 * abs(guess - value) / abs(value):.2g}% off."
    if orders < 0.5:
        return True, f"Close: within a factor of {10 ** orders:.2g}."
    return False, f"Off by {orders:.1f} orders of magnitude (a factor of {compact(10 ** orders)})."
