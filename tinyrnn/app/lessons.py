"""The Explorer's one-click lessons and the Training page's presets, as control values plus their words.

A lesson's sentence is filled in from the Report of its own settings (never typed-in numbers), and is shown only
while the settings on screen are the lesson's: every sentence claims what the numbers beside it show.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..core.diagnosis import compact
from .controls import CONTROLS, defaults, values_from


@dataclass(frozen=True)
class Lesson:
    """Settings to load with one click, and the sentence that says what to look at (computed from a Report)."""

    slug: str  # its name in a link: ?lesson=<slug>
    title: str
    values: dict
    say: Callable[..., str] = field(compare=False)


def _fixed_point(r) -> str:
    fp = r.diagnosis.fixed_point
    return (f"|wh| = {abs(r.config.wh_init):g} > 1, yet the gradient vanishes: h_t settles at the fixed point "
            f"h* = {fp.h:.4g}, where tanh's slope is only {fp.slope:.3g}, so each step multiplies the gradient by "
            f"|wh·tanh'(a*)| = {abs(fp.factor):.3g} < 1. Only the long-range part vanishes: dL/dwy = "
            f"{compact(r.result.grads['wy'])} (it reads h_L directly).")


def _gate(r) -> str:
    from ..core.diagnosis import diagnose  # torch-heavy: imported when the lesson is shown
    from ..core.engine import run  # torch-heavy too (this module stays importable without torch: links, CLI)

    plain = run(r.config.replace(cell="plain"))
    z = float(r.result.gates.mean())
    return (f"The gate is mostly closed (z = {z:.3g}), so each step keeps 1 − z = {1 - z:.3g} of h_(t-1), and of "
            f"the gradient: ×{compact(r.diagnosis.mean_factor)} per step, and after {r.config.L} steps dL/dh_init = "
            f"{compact(r.result.grads['h_init'])}. The same tanh unit without its gate (cell: plain) multiplies by "
            f"{compact(diagnose(plain).mean_factor)} per step: dL/dh_init = {compact(plain.grads['h_init'])}.")


LESSONS = {lesson.slug: lesson for lesson in (
    Lesson("vanishing", "Vanishing", {"wh": 0.1, "L": 10},
           lambda r: f"Each step multiplies the gradient by {compact(r.diagnosis.mean_factor)}: after "
                     f"{r.config.L} steps dL/dh_init = {compact(r.result.grads['h_init'])}, against "
                     f"dL/dy_L = {compact(r.dynamics.dloss_dy)} at the output."),
    Lesson("marginal", "Marginal stability", {"wh": 1.0, "L": 50},
           lambda r: f"Every per-step factor is exactly {compact(r.diagnosis.mean_factor)} (wh = 1, the identity "
                     "start of IRNN, Le et al. 2015), so dL/dh_init stays "
                     f"{compact(r.result.grads['h_init'])} at any L; dL/dwh still grows, because it sums "
                     f"{r.config.L} equal terms: {compact(r.result.grads['wh'])}."),
    Lesson("exploding", "Exploding", {"wh": 10.0, "L": 5},
           lambda r: f"Each step multiplies the gradient by {compact(r.diagnosis.mean_factor)}: after "
                     f"{r.config.L} steps dL/dh_init = {compact(r.result.grads['h_init'])}."),
    Lesson("cancellation", "float32 zero", {"wh": 10.0, "L": 10},
           lambda r: f"dL/dh_init is exactly {compact(r.result.grads['h_init'])}, yet nothing vanished: "
                     f"y_L = {compact(r.result.y_last)} and y_L − 1 are the same float32, so the loss is 0. "
                     f"Set the **number format** to float64 (in the sidebar it is under **Advanced**) to see "
                     f"{compact(r.reference.grads['h_init'])}."),
    Lesson("fixed-point", "tanh fixed point", {"wh": 1.5, "L": 50, "act": "tanh"}, _fixed_point),
    Lesson("dead-relu", "Dead relu", {"wh": -0.5, "L": 10},
           lambda r: f"A negative wh makes a_1 = {r.result.preacts[0]:.3g} < 0: relu outputs exactly 0 with "
                     "slope 0, so no gradient flows back. This 0 is exact, not rounding."),
    Lesson("gate", "A closed gate", {"cell": "gru", "act": "tanh", "wh": 0.5, "L": 50, "bz": -4.0}, _gate),
)}


def lesson_values(slug: str) -> dict:
    """Every model control's value for a lesson (its values over the defaults), and the lesson itself."""
    model = {k: v for k, v in defaults().items() if CONTROLS[k].page == "model"}
    return {**model, **LESSONS[slug].values, "lesson": slug}


def matches(slug: str, values: dict) -> bool:
    """Are these control values a lesson's settings?"""
    return all(values.get(k) == v for k, v in lesson_values(slug).items() if k != "lesson")


def training_preset_values(name: str) -> dict:
    """Control values for a Training-page preset, read off core.train.TRAINING_PRESETS (nothing re-derived)."""
    from ..core.train import TRAINING_PRESETS  # torch-heavy: imported when a preset is asked for

    cfg, kw = TRAINING_PRESETS[name]["config"], TRAINING_PRESETS[name]["train"]
    return {**values_from(cfg), "target": cfg.target, "lr": f"{kw['lr']:g}", "steps": str(kw["steps"]),
            "clip_mode": kw["clip_mode"], "clip": f"{kw['clip']:g}", "train": list(kw["params"])}
