"""Benchmark: the memory task's success rate against L for both cells, timed cold (a fresh process per run).

Prints the median compute time (import excluded, and the import time beside it), the success-rate table, the
first L where the plain cell's rate drops below 50% with the gated cell's rate there, torch's thread count and
the load average before and after. Never asserts.
Usage: python benchmarks/bench_memory.py [--repeats 3] [--seeds 5] [--steps 300] [--activation tanh]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LS = (1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 70, 80, 90, 100)


def child(args: argparse.Namespace) -> None:
    """One cold run: import, then the success-rate computation; print JSON on stdout."""
    t0 = time.perf_counter()
    sys.path.insert(0, str(ROOT))
    import torch

    from tinyrnn.core import memory
    t1 = time.perf_counter()
    settings = {"steps": args.steps, "activation": args.activation, "init": args.init, "dtype": args.dtype}
    if args.gate_bias is not None:
        settings["gate_bias"] = args.gate_bias
    table = memory.success_rate(LS, range(args.seeds), **settings)
    t2 = time.perf_counter()
    print(json.dumps({"import": t1 - t0, "compute": t2 - t1, "threads": torch.get_num_threads(),
                      "table": table.to_dict(orient="records")}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3, help="cold runs, each in a fresh process")
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--activation", default="tanh")
    ap.add_argument("--init", default="pytorch")
    ap.add_argument("--gate-bias", type=float, default=None)
    ap.add_argument("--dtype", default="float32")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args)
        return

    load_before = os.getloadavg()
    argv = [sys.executable, __file__, "--child", "--seeds", str(args.seeds), "--steps", str(args.steps),
            "--activation", args.activation, "--init", args.init, "--dtype", args.dtype]
    if args.gate_bias is not None:
        argv += ["--gate-bias", str(args.gate_bias)]
    runs = []
    for _ in range(args.repeats):
        out = subprocess.run(argv, capture_output=True, text=True, check=True, cwd=ROOT)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    load_after = os.getloadavg()

    compute = [r["compute"] for r in runs]
    imports = [r["import"] for r in runs]
    models = 2 * len(LS) * args.seeds
    print(f"success rate, {len(LS)} L values from {LS[0]} to {LS[-1]} x {args.seeds} seeds x 2 cells = {models} "
          f"models, {args.steps} Adam steps ({args.activation} plain cell, init {args.init}, "
          f"gate_bias {args.gate_bias}, {args.dtype}), torch threads {runs[0]['threads']}")
    print(f"cold compute: median {statistics.median(compute):.2f} s (min {min(compute):.2f}, max {max(compute):.2f}, "
          f"{len(compute)} fresh processes); import of torch + pandas + tinyrnn.core.memory: median "
          f"{statistics.median(imports):.2f} s")
    print("load average (1, 5, 15 min): before {:.2f} {:.2f} {:.2f}, after {:.2f} {:.2f} {:.2f}".format(
        *load_before, *load_after))

    table = runs[0]["table"]
    rate = {(row["cell"], row["L"]): row["rate"] for row in table}
    print("\n    L " + "  ".join(f"{L:>4d}" for L in LS))
    for cell in ("plain", "gru"):
        print(f"{cell:>5s} " + "  ".join(f"{rate[cell, L]:4.2f}" for L in LS))
    below = [L for L in LS if rate["plain", L] < 0.5]
    if below:
        L = below[0]
        print(f"\nplain cell's rate first below 50% at L = {L} ({rate['plain', L]:.2f}); gated cell there: "
              f"{rate['gru', L]:.2f}")
    else:
        print("\nplain cell's rate never drops below 50% on this grid")
    same = all(r["table"] == table for r in runs)
    print(f"tables identical across the {len(runs)} runs: {same}")


if __name__ == "__main__":
    main()
