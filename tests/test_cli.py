"""Command line: flags, machine-readable output, argparse errors instead of tracebacks."""
import csv
import io
import json
import subprocess
import sys

import pytest
from conftest import ROOT

from tinyrnn.cli import main


def cli(*args):
    return subprocess.run([sys.executable, "-m", "tinyrnn", *args], capture_output=True, text=True, cwd=ROOT)


def test_csv_has_one_row_per_cell(capsys):
    main(["--wh", "0.5", "2", "--L", "1", "7", "--format", "csv", "--activation", "tanh"])
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["wh_init"], r["L"]) for r in rows] == [("0.5", "1"), ("0.5", "7"), ("2.0", "1"), ("2.0", "7")]
    assert set(rows[0]) == {"wh_init", "L", "h_init.grad", "wh.grad", "wy.grad", "loss", "diagnosis"}


def test_json_is_valid_even_with_overflow(capsys):
    main(["--wh", "10", "--L", "60", "--format", "json"])
    (rec,) = json.loads(capsys.readouterr().out)
    assert rec["diagnosis"] == "overflow"
    assert rec["h_init.grad"] in ("nan", "inf", "-inf")


def test_float64_flag_removes_the_cancellation(capsys):
    main(["--wh", "10", "--L", "10", "--dtype", "float64"])
    assert "h_init.grad = 2.0e+10" in capsys.readouterr().out


def test_fixed_target(capsys):
    main(["--wh", "1", "--L", "2", "--target", "3", "--format", "json"])
    (rec,) = json.loads(capsys.readouterr().out)
    assert rec["loss"] == 4.0 and rec["wy.grad"] == -4.0  # y_L = 1, dL/dy = 2(1-3)


@pytest.mark.parametrize("args, message", [
    (["--L", "0"], "outside 1..2000"),
    (["--L", "x"], "not a whole number"),
    (["--wh", "inf"], "not finite"),
    (["--activation", "softplus"], "invalid choice"),
    (["--dtype", "float16"], "invalid choice"),
    (["--format", "xml"], "invalid choice"),
])
def test_bad_flags_are_argparse_errors_not_tracebacks(args, message):
    out = cli(*args)
    assert out.returncode == 2
    assert message in out.stderr and "Traceback" not in out.stderr
