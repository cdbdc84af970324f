"""Streamlit serves sessions from threads of one process: runs must not disturb each other."""
from concurrent.futures import ThreadPoolExecutor

from tinyrnn import Config, diagnose, run
from tinyrnn.core.sweep import sweep_arrays

CONFIGS = [Config(wh_init=w, L=L, dtype=d, activation=a)
           for w in (0.1, 1.0, 10.0) for L in (5, 10) for d in ("float32", "float64") for a in ("relu", "tanh")]


def signature(cfg):
    r = run(cfg)
    return (r.hidden.dtype.name, tuple(r.grads.values()), r.loss, diagnose(r).word)


def test_parallel_float32_and_float64_runs_match_sequential_ones():
    expected = [signature(c) for c in CONFIGS]
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(5):
            assert list(pool.map(signature, CONFIGS)) == expected


def test_parallel_sweeps_keep_their_dtype():
    def job(dtype):
        arr = sweep_arrays(Config(dtype=dtype), [0.5, 1.5], 40)
        return dtype, arr["wh"].dtype.name, arr["wh"].tobytes()

    expected = {d: job(d) for d in ("float32", "float64")}
    with ThreadPoolExecutor(max_workers=4) as pool:
        for result in pool.map(job, ["float32", "float64"] * 10):
            assert result == expected[result[0]]
            assert result[1] == result[0]
