"""A link's query string, judged: what each value means, what the page uses instead, and safe words to say so.

A link is a request anyone can craft, so nothing in it is trusted: every value is parsed by one strict rule per
kind (numbers are ASCII decimals such as 1.5, -2 or 1e-3; true/false; a listed choice), repeated or empty values are
named, and any text from the link is shown as a literal (inline code, shortened), never as Markdown. The page then
uses exactly the value the warning names (app/state.py applies it), so words and widgets never disagree.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .controls import CONTROLS, Control, lengths, shown

STREAMLIT_PARAMS = {"embed", "embed_options"}  # Streamlit's own URL options, not ours
# ASCII only: no 1_0, no Arabic digits, no 0x10, no inf
NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")
EXTRA_KEYS = {"lesson", "ex", "present", "hide"}  # link parameters that are not widgets (validated by their page)
SHOW_CHARS = 40  # a value from a link is shown to this many characters
SHOW_ITEMS = 5  # a list from a link is shown to this many entries, then "and N more"
MAX_WARNINGS = 12  # a link with more problems than this gets one summary line for the rest


@dataclass(frozen=True)
class Verdict:
    """One link parameter, judged: the problem in words (None when fine) and the value the page uses."""

    key: str
    problem: str | None
    use: object  # the widget's value after the link (the default when the link's value is unusable)


def literal(text: str, limit: int = SHOW_CHARS) -> str:
    """Text from a link as a Markdown code span: shown character for character, never interpreted.

    Control characters (a newline would end the span) become visible escapes; long text is shortened; the
    backtick fence is longer than any run of backticks inside, as CommonMark requires.
    """
    if text == "":
        return "(empty)"
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))
    if len(text) > limit:
        text = text[:limit] + "…"
    run = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (run + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def listing(items: list[str], limit: int = SHOW_ITEMS) -> str:
    """A few items from a link as literals, then "and N more"."""
    shown_items = ", ".join(literal(i) for i in items[:limit])
    return shown_items + (f" and {len(items) - limit} more" if len(items) > limit else "")


def parse_number(raw: str) -> float | None:
    """The one rule for numbers in links: ASCII digits, optional sign, point and exponent; finite."""
    if not NUMBER.fullmatch(raw):
        return None
    value = float(raw)
    return value if math.isfinite(value) else None


def judge(control: Control, values: list[str]) -> Verdict:
    """What a control's raw link value(s) mean and what the page uses."""
    key, default = control.key, control.default
    if control.kind == "multi":
        return _judge_multi(control, values)
    present = [v for v in values if v != ""]
    if not present:
        return Verdict(key, None if default is None else "is empty", default)  # an empty guess is no guess
    raw = present[-1]
    again = (f" (given {len(values)} times: {listing(values)}; the last is used)" if len(values) > 1 else "")
    value, problem = _parse(control, raw)
    if value is None:
        return Verdict(key, f"= {literal(raw)} {problem}{again}", default)
    if problem or again:  # usable, with a remark (rounded, or given more than once)
        return Verdict(key, f"= {literal(raw)}{' ' + problem if problem else ''}{again}", value)
    return Verdict(key, None, value)


def _parse(control: Control, raw: str) -> tuple[object, str | None]:
    """(value, remark): value None means unusable, and the remark says why; else the remark, if any, notes a
    change (rounding to the widget's step)."""
    if control.kind == "text":
        return raw, None
    if control.kind == "pick":
        return (raw, None) if raw in control.options else (None, "is not one of the choices")
    if control.kind == "bool":
        low = raw.lower()  # Streamlit accepts TRUE and False too; nothing else (no spaces)
        return (low == "true", None) if low in ("true", "false") else (None, "is not true or false")
    if control.kind == "choice":
        return (raw, None) if raw in control.options else (None, "is not one of the choices")
    number = parse_number(raw)
    if number is None:
        if NUMBER.fullmatch(raw):  # written as a number, but beyond float range (1e400)
            return None, "is out of range"
        return None, "is not a number (write it like 1.5, -2 or 1e-3)"
    if not control.lo <= number <= control.hi:
        return None, "is out of range"
    if control.kind == "int":
        if not number.is_integer():
            return None, "is not a whole number"
        return int(number), None
    if control.kind == "guess":
        return number, None
    rounded = shown(control, number)
    if rounded != number:
        return rounded, f"has more digits than the slider's step {control.step:g}; rounded to {rounded:g}"
    return rounded, None


