"""Command line: fast --help, honest flags (no silent override or repeat), honest numbers and statuses out."""
import csv
import io
import json
import subprocess
import sys

import numpy as np
import pytest
from conftest import ROOT

from tinyrnn import Config, diagnose, run
from tinyrnn.app.controls import CONTROLS
from tinyrnn.cli import main
from tinyrnn.core.names import L_MAX
from tinyrnn.core.report import graded_gradients
from tinyrnn.core.seed import SEED_L, SEED_WH
from tinyrnn.core.status import STATUSES


def cli(*args):
    return subprocess.run([sys.executable, "-m", "tinyrnn", *args], capture_output=True, text=True, cwd=ROOT)


def csv_rows(capsys, *args):
    assert main([*args, "--format", "csv"]) == 0
    return list(csv.DictReader(io.StringIO(capsys.readouterr().out)))


def json_rows(capsys, *args):
    assert main([*args, "--format", "json"]) == 0

    def no_constants(token):  # json.loads accepts NaN/Infinity, which are not JSON: fail on them
        raise AssertionError(f"{token} in the JSON output")

    return json.loads(capsys.readouterr().out, parse_constant=no_constants)


# --- starts fast: the parser never needs torch ---------------------------------------------------------------

PROBE = """\
import contextlib, io, sys
from tinyrnn.cli import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    try:
        code = main({args!r})
    except SystemExit as exit:
        code = exit.code
print(code, 'torch' in sys.modules, 'numpy' in sys.modules)
"""


