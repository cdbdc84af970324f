"""python -m tinyrnn: the seed notebook's gradient table, and the same numbers as CSV or JSON."""
from __future__ import annotations

import argparse
import json
import math
import sys

from .core import activations
from .core.config import DTYPES, L_MAX, Config
from .core.diagnosis import diagnose
from .core.engine import run
from .core.seed import SEED_L, SEED_WH
from .core.seed import SEED_PARAMS as TABLE_PARAMS


def _finite_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not finite")
    return value


def _length(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= L_MAX:
        raise argparse.ArgumentTypeError(f"{value} is outside 1..{L_MAX}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser: defaults reproduce the seed's table exactly."""
    p = argparse.ArgumentParser(prog="python -m tinyrnn", description=__doc__.strip())
    p.add_argument("--wh", nargs="+", type=_finite_float, default=list(SEED_WH), metavar="W",
                   help="wh_init values (default: 0.1 1.0 10.0)")
    p.add_argument("--L", nargs="+", type=_length, default=list(SEED_L), metavar="L",
                   help=f"sequence lengths, 1..{L_MAX} (default: 1 2 3 4 5 10)")
    p.add_argument("--activation", choices=activations.NAMES, default="relu")
    p.add_argument("--offset", type=_finite_float, default=1.0, help="target = y_L - offset (default 1.0)")
    p.add_argument("--target", type=_finite_float, default=None, help="a fixed target instead of the offset")
    p.add_argument("--dtype", choices=tuple(DTYPES), default="float32")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    return p


def rows(args) -> list[dict]:
    """One dict per (wh_init, L): the gradients, loss and diagnosis."""
    out = []
    for wh in args.wh:
        for L in args.L:
            cfg = Config(wh_init=wh, L=L, activation=args.activation, offset=args.offset,
                         target=args.target, dtype=args.dtype)
            r = run(cfg)
            out.append({"wh_init": wh, "L": L, **{f"{p}.grad": r.grads[p] for p in TABLE_PARAMS},
                        "loss": r.loss, "diagnosis": diagnose(r).word})
    return out


def format_table(records: list[dict]) -> str:
    """The seed's printout, line for line."""
    lines, current = [], None
    for rec in records:
        if rec["wh_init"] != current:
            current = rec["wh_init"]
            lines.append(f"wh_init = {current}")
        grads = ", ".join(f"{p}.grad = {rec[p + '.grad']:2.1e}" for p in TABLE_PARAMS)
        lines.append(f"L={rec['L']:2d} {grads}")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    """Entry point; argparse reports bad flags with usage and exit code 2."""
    args = build_parser().parse_args(argv)
    records = rows(args)
    if args.format == "json":
        # JSON has no inf/NaN: say them as strings rather than emit invalid JSON
        safe = [{k: (v if not isinstance(v, float) or math.isfinite(v) else str(v)) for k, v in rec.items()}
                for rec in records]
        sys.stdout.write(json.dumps(safe, indent=1) + "\n")
    elif args.format == "csv":
        header = list(records[0])
        sys.stdout.write(",".join(header) + "\n")
        for rec in records:
            sys.stdout.write(",".join(repr(rec[k]) if isinstance(rec[k], float) else str(rec[k])
                                      for k in header) + "\n")
    else:
        sys.stdout.write(format_table(records))
    return 0
