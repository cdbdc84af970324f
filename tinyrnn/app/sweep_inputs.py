"""The Sweep page's inputs: a typed list of wh_init values, and a clicked phase-diagram cell."""
from __future__ import annotations

import re

from .controls import CONTROLS, shown
from .links import listing, literal, parse_number

MOST_VALUES = 8  # lines on one chart stay readable
STEP = CONTROLS["wh"].step  # every value is kept as the wh slider would hold it
MOST_ENTRIES = 50  # a list longer than this (a crafted link) is not read past here: bounded work, bounded words


def parse_wh_list(text: str, lo: float = -12.0, hi: float = 12.0) -> tuple[list[float], list[str]]:
    """wh_init values separated by commas, semicolons or new lines -> (the valid ones, a sentence per problem).

    Numbers follow the links' one rule (ASCII decimals: 1.5, -2, 1e-3); every entry quoted back is shown as a
    literal, never as Markdown.
    """
    entries = [p.strip() for p in re.split(r"[,;\n]", str(text)) if p.strip()]
    values, problems = [], []
    for part in entries[:MOST_ENTRIES]:
        v = parse_number(part)
        if v is None:
            problems.append(f"{literal(part, 20)} is not a number")
        elif not lo <= v <= hi:
            problems.append(f"{literal(part, 20)} is outside {lo:g}..{hi:g}")
        elif (kept := shown(CONTROLS["wh"], v)) in values:
            problems.append(f"{v:g} is listed twice" if kept == v else
                            f"{v:g} rounds to {kept:g} (wh_init moves in steps of {STEP:g}), which is already listed")
        elif len(values) == MOST_VALUES:
            problems.append(f"only {MOST_VALUES} values fit; {v:g} was left out")
        else:
            if kept != v:
                problems.append(f"{v:g} is rounded to {kept:g} (wh_init moves in steps of {STEP:g})")
            values.append(kept)
    if len(entries) > MOST_ENTRIES:
        problems.append(f"the list has {len(entries)} entries; only the first {MOST_ENTRIES} were read "
                        f"(the rest start {listing(entries[MOST_ENTRIES:], 2)})")
    return values, problems


def cell_center(point: dict, over: str = "wh") -> tuple[float, int]:
    """A clicked phase-diagram cell (its bounds across and in L) -> the (value, L) it stands for, as the sliders
    hold them; over is what the diagram runs across: wh (wh_init) or bz (the gate's bias)."""
    across, L = CONTROLS[over], CONTROLS["L"]
    centre = min(max((float(point[f"{over}_lo"]) + float(point[f"{over}_hi"])) / 2, across.lo), across.hi)
    length = int(min(max(round((float(point["L_lo"]) + float(point["L_hi"])) / 2), L.lo), L.hi))
    return shown(across, centre), length
