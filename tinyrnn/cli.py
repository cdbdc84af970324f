"""python -m tinyrnn: the seed notebook's gradient table, and the same numbers as CSV or JSON.

The parser is built from tinyrnn.core.names alone, so --help and a bad flag answer without importing torch
(or numpy); the engine is imported only once the flags are known to be good.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import math
import struct
import sys

from .core.names import ACTIVATION_NAMES, DTYPE_NAMES, L_MAX

FORMATS = ("table", "csv", "json")
# struct's format letter per dtype: packing a float raises OverflowError exactly when it rounds to inf in that dtype
_PACK = {"float32": "<f", "float64": "<d"}

EPILOG = f"""\
output:
  table  the seed's printout (byte for byte with the defaults); a row whose
         gradients are not all finite ends with its diagnosis ("  <- overflow");
         --explain ends every row with its diagnosis word.
  csv    one row per (wh_init, L): the gradients of h_init, wh and wy, each with
         its status (finite, exactly 0, underflow, cancelled, inf or NaN), the
         loss and the diagnosis. Every number is the shortest decimal that
         round-trips in the run's dtype (float32 0.2 is 0.2, not
         0.20000000298023224).
  json   the same records; inf and NaN, which JSON cannot hold, are the
         strings "inf", "-inf" and "nan".

L is a whole number from 1 to {L_MAX}, the same range as the app's L control."""


class _Once(argparse.Action):
    """Store a flag's value, but refuse the flag a second time: argparse would silently keep the last one."""

    def __call__(self, parser, namespace, values, option_string=None):
        given = namespace.__dict__.setdefault("_given", {})
        if self.dest in given:
            raise argparse.ArgumentError(self, f"given twice ({_words(given[self.dest])}, then {_words(values)}); "
                                               "give it once")
        given[self.dest] = values
        setattr(namespace, self.dest, values)