def _judge_multi(control: Control, values: list[str]) -> Verdict:
    present = [v for v in values if v != ""]
    unknown = [v for v in present if v not in control.options]
    known = list(dict.fromkeys(v for v in present if v in control.options))  # first mention wins, no repeats
    repeated = len(known) < len([v for v in present if v in control.options])
    if not present:
        return Verdict(control.key, "is empty", list(control.default))
    if not known:
        return Verdict(control.key, f"names only unknown entries {listing(unknown)}", list(control.default))
    words = []
    if unknown:
        words.append(f"names unknown entries {listing(unknown)}, left out")
    if repeated:
        words.append("repeats an entry, kept once")
    return Verdict(control.key, "; ".join(words) or None, known)


def judge_link(query: dict[str, list[str]], page_keys: tuple[str, ...],
               extras: dict[str, tuple[str, ...]] | None = None) -> tuple[list[Verdict], list[str]]:
    """Every parameter of a link judged: verdicts for this page's controls, and warnings for the rest.

    extras are this page's parameters that are not widgets (lesson, present, hide), with their allowed values;
    hide is a comma-separated list. The second list says, in safe words, which parameters are bad, or not
    settings of this page (or of the lab).
    """
    extras = extras or {}
    verdicts, others = [], []
    for key, values in query.items():
        if key in STREAMLIT_PARAMS:
            continue
        if key in extras:
            given = [p for v in values for p in v.split(",") if p] if key == "hide" else values[-1:]
            bad = [v for v in given if v not in extras[key]]
            if bad:
                others.append(f"{literal(key)} names {listing(bad)}, not one of {', '.join(extras[key])}; "
                              "those were ignored.")
        elif key in page_keys:
            verdicts.append(judge(CONTROLS[key], values))
        elif key in CONTROLS or key in EXTRA_KEYS:
            others.append(f"{literal(key)} is a setting of another page; it was left out here.")
        else:
            others.append(f"{literal(key)} is not a setting of this lab; it was ignored.")
    return verdicts, others


def message(verdict: Verdict) -> str:
    """A warning in plain words (Markdown: our words bold, the link's text as literals)."""
    control = CONTROLS[verdict.key]
    if verdict.use is None:  # a guess or a pick the link could not read: the widget stays empty
        return f"Link parameter **{control.key}** {verdict.problem}; allowed: {control.allowed()}. Left empty."
    used = verdict.use if not isinstance(verdict.use, list) else ", ".join(verdict.use) or "none"
    return (f"Link parameter **{control.key}** {verdict.problem}; allowed: {control.allowed()}. "
            f"Using **{used}**.")


def warnings_for(verdicts: list[Verdict], others: list[str]) -> list[str]:
    """All warnings for one link, at most MAX_WARNINGS lines (the rest summed up in one)."""
    lines = [message(v) for v in verdicts if v.problem] + [f"Link parameter {o}" for o in others]
    if len(lines) > MAX_WARNINGS:
        lines = lines[:MAX_WARNINGS - 1] + [f"… and {len(lines) - MAX_WARNINGS + 1} more problems with this link."]
    return lines


def mark_from_link(control: Control, values: list[str] | None) -> int | None:
    """A linked whole number (L, k) that is valid but not one of the slider's marks: it joins the marks."""
    if not values:
        return None
    verdict = judge(control, values)
    return verdict.use if verdict.use not in lengths() else None
