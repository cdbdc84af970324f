"""Every control of the app, in one vocabulary: its URL key, its Config field, its default, its range and its page.

Pure Python (no Streamlit): the widgets module renders these, links.py judges a link's values against them, and
tests read them without a UI. A link shared last month keeps working: the URL keys (wh, h0, act, ...) never change.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from ..core.names import (
    ACTIVATION_NAMES,
    ACTIVATION_WORDS,
    ALL_PARAMS,
    CELL_NAMES,
    CELL_WORDS,
    DTYPE_NAMES,
    GATE_PARAMS,
    L_MAX,
    PARAM_MEANINGS,
)
from .exercise_list import EXERCISES

MODEL = "model"  # controls every page shows (the sidebar); the others belong to one page

# L: every step from 1 to 50 (where most lessons live), then coarser steps up to L_MAX, so the short lengths get
# half the slider's track. A link may name any whole L in range: it joins the list (see lengths()).
L_STEPS = (*range(1, 51), *range(55, 101, 5), *range(110, 201, 10), *range(225, 501, 25), *range(550, 1001, 50),
           *range(1100, L_MAX + 1, 100))


@dataclass(frozen=True)
class Control:
    """One URL-bound widget: its key doubles as the query parameter, its field names what it sets in a Config."""

    key: str
    label: str
    kind: str  # "float" | "int" | "choice" | "bool" | "text" | "multi" | "guess" (a number, empty until given)
    #          | "pick" (one of options, none until picked)
    default: object
    page: str = MODEL  # MODEL, "explorer", "sweep" or "training"
    field: str | None = None  # the Config field this control sets (model controls), else None
    lo: float = 0.0
    hi: float = 0.0
    step: float = 1.0
    options: tuple = ()
    help: str = ""
    numeric: bool = False  # a choice whose options are numbers written as text (lr, clip, ...)
    labels: tuple = ()  # what a choice's options say on screen, in order (the URL keeps the short option)

    def allowed(self) -> str:
        """What a link may say for this control, in words."""
        if self.kind in ("choice", "multi", "pick"):
            return ("any of " if self.kind == "multi" else "one of ") + ", ".join(self.options)
        if self.kind == "guess":
            return "a number" + (f" from {self.lo:g} to {self.hi:g}" if self.hi < 1e300 else "")
        if self.kind == "text":
            return "text"
        if self.kind == "bool":
            return "true or false"
        return f"a {'whole ' if self.kind == 'int' else ''}number from {self.lo:g} to {self.hi:g}"

    @property
    def decimals(self) -> int:
        """Digits after the point that the widget shows (a value is rounded to them, in the URL too)."""
        text = f"{self.step:g}"
        return len(text.split(".")[1]) if "." in text else 0


def _controls(*controls: Control) -> dict[str, Control]:
    return {c.key: c for c in controls}



CONTROLS = _controls(
    # the model (every page's sidebar)
    Control("wh", "wh_init: the recurrent weight", "float", 1.0, field="wh_init", lo=-12.0, hi=12.0, step=0.01,
            help="h_t = act(wh·h_{t-1} + wx·x_t). Backprop multiplies the gradient by wh·act'(a_t) once per step: "
                 "it shrinks when |wh·act'| < 1 and grows when it is above 1 (sigmoid's slope is at most 1/4, so "
                 "there |wh| must pass 4). Arrow keys move it by 0.01."),
    Control("L", "L: sequence length (steps)", "int", 10, field="L", lo=1, hi=L_MAX, options=L_STEPS,
            help=f"How many steps the RNN runs: every step from 1 to 50, then coarser up to {L_MAX}. "
                 "Arrow keys step through the marks."),
    Control("act", "activation", "choice", "relu", field="activation", options=ACTIVATION_NAMES,
            help="act in h_t = act(a_t); its slope act'(a_t) multiplies every backward step.  \n"
                 + "  \n".join(f"**{name}**: {words}" for name, words in ACTIVATION_WORDS.items())),
    Control("offset", "target offset (target = y_L − offset)", "float", 1.0, field="offset", lo=-5.0, hi=5.0,
            step=0.1, help="The seed's loss (y_L − (y_L − offset))² = offset², so dL/dy_L = 2·offset."),
    Control("h0", "h_init: initial hidden state", "float", 1.0, field="h_init", lo=-5.0, hi=5.0, step=0.01),
    Control("wy", "wy: output weight", "float", 1.0, field="wy", lo=-5.0, hi=5.0, step=0.1),
    Control("wx", "wx: input weight (frozen except in training; x_t = 1)", "float", 0.0, field="wx", lo=-5.0,
            hi=5.0, step=0.05),
    Control("dtype", "number format", "choice", "float32", field="dtype", options=DTYPE_NAMES,
            help="float32 has ~7 significant digits; float64 ~16."),
    Control("cell", "cell", "choice", "plain", field="cell", options=CELL_NAMES,
            labels=("plain: the seed's unit", "gated: an update gate (GRU-style)"),
            help="  \n".join(f"**{name}**: {words}" for name, words in CELL_WORDS.items())
                 + "  \nThe gated unit's step factor starts from the kept share 1 − z_t, so a mostly closed gate "
                   "(z_t near 0) passes the gradient back almost unchanged."),
    Control("bz", "bz: the gate's bias", "float", 0.0, field="bz", lo=-8.0, hi=8.0, step=0.1,
            help=PARAM_MEANINGS["bz"] + ". bz = −4 opens the gate to sigmoid(−4) = 0.018 when wz·h + uz·x = 0."),
    Control("wz", "wz: the gate's recurrent weight", "float", 0.0, field="wz", lo=-5.0, hi=5.0, step=0.1,
            help=PARAM_MEANINGS["wz"]),
    Control("uz", "uz: the gate's input weight", "float", 0.0, field="uz", lo=-5.0, hi=5.0, step=0.1,
            help=PARAM_MEANINGS["uz"]),
    # the Explorer
    Control("log", "log scale for h_t", "bool", True, page="explorer"),
    Control("k", "truncated BPTT: backprop through the last k steps", "int", 3, page="explorer", lo=1, hi=L_MAX,
            options=L_STEPS, help="What h.detach() k steps before the end does: dL/dwh keeps only the last k "
                                  "terms. k at or above L keeps them all."),
    # the Sweep page
    Control("whs", "wh_init values (comma-separated, up to 8)", "text", "0.1, 1, 10", page="sweep",
            help="Numbers between -12 and 12, separated by commas, e.g. 0.1, 0.9, 1, 1.1, 10"),
    Control("param", "gradient of", "choice", "h_init", page="sweep", options=("h_init", "wh", "wy") + GATE_PARAMS,
            help="wz, uz and bz belong to the gated cell: choose it in the sidebar."),
    Control("over", "phase diagram across", "choice", "wh", page="sweep", options=("wh", "bz"),
            labels=("wh_init, the recurrent weight", "bz, the gate's bias (gated cell)")),
    Control("span", "range ±", "choice", "3", page="sweep", options=("1.5", "3", "6", "12"), numeric=True,
            help="The phase diagram's horizontal axis runs from −span to +span (of wh_init, or of bz)."),
    Control("res", "grid: N values × L = 1..N", "choice", "200", page="sweep",
            options=("50", "100", "200", "400", "800"), numeric=True,
            help="N sets both the horizontal resolution and the longest L. Computed in full; drawn at most 100 x 100 "
                 "(larger grids are shown as blocks, so the browser redraws in under a second). The gated cell "
                 "goes up to 400 (its exact replay of special values costs more)."),
    Control("compare", "float32 and float64 side by side", "bool", False, page="sweep"),
    # the Training page
    Control("target", "fixed target for y_L", "float", 2.0, page="training", lo=-5.0, hi=5.0, step=0.05,
            help="Training needs a fixed target: the seed's moving target y_L − offset keeps the loss at offset²."),
    Control("lr", "learning rate", "choice", "0.02", page="training", numeric=True,
            options=("0.0001", "0.0005", "0.001", "0.005", "0.01", "0.02", "0.05", "0.1", "0.5", "1", "2")),
    Control("steps", "SGD steps", "choice", "100", page="training", numeric=True,
            options=("10", "50", "100", "200", "500", "1000")),
    Control("clip_mode", "clipping", "choice", "norm", page="training", options=("norm", "value"),
            help="norm: rescale the whole gradient to length ≤ threshold (Pascanu et al. 2013, Alg. 1); "
                 "value: clamp each component to ±threshold."),
    Control("clip", "clipping threshold", "choice", "1", page="training", numeric=True,
            options=("0.01", "0.1", "0.5", "1", "2", "5", "10", "100", "1000")),
    Control("train", "parameters that learn", "multi", ["h_init", "wh", "wy"], page="training", options=ALL_PARAMS,
            help="wz, uz and bz belong to the gated cell: choose it in the sidebar."),
)

MODEL_KEYS = tuple(k for k, c in CONTROLS.items() if c.page == MODEL)
GATE_KEYS = ("bz", "wz", "uz")  # the model controls only the gated cell reads (drawn only when it is chosen)
FIELD_OF = {k: CONTROLS[k].field for k in MODEL_KEYS}  # URL key -> Config field

# The Compare page's second setting, B: the model's controls again, keys prefixed b_ (A is the sidebar's).
B_DEFAULTS = {"wh": 1.1, "dtype": "float32"}
CONTROLS.update({f"b_{k}": replace(c, key=f"b_{k}", label=f"B · {c.label}", page="compare",
                                   default=B_DEFAULTS.get(k, c.default)) for k, c in list(CONTROLS.items())
                 if c.page == MODEL})
# The Exercises page: one guess per exercise, kept in the link (a reload keeps every guess, so the progress).
CONTROLS.update(_controls(*(Control(e.key, "your guess", "guess" if e.kind == "number" else "pick", None,
                                    page="exercises", lo=e.lo, hi=e.hi, options=e.options) for e in EXERCISES)))
# The Memory page: each cell's start, the optimizer, seeds per length, and the L of the loss curves.
CONTROLS.update(_controls(
    Control("gate", "gated cell's start", "choice", "closed", page="memory", options=("closed", "pytorch"),
            labels=("gate mostly closed: bz = −4", "PyTorch default: bz ~ U(−1, 1)")),
    Control("plain", "plain cell's start", "choice", "tanh", page="memory", options=("tanh", "irnn"),
            labels=("tanh, PyTorch default", "relu, IRNN: wh = 1")),
    Control("opt", "optimizer", "choice", "adam", page="memory", options=("adam", "sgd"),
            labels=("Adam, lr 0.05", "plain SGD, lr 0.5"),
            help="Both cells use the same optimizer and learning rate, chosen for the tanh cells. Adam divides each "
                 "step by the gradient's running size, so a gradient down to about 1e-8 still moves a weight by "
                 "about lr; plain SGD steps by lr × gradient."),
    Control("seeds", "seeds per length", "int", 5, page="memory", lo=1, hi=20, step=1,
            help="How many random starts train at each L; the success rate is the share that learn it."),
    Control("mL", "L for the loss curves", "choice", "20", page="memory", options=("5", "10", "20", "50", "100"),
            numeric=True)))
VIEW_KEYS = ("present", "hide")  # every page: presenter view, and controls an instructor hides (fixing them)


def page_keys(page: str) -> tuple[str, ...]:
    """The controls a page shows: the model's, then its own."""
    return MODEL_KEYS + tuple(k for k, c in CONTROLS.items() if c.page == page)