def _words(values) -> str:
    return " ".join(map(str, values)) if isinstance(values, list) else str(values)


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
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number (L is a whole number from 1 to "
                                         f"{L_MAX})") from None
    if not 1 <= value <= L_MAX:
        raise argparse.ArgumentTypeError(f"{value} is outside 1..{L_MAX}: L is a whole number from 1 to {L_MAX}, "
                                         "the same range as the app's L control")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser: defaults reproduce the seed's table exactly (the seed's grid is filled in by rows())."""
    p = argparse.ArgumentParser(prog="python -m tinyrnn", description=__doc__.splitlines()[0], epilog=EPILOG,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--wh", nargs="+", type=_finite_float, action=_Once, metavar="W",
                   help="wh_init values (default: the seed's 0.1 1.0 10.0)")
    p.add_argument("--L", nargs="+", type=_length, action=_Once, metavar="L",
                   help=f"sequence lengths, whole numbers from 1 to {L_MAX} as in the app "
                        "(default: the seed's 1 2 3 4 5 10)")
    p.add_argument("--activation", choices=ACTIVATION_NAMES, default="relu", action=_Once,
                   help="default: relu, the seed's")
    target = p.add_mutually_exclusive_group()
    target.add_argument("--offset", type=_finite_float, default=1.0, action=_Once,
                        help="the seed's moving target y_L - offset (default 1.0)")
    target.add_argument("--target", type=_finite_float, default=None, action=_Once,
                        help="a fixed target for y_L instead (cannot be combined with --offset)")
    p.add_argument("--dtype", choices=DTYPE_NAMES, default="float32", action=_Once, help="default: float32")
    p.add_argument("--format", choices=FORMATS, default="table", action=_Once, help="default: table")
    p.add_argument("--explain", action="store_true", help="table only: end every row with its diagnosis word")
    return p


def parse(argv=None) -> argparse.Namespace:
    """Parse and check the flags together; any problem exits with usage and code 2, before torch is imported."""
    parser = build_parser()
    args = parser.parse_args(argv)
    vars(args).pop("_given", None)
    if args.explain and args.format != "table":
        parser.error(f"--explain annotates the table; --format {args.format} always carries the diagnosis and "
                     "each gradient's status")
    given = {"wh": args.wh or [], "offset": [args.offset], "target": [] if args.target is None else [args.target]}
    for flag, values in given.items():
        for value in values:
            try:
                struct.pack(_PACK[args.dtype], value)
            except OverflowError:
                hint = "; try --dtype float64" if args.dtype == "float32" else ""
                parser.error(f"argument --{flag}: {value:g} is beyond the largest {args.dtype}, so the run would "
                             f"start from inf{hint}")
    return args


def rows(args: argparse.Namespace) -> list[dict]:
    """One dict per (wh_init, L): each gradient and its status, the loss and the diagnosis.

    Numbers are numpy scalars of the run's dtype, so str() of each is its shortest round-tripping decimal.
    """
    # The engine (torch, numpy, pandas) is imported only here, after the flags parsed: --help stays fast.
    import numpy as np

    from .core.config import Config  # late: see above
    from .core.diagnosis import diagnose  # late: see above
    from .core.engine import run  # late: see above
    from .core.report import graded_gradients  # late: see above
    from .core.seed import SEED_L, SEED_PARAMS, SEED_WH  # late: seed.py imports the engine

    scalar = np.dtype(args.dtype).type
    out = []
    for wh in args.wh or SEED_WH:
        for L in args.L or SEED_L:
            result = run(Config(wh_init=wh, L=L, activation=args.activation, offset=args.offset,
                                target=args.target, dtype=args.dtype))
            diagnosis = diagnose(result)
            status = graded_gradients(result, diagnosis).set_index("param").status
            record = {"wh_init": scalar(wh), "L": L}
            for p in SEED_PARAMS:  # the seed prints rnn.named_parameters(): h_init, wh, wy (wx is not one)
                record[f"{p}.grad"], record[f"{p}.status"] = scalar(result.grads[p]), status[p]
            out.append({**record, "loss": scalar(result.loss), "diagnosis": diagnosis.word})
    return out


def _grad_keys(record: dict) -> list[str]:
    return [k for k in record if k.endswith(".grad")]


def format_table(records: list[dict], explain: bool = False) -> str:
    """The seed's printout, line for line; a row with a non-finite gradient (every row if explain) ends with its
    diagnosis word."""
    lines, current = [], None
    for rec in records:
        if rec["wh_init"] != current:
            current = rec["wh_init"]
            lines.append(f"wh_init = {current!s}")  # str(): shortest in the run's dtype
        keys = _grad_keys(rec)
        line = f"L={rec['L']:2d} " + ", ".join(f"{k} = {rec[k]:2.1e}" for k in keys)
        if explain or not all(math.isfinite(rec[k]) for k in keys):
            line += f"  <- {rec['diagnosis']}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def format_csv(records: list[dict]) -> str:
    """A header and one line per record; str() of a numpy scalar is its shortest decimal in the run's dtype."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(records[0])
    writer.writerows([str(v) for v in rec.values()] for rec in records)
    return buffer.getvalue()


def format_json(records: list[dict]) -> str:
    """Valid JSON (no bare inf/NaN): finite numbers as their shortest decimal, inf/-inf/NaN as strings."""
    def number(v):
        if isinstance(v, (str, int)):
            return v
        # float(str(v)) prints as str(v): the shortest decimal that round-trips in the run's dtype
        return float(str(v)) if math.isfinite(v) else str(v)

    return json.dumps([{k: number(v) for k, v in rec.items()} for rec in records], indent=1, allow_nan=False) + "\n"


def main(argv=None) -> int:
    """Entry point; argparse reports bad flags with usage and exit code 2."""
    args = parse(argv)
    records = rows(args)
    if args.format == "json":
        sys.stdout.write(format_json(records))
    elif args.format == "csv":
        sys.stdout.write(format_csv(records))
    else:
        sys.stdout.write(format_table(records, args.explain))
    return 0
