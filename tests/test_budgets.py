"""Work budgets: each computation says its work before it starts, refuses work beyond its budget in words, and
the settings the app offers (and the training presets) fit."""
import subprocess
import sys

import numpy as np
import pytest
from conftest import ROOT

from tinyrnn import L_MAX, Config
from tinyrnn.app.controls import CONTROLS
from tinyrnn.core import budget, landscape, phase, sweep, train
from tinyrnn.core.report import Report


class Started(Exception):
    """Raised by a stub in place of the real work: the call got past its checks."""


def stub(*_, **__):
    raise Started


@pytest.fixture
def no_work(monkeypatch):
    """Replace the inner computations: a call either refuses (ValueError) or reaches the work (Started)."""
    monkeypatch.setattr(sweep, "_sweep", stub)
    monkeypatch.setattr(landscape, "_loss_and_grads", stub)
    monkeypatch.setattr(train, "TinyRNN", stub)
    monkeypatch.setattr(phase, "sweep_arrays", stub)


def test_the_budget_module_loads_without_torch():
    code = "import sys, tinyrnn.core.budget as b; print('torch' in sys.modules, b.TRAINING_WORK)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.split() == ["False", str(budget.TRAINING_WORK)]


def test_work_functions_count_what_the_docs_say():
    assert budget.training_work(2000, 300) == 600_000
    assert budget.sweep_work(10_000, 2000) == 20_000_000
    assert budget.sweep_rows(10_000, 2000, 3) == 60_000_000
    assert budget.replay_work(400, 2000) == budget.forward_work(400, 2000) == 1_600_000_000
    assert budget.phase_work(800) == 640_000
    assert budget.landscape_work(1000, 1000, 2000) == 2_000_000_000


@pytest.mark.parametrize("call, words", [
    # the measurements: 69 s, 16 s, 90 s and 60 million rows before this change
    (lambda: train.train(Config(L=2000, target=1.0), steps=300, lr=0.1),
     ["L x steps = 2000 x 300", "is 600,000", f"at most {budget.TRAINING_WORK:,}", "lower L or steps"]),
    (lambda: sweep.sweep_arrays(Config(), np.linspace(-3, 3, 400), 2000, "reverse"),
     ["400 x 2000^2", f"at most {budget.REPLAY_WORK:,}", "method='forward'"]),
    (lambda: landscape.landscape(Config(L=2000, target=1.0), "wh", "wy", np.linspace(-1, 1, 1000),
                                 np.linspace(-1, 1, 1000)),
     ["1000 x 1000 x 2000", f"at most {budget.LANDSCAPE_WORK:,}", "smaller L"]),
    (lambda: sweep.sweep(Config(), np.linspace(-3, 3, 10_000), 2000),
     ["10000 x 2000 x 3 rows", f"at most {budget.SWEEP_ROWS:,}"]),
    (lambda: sweep.sweep_arrays(Config(), np.linspace(-3, 3, 10_000), 2000),
     ["10000 x 2000", f"at most {budget.SWEEP_CELLS:,}", "fewer wh values"]),
    (lambda: sweep.sweep_arrays(Config(), np.linspace(-3, 3, 200), 2000),
     ["200 x 2000^2", f"at most {budget.FORWARD_WORK:,}"]),
    (lambda: phase.phase_diagram(Config(), 3, 1500, "wh"), ["res x res = 1500 x 1500", "lower res"]),
    (lambda: phase.phase_diagram(Config(), 3, 900, "wh"), ["res^3 = 900^3", "lower res"]),
    (lambda: phase.gradient_lines(Config(), np.linspace(-3, 3, 1000), 2000, ("wh", "wy", "h_init")),
     ["1000 x 2000 x 3 rows", f"at most {budget.SWEEP_ROWS:,}"]),
])
def test_work_beyond_a_budget_is_refused_before_it_starts(no_work, call, words):
    with pytest.raises(ValueError) as err:
        call()
    for word in words:
        assert word in str(err.value)
    assert "about 2 s of server CPU" in str(err.value)


@pytest.mark.parametrize("call", [
    lambda: train.train(Config(L=50, target=1.0), steps=budget.TRAINING_WORK // 50, lr=0.1),
    lambda: sweep.sweep_arrays(Config(), np.zeros(budget.FORWARD_WORK // 800**2), 800, "forward"),
    lambda: sweep.sweep_arrays(Config(), np.zeros(budget.REPLAY_WORK // 1000**2), 1000, "reverse"),
    lambda: sweep.sweep_arrays(Config(), np.zeros(budget.SWEEP_CELLS), 1),
    lambda: landscape.landscape(Config(L=2000), "wh", "wy", np.zeros(budget.LANDSCAPE_WORK // 2000 // 10),
                                np.zeros(10)),
    lambda: phase.phase_diagram(Config(), 3, int(budget.FORWARD_WORK ** (1 / 3)), "wh"),
])
def test_work_at_a_budget_goes_ahead(no_work, call):
    with pytest.raises(Started):
        call()


def test_the_apps_settings_fit_their_budgets():
    for res in CONTROLS["res"].options:  # the Sweep page's phase diagram, float32 and float64 side by side
        assert budget.phase_work(int(res)) <= budget.SWEEP_CELLS
        assert budget.forward_work(int(res), int(res)) <= budget.FORWARD_WORK
    # the Sweep page's lines: up to 8 wh values, L up to L_MAX, one param
    assert budget.forward_work(8, L_MAX) <= budget.FORWARD_WORK and budget.sweep_rows(8, L_MAX, 1) <= budget.SWEEP_ROWS
    # the Training page's landscape: an 80 x 80 grid at any L
    assert budget.landscape_work(80, 80, L_MAX) <= budget.LANDSCAPE_WORK
    # the Explorer's Report: one wh value, every L up to the config's, all four params
    assert budget.forward_work(1, L_MAX) <= budget.FORWARD_WORK and budget.sweep_rows(1, L_MAX, 4) <= budget.SWEEP_ROWS


def test_the_training_presets_fit_and_a_report_at_L_MAX_runs():
    for preset in train.TRAINING_PRESETS.values():
        cfg, args = preset["config"], preset["train"]
        assert budget.training_work(cfg.L, args["steps"]) <= budget.TRAINING_WORK
    report = Report.from_config(Config(L=L_MAX, wh_init=1.01))
    assert len(report.by_length) == 4 * L_MAX
