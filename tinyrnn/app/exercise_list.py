"""The exercises of the 90-minute lesson: questions and the kind of guess each takes (no numbers here).

Plain Python: controls.py makes one URL-bound guess per exercise from this list, so a learner's guesses live in
the link and survive a reload. Every answer is computed by the engine when asked (app/exercises.py).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Exercise:
    """One predict-then-reveal step of the lesson."""

    number: int
    topic: str
    question: str
    kind: str  # "number": a value (judged in orders of magnitude) | "choice": one of options
    options: tuple[str, ...] = ()
    lo: float = -1e300  # the range a numeric guess may take
    hi: float = 1e300
    settings: tuple[tuple[str, object], ...] = ()  # the Explorer's control values this exercise is about

    @property
    def key(self) -> str:
        """The guess's URL key."""
        return f"g{self.number}"


EXERCISES = (
    Exercise(1, "Vanishing", "A relu unit with wh = 0.5 runs L = 20 steps; the loss sends dL/dy_L = 2 into the "
             "output. Guess dL/dh_init, the gradient that reaches the start.", "number", lo=0, hi=1e6,
             settings=(("wh", 0.5), ("L", 20))),
    Exercise(2, "Exploding", "Now wh = 1.5 over L = 30 steps. How many times larger is dL/dh_init than at L = 1?",
             "number", lo=0, hi=1e30, settings=(("wh", 1.5), ("L", 30))),
    Exercise(3, "The float32 zero", "With wh = 10 and L = 10 the seed printed dL/dh_init = 0.0 in float32. Why?",
             "choice", options=("the gradient vanished", "the loss itself rounded to 0", "relu switched off",
                                "it overflowed to inf"), settings=(("wh", 10.0), ("L", 10))),
    Exercise(4, "A fixed point", "tanh with wh = 1.5 (above 1!) over L = 50 steps. Does the gradient reaching h_0 "
             "vanish, stay about the same, or explode?", "choice",
             options=("vanish", "stay about the same", "explode"),
             settings=(("wh", 1.5), ("L", 50), ("act", "tanh"))),
    Exercise(5, "Dead relu", "relu with wh = -0.5 over L = 10 steps. What is dL/dwh?", "choice",
             options=("exactly 0", "tiny but not 0 (underflow)", "about -1", "inf"),
             settings=(("wh", -0.5), ("L", 10))),
    Exercise(6, "Marginal stability", "relu with wh = 1 (every per-step factor is 1) over L = 50 steps: "
             "dL/dh_init stays 2. Guess dL/dwh.", "number", lo=-1e6, hi=1e6, settings=(("wh", 1.0), ("L", 50))),
    Exercise(7, "Sigmoid", "sigmoid with wh = 3 (above 1) over L = 20 steps: vanish, stay, or explode?", "choice",
             options=("vanish", "stay about the same", "explode"),
             settings=(("wh", 3.0), ("L", 20), ("act", "sigmoid"))),
    Exercise(8, "Clipping", "The Training page's 'Exploding TinyRNN' (wh = 1.5, L = 10, lr 0.005): after how many "
             "plain SGD steps does the loss become inf?", "number", lo=0, hi=1000),
    Exercise(9, "Truncated BPTT", "tanh, wh = 0.9, L = 20: truncated BPTT keeps the last k = 5 steps of dL/dwh. "
             "Guess the percentage of the full dL/dwh it keeps.", "number", lo=-1e4, hi=1e4,
             settings=(("wh", 0.9), ("L", 20), ("act", "tanh"), ("k", 5))),
)
