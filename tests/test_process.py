"""Process-wide choices: one torch thread (app/process.py) unless TINYRNN_TORCH_THREADS says more; the warm-up
freezes the heap it built (app/warmup.py)."""
import os
import subprocess
import sys

import pytest
from conftest import ROOT

from tinyrnn.app import process
from tinyrnn.core.torch_threads import set_threads


@pytest.mark.parametrize("raw, want", [("1", 1), ("3", 3), (" 2 ", 2), ("0", 1), ("-2", 1), ("two", 1), ("", 1)])
def test_thread_count_from_the_environment(monkeypatch, raw, want):
    monkeypatch.setenv("TINYRNN_TORCH_THREADS", raw)
    assert process.torch_threads() == want


def test_unset_means_one(monkeypatch):
    monkeypatch.delenv("TINYRNN_TORCH_THREADS", raising=False)
    assert process.torch_threads() == 1


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2"])
def test_set_threads_refuses_what_is_not_a_count(bad):
    with pytest.raises(ValueError, match="torch threads"):
        set_threads(bad)


def test_a_page_start_sets_one_thread_once_per_process():
    # in a fresh interpreter: the first page's start sets torch to 1 thread; a second start changes nothing
    code = ("import torch; torch.set_num_threads(2)\n"
            "from streamlit.testing.v1 import AppTest\n"
            "at = AppTest.from_file('streamlit_app.py', default_timeout=120).run()\n"
            "assert not at.exception, at.exception\n"
            "print(torch.get_num_threads())\n"
            "torch.set_num_threads(2); AppTest.from_file('streamlit_app.py', default_timeout=120).run()\n"
            "print(torch.get_num_threads())\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300,
                         env={**os.environ, "TINYRNN_WARMUP": "0", "TINYRNN_TORCH_THREADS": "1"})
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split()[-2:] == ["1", "2"]


def test_the_warm_up_ends_by_freezing_the_heap_it_built():
    """After the warm-up, the cyclic GC no longer walks the import-time heap (see warmup._freeze_the_heap): checked in
    a fresh process, with the jobs replaced by nothing so that only the ending runs."""
    code = ("import gc; from tinyrnn.app import warmup; warmup._jobs = lambda: iter(()); "
            "before = gc.get_freeze_count(); warmup._run(); print(before, gc.get_freeze_count() > 1000)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.split()[-2:] == ["0", "True"]
