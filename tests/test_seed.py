"""The seed notebook's table, reproduced byte for byte."""
import subprocess
import sys

import pytest
from conftest import ROOT, SEED

from tinyrnn import Config, diagnose, run
from tinyrnn.cli import format_table, main


def test_fixture_is_the_seed_printout(seed_table):
    if not SEED.exists():
        pytest.skip(f"seed notebook not beside the checkout at {SEED}")
    printed = SEED.read_text().split("```")[-2].lstrip("\n")
    assert seed_table == printed


def test_cli_prints_the_seed_table_byte_for_byte(seed_table):
    out = subprocess.run([sys.executable, "-m", "tinyrnn"], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout == seed_table


def test_in_process_main_matches(seed_table, capsys):
    assert main([]) == 0
    assert capsys.readouterr().out == seed_table


def test_the_float32_zero_is_cancellation_not_vanishing():
    r = run(Config(wh_init=10.0, L=10))
    assert r.loss == 0.0 and all(g == 0.0 for g in r.grads.values())
    assert diagnose(r).word == "cancelled"
    assert "2.0e10" in diagnose(r).explanation
    r64 = run(Config(wh_init=10.0, L=10, dtype="float64"))
    assert r64.loss == 1.0 and r64.grads["h_init"] == pytest.approx(2e10)


@pytest.mark.parametrize("wh, word", [(0.1, "vanishing"), (1.0, "stable"), (10.0, "exploding")])
def test_seed_rows_read_as_their_regime_at_every_L(wh, word):
    words = [diagnose(run(Config(wh_init=wh, L=L))).word for L in (1, 2, 3, 4, 5, 10)]
    assert words == [word] * 5 + ["cancelled" if wh == 10.0 else word]


def test_format_table_layout():
    text = format_table([{"wh_init": 2.0, "L": 3, "h_init.grad": 1.0, "wh.grad": -2.5e-7, "wy.grad": 0.0}])
    assert text == "wh_init = 2.0\nL= 3 h_init.grad = 1.0e+00, wh.grad = -2.5e-07, wy.grad = 0.0e+00\n"
