"""Work budgets: how much one call of the core may compute, so that one web request (a link) costs the shared
server at most about 2 s of CPU, cold (nothing cached).

Each computation has a work function (its work units, computable before calling, so the app can say what it
limited) and a limit; the core raises ValueError before starting work beyond it, saying the budget in words.
Torch-free on purpose: the app and the command line read it without loading the engine.

How the limits were measured (benchmark: each computation at its limit, once per fresh process, every activation,
both dtypes, wh over [-3, 3] and [-12, 12]; the slowest case is quoted): on the project machine (2 cores, shared,
load average 2 to 6 from other work), CPU seconds with torch limited to one thread. With torch's default two
intra-op threads on a loaded machine, the same work costs up to ~6x more CPU (idle threads spin waiting for each
other: one forward sweep took 1.7 s on one thread and 10.2 s on two at load 5), so a server that shares its
cores should run torch with one thread (torch.set_num_threads(1) at start-up, a process-wide choice for the app).
Subnormal numbers (the vanishing tail of a gradient) make a step up to ~20x slower; they are in these cases.
"""
from __future__ import annotations

# Training: one SGD step is one forward + backward pass through L steps, ~25-55 us per step of L, whatever the
# number of trained parameters (autograd's graph dominates), more per unit at long L. Measured: L = 2000 x 12
# steps (24,000) 1.31 s, and 0.94 s on a quiet machine; L = 50 x 500 steps (25,000, Pascanu's preset) 0.62-0.70 s.
# The Training page trains twice (plain and clipped SGD) on one request, so one run gets about half of the 2 s;
# its rule of thumb reads plain SGD's first 5 updates from that run instead of training a probe. The worst link
# (L = 2000, two parameters with the landscape) measured 2.7 s in a fresh process, ~0.6 s of it building chart
# templates that a server's warm-up has built before the first visitor.
TRAINING_WORK = 25_000

# Sweep (forward tangents): one vectorised step per L for all wh values, ~100-300 ns per (wh, L) cell, more where
# special values are replayed exactly (below). Measured at 2e6 cells: 3.3 s (identity float64, wh in [-12, 12],
# L_max = 300: nearly every cell overflows and is replayed); at 1e6 cells 1.7 s (3333 wh x L_max = 300).
SWEEP_CELLS = 1_000_000

# Sweep (forward), the exact part: cells whose values are special (inf, NaN, an overflowing chain) are replayed
# the way autograd computes them, up to L steps each, so the worst case also grows like len(wh_values) x L_max^2.
# Measured at 6e8: 150 wh x L_max = 2000 0.71 s, 1666 wh x L_max = 600 (also 1e6 cells) 1.95 s, a phase
# diagram of 843 x 843 1.76 s (identity float64, wh in [-12, 12]; tanh and sigmoid never overflow h: < 0.6 s).
FORWARD_WORK = 600_000_000

# A sweep's long frame: one row per (wh, L, param), ~25 bytes each (~50 MB at the limit). Measured at 2e6 rows
# (833 wh x L = 600 x 4 params, identity float64, wh in [-12, 12]): sweep() 1.11 s, gradient_lines() 1.30 s
# (it also writes each cell's status); at 4e6 rows they took 2.37 s and 2.71 s.
SWEEP_ROWS = 2_000_000

# The gated cell's sweep: one forward pass with tangents, then autograd's own backward replayed for the cells near a
# special value (overflowing, or vanishing below ~1e4 x the smallest normal float), each over its L steps, so the
# worst case grows like len(wh_values) x L_max^2 / 2, with ~25 element-wise operations per step. Measured
# (phase diagrams res x res, wh in [-12, 12], one thread, load ~1.8): res 200 0.21 s, res 400 1.49 s (6.4e7),
# res 800 12.9 s (relu float64; tanh float32 11.1 s: its vanishing tail is replayed).
GATED_WORK = 100_000_000

# Reverse replay (method="reverse"): autograd's backward for every L at once, len(wh_values) x L_max^2 / 2
# element-steps at 1-4 ns each on one thread (12 x 2000^2 = 4.8e7 in 0.10 s); with two threads under load it
# measured up to 3.8 s for 1e8, so the limit keeps the two-thread case near 2 s.
REPLAY_WORK = 50_000_000

# Landscape: grid cells x L element-steps of the forward pass, its checkpointed recomputation and the exact
# reverse replay. Measured at 2e7: 200 x 200 x L = 500 0.30 s, 100 x 100 x L = 2000 0.37 s (tanh float64); with
# two threads under load up to 1.8 s. The Training page's 80 x 80 grid fits for every L up to 2000 (1.28e7).
LANDSCAPE_WORK = 20_000_000


def training_work(L: int, steps: int) -> int:
    """Work units of train(config, steps=steps): L x steps (the number of trained parameters hardly matters)."""
    return int(L) * int(steps)


def sweep_work(n_wh: int, L_max: int) -> int:
    """Cells of sweep_arrays(config, wh_values, L_max): len(wh_values) x L_max."""
    return int(n_wh) * int(L_max)


def forward_work(n_wh: int, L_max: int) -> int:
    """Worst-case units of the forward method's exact replay of special cells: len(wh_values) x L_max^2."""
    return int(n_wh) * int(L_max) ** 2


def sweep_rows(n_wh: int, L_max: int, n_params: int) -> int:
    """Rows of the frame sweep() and gradient_lines() return: len(wh_values) x L_max x len(params)."""
    return int(n_wh) * int(L_max) * int(n_params)


def replay_work(n_wh: int, L_max: int) -> int:
    """Units of the exact reverse replay (method="reverse"): len(wh_values) x L_max^2."""
    return int(n_wh) * int(L_max) ** 2


def phase_work(res: int) -> int:
    """Cells of phase_diagram(config, span, res, ...): res wh values x L = 1..res, so res^2."""
    return sweep_work(res, res)


def landscape_work(n_x: int, n_y: int, L: int) -> int:
    """Units of landscape(config, x, y, x_values, y_values): grid cells x L."""
    return int(n_x) * int(n_y) * int(L)


def check(work: int, limit: int, what: str, advice: str) -> None:
    """Raise before starting when work exceeds limit: '<what> is <work>; it is at most <limit> ...; <advice>'."""
    if work > limit:
        raise ValueError(f"{what} is {work:,}, over the budget: it is at most {limit:,} (about 2 s of server CPU "
                         f"per request); {advice}")
