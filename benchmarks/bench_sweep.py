"""Benchmark: sweep() over 1000 wh values x L = 1..1000 against the seed notebook's own loop.

Prints medians; never asserts. Usage: python benchmarks/bench_sweep.py [--repeats 9] [--sample 200]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, no install needed
from tinyrnn import Config  # noqa: E402
from tinyrnn.core.sweep import sweep  # noqa: E402


class SeedRNN(nn.Module):
    """The seed notebook's TinyRNN, verbatim in behaviour: one module and one backward per cell."""

    def __init__(self, wh_init=1):
        super().__init__()
        self.h_init = nn.Parameter(torch.tensor(1.0))
        self.wh = nn.Parameter(torch.tensor(wh_init).float())
        self.wx = torch.tensor(0.0)
        self.wy = nn.Parameter(torch.tensor(1.0))

    def forward(self, x_seq):
        h, ys = self.h_init, []
        for x in x_seq:
            h = torch.relu(self.wh * h + self.wx * x)
            ys.append(self.wy * h)
        return torch.stack(ys)


def seed_cell(wh: float, L: int) -> None:
    rnn = SeedRNN(wh_init=wh)
    y = rnn(torch.ones(L))
    loss = torch.nn.MSELoss()(y[-1], y[-1].detach() - 1)
    loss.backward()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=9)
    ap.add_argument("--sample", type=int, default=200, help="seed-loop cells timed to estimate its cost")
    ap.add_argument("--n-wh", type=int, default=1000)
    ap.add_argument("--L-max", type=int, default=1000)
    args = ap.parse_args()

    wh = np.linspace(-3.0, 3.0, args.n_wh)
    cells = args.n_wh * args.L_max
    sweep(Config(), wh, args.L_max)  # warm-up
    times = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        df = sweep(Config(), wh, args.L_max)
        times.append(time.perf_counter() - t0)
    sweep_s = statistics.median(times)

    rng = np.random.default_rng(0)  # a local generator: no global seeding
    sample = [(float(rng.choice(wh)), int(rng.integers(1, args.L_max + 1))) for _ in range(args.sample)]
    t0 = time.perf_counter()
    for w, L in sample:
        seed_cell(w, L)
    per_cell = (time.perf_counter() - t0) / args.sample
    seed_total = per_cell * cells

    print(f"sweep: {args.n_wh} wh x L=1..{args.L_max} = {cells:,} cells, 3 gradients each, "
          f"{len(df):,} DataFrame rows")
    print(f"sweep median over {args.repeats}: {sweep_s * 1e3:.1f} ms "
          f"(min {min(times) * 1e3:.1f}, max {max(times) * 1e3:.1f}); torch threads {torch.get_num_threads()}")
    print(f"seed loop: {per_cell * 1e3:.2f} ms per cell on {args.sample} sampled cells "
          f"(mean L {np.mean([L for _, L in sample]):.0f}) -> {seed_total:,.0f} s estimated for all cells")
    print(f"ratio seed loop / sweep: {seed_total / sweep_s:,.0f}x")


if __name__ == "__main__":
    main()