def config_from(values: dict, prefix: str = "", **extra):
    """The Config that model-control values describe (missing keys take their defaults); prefix "b_" reads B."""
    from ..core.config import Config  # torch-heavy; this module stays importable without it (links, CLI help)

    fields = {FIELD_OF[k]: values.get(prefix + k, CONTROLS[prefix + k].default) for k in MODEL_KEYS}
    return Config(**fields, **extra)


def values_from(config) -> dict:
    """Model-control values for a Config, rounded as the widgets show them."""
    return {k: shown(CONTROLS[k], getattr(config, FIELD_OF[k])) for k in MODEL_KEYS}


def shown(control: Control, value):
    """A value as its widget holds it: floats rounded to the widget's step, whole numbers as int."""
    if control.kind == "float":
        return round(float(value), control.decimals)
    if control.kind == "int":
        return int(value)
    return value


def defaults(page: str | None = None) -> dict:
    """Every control's default (or only those a page shows)."""
    keys = page_keys(page) if page else tuple(CONTROLS)
    return {k: list(CONTROLS[k].default) if CONTROLS[k].kind == "multi" else CONTROLS[k].default for k in keys}


def lengths(extra: int | None = None) -> tuple[int, ...]:
    """L's marks, with a linked value that is not a mark added in its place."""
    if extra is None or extra in L_STEPS:
        return L_STEPS
    return tuple(sorted({*L_STEPS, int(extra)}))
