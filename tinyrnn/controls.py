"""Every URL-bound control of the app (its key is the query parameter) and how a raw link value is judged.

Pure Python: the Streamlit side (tinyrnn/ui.py) renders these; tests read them without a UI.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from .core.activations import ACTIVATIONS
from .core.activations import NAMES as ACTIVATION_NAMES
from .presets import DEFAULTS

STREAMLIT_PARAMS = {"embed", "embed_options"}  # Streamlit's own URL options, not ours


@dataclass(frozen=True)
class Control:
    """One URL-bound widget: its key doubles as the query parameter name."""

    key: str
    label: str
    kind: str  # "float" | "int" | "choice" | "bool" | "text" | "multi"
    lo: float = 0.0
    hi: float = 0.0
    step: float = 1.0
    options: tuple = ()
    help: str = ""

    @property
    def default(self):
        """The value a fresh page shows (from presets.DEFAULTS)."""
        return DEFAULTS[self.key]

    def allowed(self) -> str:
        """What a link may say for this control, in words."""
        if self.kind in ("choice", "multi"):
            return ("one of " if self.kind == "choice" else "any of ") + ", ".join(self.options)
        if self.kind == "text":
            return "text"
        if self.kind == "bool":
            return "true or false"
        return f"a {'whole ' if self.kind == 'int' else ''}number from {self.lo:g} to {self.hi:g}"


CONTROLS = {c.key: c for c in (
    # the model (every page)
    Control("wh", "wh_init: the recurrent weight", "float", -12.0, 12.0, 0.01,
            help="h_t = act(wh·h_{t-1} + wx·x_t). |wh| < 1 shrinks signals, |wh| > 1 grows them. "
                 "Arrow keys move it by 0.01 for fine control near 1."),
    Control("L", "L: sequence length (steps)", "int", 1, 1000, 1, help="How many steps the RNN runs."),
    Control("act", "activation", "choice", options=ACTIVATION_NAMES,
            help="act in h_t = act(a_t); its slope act'(a_t) multiplies every backward step.  \n"
                 + "  \n".join(f"**{a.name}**: {a.describe}" for a in ACTIVATIONS.values())),
    Control("offset", "target offset (target = y_L − offset)", "float", -5.0, 5.0, 0.1,
            help="The seed's loss (y_L − (y_L − offset))² = offset², so dL/dy_L = 2·offset."),
    Control("h0", "h_init: initial hidden state", "float", -5.0, 5.0, 0.1),
    Control("wy", "wy: output weight", "float", -5.0, 5.0, 0.1),
    Control("wx", "wx: input weight (frozen except in training; x_t = 1)", "float", -5.0, 5.0, 0.05),
    Control("dtype", "number format", "choice", options=("float32", "float64"),
            help="float32 has ~7 significant digits; float64 ~16."),
    # the Explorer
    Control("log", "log scale for h_t", "bool"),
    # the Sweep page
    Control("whs", "wh_init values (comma-separated, up to 8)", "text",
            help="One line per value, e.g. 0.1, 0.9, 1, 1.1, 10"),
    Control("param", "gradient of", "choice", options=("h_init", "wh", "wy")),
    Control("span", "wh_init range ±", "choice", options=("1.5", "3", "6", "12")),
    Control("res", "grid: N wh_init values × L = 1..N", "choice", options=("50", "100", "200", "400", "800"),
            help="N sets both the wh_init resolution and the longest L. Computed in full; drawn at most 100 x 100 "
                 "(larger grids are shown as blocks, so the browser redraws in under a second)."),
    Control("compare", "float32 and float64 side by side", "bool"),
    # the Training page
    Control("target", "fixed target for y_L", "float", -5.0, 5.0, 0.05,
            help="Training needs a fixed target: the seed's moving target y_L − offset keeps the loss at offset²."),
    Control("lr", "learning rate", "choice", options=("0.0001", "0.0005", "0.001", "0.005", "0.01", "0.05", "0.1",
                                                        "0.5", "1", "2")),
    Control("steps", "SGD steps", "choice", options=("10", "50", "100", "200", "500", "1000")),
    Control("clip_mode", "clipping", "choice", options=("norm", "value"),
            help="norm: rescale the whole gradient to length ≤ threshold (Pascanu et al. 2013, Alg. 1); "
                 "value: clamp each component to ±threshold."),
    Control("clip", "clipping threshold", "choice", options=("0.01", "0.1", "0.5", "1", "2", "5", "10", "100",
                                                            "1000")),
    Control("train", "parameters that learn", "multi", options=("h_init", "wh", "wy", "wx")),
)}


def problem(control: Control, values: list[str]) -> tuple[str, object] | None:
    """(what is wrong, the value used instead) for a control's raw URL value(s), or None when fine."""
    raw = values[-1]
    if control.kind == "multi":
        bad = [v for v in values if v not in control.options]
        good = [v for v in values if v in control.options]
        return (f"names {', '.join(bad)}, not known", ", ".join(good) or control.default) if bad else None
    if control.kind == "choice":
        return None if raw in control.options else ("is not a known choice", control.default)
    if control.kind == "bool":
        return None if raw.strip().lower() in ("true", "false") else ("is not true or false", control.default)
    if control.kind == "text":
        return None  # free text: the page parses it and explains each entry it cannot use
    try:
        number = float(raw)
    except ValueError:
        return "is not a number", control.default
    if not math.isfinite(number):
        return "is not a finite number", control.default
    if not control.lo <= number <= control.hi:
        return "is out of range", control.default
    if control.kind == "int" and not number.is_integer():
        return "is not a whole number", int(number)  # Streamlit's slider truncates it
    return None


def link_problems(query: dict[str, list[str]]) -> list[str]:
    """Plain-words warnings (Markdown) for every bad or unknown parameter of a link's query string."""
    messages = []
    for key, values in query.items():
        shown = "`" + values[-1].replace("`", "'")[:40] + "`"  # inline code: markup shows, never renders
        if key in STREAMLIT_PARAMS or not values:
            continue
        if key not in CONTROLS:
            messages.append(f"Link parameter **{key[:30]}** = {shown} is not a setting of this lab; it was ignored. "
                            f"Known settings: {', '.join(CONTROLS)}.")
            continue
        found = problem(CONTROLS[key], values)
        if found:
            what, used = found
            messages.append(f"Link parameter **{key}** = {shown} {what}; allowed: {CONTROLS[key].allowed()}. "
                            f"Using **{used}** instead.")
    return messages