@pytest.mark.parametrize("args, code, engine", [
    (["--help"], 0, False),
    (["--dtype", "float16"], 2, False),
    (["--L", "2001"], 2, False),
    (["--dtype", "float32", "--dtype", "float64"], 2, False),
    (["--offset", "1", "--target", "2"], 2, False),
    (["--wh", "1e39"], 2, False),
    (["--wh", "1", "--L", "1"], 0, True),  # the probe sees torch when a run really happens
])
def test_help_and_flag_errors_never_import_torch(args, code, engine):
    out = subprocess.run([sys.executable, "-c", PROBE.format(args=args)], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    assert out.stdout.split() == [str(code), str(engine), str(engine)]


def test_help_says_the_defaults_ranges_and_words_it_uses():
    text = " ".join(cli("--help").stdout.split())  # argparse wraps lines
    assert f"the seed's {' '.join(map(str, SEED_WH))}" in text and f"the seed's {' '.join(map(str, SEED_L))}" in text
    assert f"from 1 to {L_MAX}" in text and "the app's L control" in text
    assert all(word in text for word in STATUSES)


# --- honest flags --------------------------------------------------------------------------------------------

def test_offset_and_target_cannot_both_be_given():
    out = cli("--offset", "2", "--target", "3")
    assert out.returncode == 2 and "--target: not allowed with argument --offset" in out.stderr


@pytest.mark.parametrize("args, message", [
    (["--dtype", "float32", "--dtype", "float64"], "argument --dtype: given twice (float32, then float64)"),
    (["--dtype", "float32", "--dt", "float64"], "argument --dtype: given twice"),  # an abbreviation is the flag
    (["--wh", "1", "2", "--wh", "3"], "argument --wh: given twice (1.0 2.0, then 3.0)"),
    (["--L", "5", "--L", "6"], "argument --L: given twice (5, then 6)"),
    (["--offset", "1", "--offset", "2"], "argument --offset: given twice"),
    (["--format", "csv", "--format", "json"], "argument --format: given twice"),
    (["--activation", "tanh", "--activation", "relu"], "argument --activation: given twice"),
])
def test_a_repeated_flag_is_refused_not_overwritten(args, message):
    out = cli(*args)
    assert out.returncode == 2 and message in out.stderr and "give it once" in out.stderr


def test_lengths_match_the_apps_range(capsys):
    control = CONTROLS["L"]
    assert (control.lo, control.hi) == (1, L_MAX) == (1, 2000)
    assert [r["L"] for r in csv_rows(capsys, "--wh", "1", "--L", "1", str(L_MAX))] == ["1", "2000"]
    out = cli("--L", str(L_MAX + 1))
    assert out.returncode == 2
    assert "2001 is outside 1..2000: L is a whole number from 1 to 2000" in out.stderr


def test_a_value_beyond_the_dtype_is_refused_there_and_accepted_in_float64(capsys):
    out = cli("--wh", "1e39")
    assert out.returncode == 2 and "--wh: 1e+39 is beyond the largest float32" in out.stderr
    (row,) = csv_rows(capsys, "--wh", "1e39", "--L", "1", "--dtype", "float64")
    assert row["wh_init"] == "1e+39" and row["diagnosis"] == "cancelled"  # y_L = 1e39 minus 1 rounds back


def test_explain_is_refused_where_it_would_do_nothing():
    out = cli("--format", "csv", "--explain")
    assert out.returncode == 2 and "--explain annotates the table" in out.stderr


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


# --- honest output -------------------------------------------------------------------------------------------

def test_csv_has_one_row_per_cell_with_a_status_per_gradient(capsys):
    rows = csv_rows(capsys, "--wh", "0.5", "2", "--L", "1", "7", "--activation", "tanh")
    assert [(r["wh_init"], r["L"]) for r in rows] == [("0.5", "1"), ("0.5", "7"), ("2.0", "1"), ("2.0", "7")]
    assert list(rows[0]) == ["wh_init", "L", "h_init.grad", "h_init.status", "wh.grad", "wh.status",
                             "wy.grad", "wy.status", "loss", "diagnosis"]


def test_float32_values_are_the_shortest_decimal_that_round_trips(capsys):
    grad = run(Config(wh_init=0.1, L=1)).grads["h_init"]
    assert repr(grad) == "0.20000000298023224"  # what the old CSV printed
    (row,) = csv_rows(capsys, "--wh", "0.1", "--L", "1")
    assert row["h_init.grad"] == "0.2" and row["wh_init"] == "0.1" and row["loss"] == "1.0"
    assert np.float32(row["h_init.grad"]) == np.float32(grad)
    assert main(["--wh", "0.1", "--L", "1", "--format", "json"]) == 0
    assert '"h_init.grad": 0.2,' in capsys.readouterr().out


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_every_number_round_trips_exactly_in_the_runs_dtype(capsys, dtype):
    rows = csv_rows(capsys, "--wh", "0.3", "1.7", "-0.9", "--L", "3", "17", "--activation", "tanh", "--dtype", dtype)
    scalar = np.dtype(dtype).type
    for row in rows:
        r = run(Config(wh_init=float(row["wh_init"]), L=int(row["L"]), activation="tanh", dtype=dtype))
        for p in ("h_init", "wh", "wy"):
            assert scalar(row[f"{p}.grad"]) == scalar(r.grads[p])
            assert len(row[f"{p}.grad"]) <= len(repr(r.grads[p]))
        assert scalar(row["loss"]) == scalar(r.loss)


def test_json_is_valid_even_with_overflow_and_carries_the_statuses(capsys):
    records = json_rows(capsys, "--wh", "10", "--L", "1", "10", "40")
    by_length = {rec["L"]: rec for rec in records}
    over = by_length[40]
    assert over["diagnosis"] == "overflow" and over["h_init.grad"] == "nan" and over["loss"] == "nan"
    assert [over[f"{p}.status"] for p in ("h_init", "wh", "wy")] == ["NaN"] * 3
    assert by_length[10]["diagnosis"] == "cancelled" and by_length[10]["wh.status"] == "cancelled"
    assert by_length[1]["h_init.grad"] == 20.0 and by_length[1]["h_init.status"] == "finite"
    for rec in records:  # the statuses are the core's, word for word
        result = run(Config(wh_init=10.0, L=rec["L"]))
        graded = graded_gradients(result, diagnose(result)).set_index("param").status
        assert all(rec[f"{p}.status"] == graded[p] for p in ("h_init", "wh", "wy"))


def test_json_says_underflow_and_exact_zeros_apart(capsys):
    (under,) = json_rows(capsys, "--wh", "0.1", "--L", "60")
    assert under["h_init.grad"] == 0.0 and under["h_init.status"] == "underflow"
    (dead,) = json_rows(capsys, "--wh", "-1", "--L", "2")  # relu off at step 1: zero in exact math
    assert dead["h_init.grad"] == 0.0 and dead["h_init.status"] == "exactly 0"


def test_a_nan_row_says_overflow_and_finite_rows_stay_as_the_seed_printed(capsys):
    main(["--wh", "10", "--L", "10", "40"])
    assert capsys.readouterr().out == ("wh_init = 10.0\n"
                                       "L=10 h_init.grad = 0.0e+00, wh.grad = 0.0e+00, wy.grad = 0.0e+00\n"
                                       "L=40 h_init.grad = nan, wh.grad = nan, wy.grad = nan  <- overflow\n")


def test_explain_ends_every_row_with_its_diagnosis(capsys):
    main(["--wh", "0.1", "10", "--L", "5", "10", "--explain"])
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("L=")]
    assert [line.split("  <- ")[1] for line in lines] == ["vanishing", "vanishing", "exploding", "cancelled"]


def test_float64_flag_removes_the_cancellation(capsys):
    main(["--wh", "10", "--L", "10", "--dtype", "float64"])
    assert "h_init.grad = 2.0e+10" in capsys.readouterr().out


def test_fixed_target(capsys):
    (rec,) = json_rows(capsys, "--wh", "1", "--L", "2", "--target", "3")
    assert rec["loss"] == 4.0 and rec["wy.grad"] == -4.0  # y_L = 1, dL/dy = 2(1-3)
