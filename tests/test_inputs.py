"""Issue #9: every public function of the core checks its arguments up front.

A bad argument gets a ValueError (TypeError only for a wrong keyword) whose message names the argument; never
another exception, never a hang, never a silent acceptance. Reasonable values (numpy scalars, tuples, ranges,
numpy arrays, generators, whole floats for counts) are accepted. And where float32 or float64 overflows, run(),
sweep() and landscape() give the same special values (run, autograd, is the reference).
"""
import itertools
import math

import numpy as np
import pandas as pd
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tinyrnn import ACTIVATION_NAMES, DTYPE_NAMES, L_MAX, PARAMS, Config, run
from tinyrnn.core.diagnosis import diagnose
from tinyrnn.core.landscape import landscape, window
from tinyrnn.core.phase import gradient_lines, phase_diagram
from tinyrnn.core.report import Report
from tinyrnn.core.sweep import DUST, sweep, sweep_arrays
from tinyrnn.core.train import clip_gradient, suggest_clip, train

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
C = Config(L=5)
T = Config(L=5, target=1.0)  # training needs a fixed target to move
PATH = pd.DataFrame({"wh": [1.0, 1.2], "wy": [1.0, 0.8], "h_init": [1.0, 0.9]})

# --- bad values, by what the argument is ------------------------------------------------------------------------
huge = st.integers(min_value=2**1024, max_value=2**1100) | st.integers(min_value=-(2**1100), max_value=-(2**1024))
non_finite = st.sampled_from([math.nan, math.inf, -math.inf, np.float64("nan"), np.float32("inf")])
not_numbers = st.one_of(
    st.text(max_size=5), st.binary(max_size=3), st.booleans(), st.just(np.bool_(True)),
    st.complex_numbers(max_magnitude=10), st.lists(st.floats(-1, 1), max_size=2), st.tuples(st.floats(-1, 1)),
    st.sets(st.integers(0, 3), max_size=2), st.just({"a": 1}), st.just(object()),
)
bad_number = st.one_of(st.none(), not_numbers, huge, non_finite)
bad_number_or_none = st.one_of(not_numbers, huge, non_finite)
bad_positive = st.one_of(bad_number, st.floats(-1e6, 0.0), st.just(0))
bad_positive_or_none = st.one_of(bad_number_or_none, st.floats(-1e6, 0.0))


def bad_whole(lo, hi, none_ok=False):
    return st.one_of(
        *(() if none_ok else (st.none(),)), st.text(max_size=3), st.booleans(), st.complex_numbers(max_magnitude=5),
        st.floats(lo - 0.9, hi + 0.9).filter(lambda v: not float(v).is_integer()), non_finite, huge,
        st.integers(max_value=lo - 1), st.integers(min_value=hi + 1), st.lists(st.integers(lo, hi), max_size=2),
    )


bad_item = st.one_of(st.text(max_size=3), st.booleans(), st.none(), non_finite, huge,
                     st.complex_numbers(max_magnitude=3), st.lists(st.floats(-1, 1), min_size=1, max_size=2))
bad_list = st.one_of(
    st.none(), st.text(max_size=4), st.floats(-3, 3), st.integers(-3, 3), st.just([]), st.just(()),
    st.builds(lambda good, bad, i: good[:i] + [bad] + good[i:], st.lists(st.floats(-3, 3), max_size=3), bad_item,
              st.integers(0, 3)),
    st.sets(st.floats(-3, 3), min_size=1, max_size=3), st.just({"a": 1.0}), st.just(np.zeros((2, 2))),
    st.just(np.array([True, False])), st.just(np.array([1.0, np.nan])),
)
bad_grads = st.one_of(  # clip_gradient lets inf and NaN through (train stops on them), but nothing else
    st.none(), st.text(max_size=4), st.floats(-3, 3), st.just([]), st.just(torch.tensor([])),
    st.just(torch.tensor([[1.0, 2.0]])), st.just(torch.tensor([1, 2])), st.sets(st.floats(-3, 3), min_size=1),
    st.lists(st.one_of(st.text(max_size=2), st.booleans(), st.none(), st.complex_numbers(max_magnitude=2)),
             min_size=1, max_size=3),
)


def bad_name(options, none_ok=False):
    return st.one_of(*(() if none_ok else (st.none(),)), st.text(max_size=8).filter(lambda v: v not in options),
                     st.integers(), st.booleans(), st.lists(st.sampled_from(options), max_size=2),
                     st.binary(max_size=2))


def bad_names(options, one_name_ok=False):
    return st.one_of(
        st.none(), st.integers(), st.just([]), st.just(()),
        st.text(max_size=8).filter(lambda v: not (one_name_ok and v in options)),
        st.lists(st.sampled_from(options), min_size=2, max_size=4).filter(lambda v: len(set(v)) < len(v)),
        st.lists(st.text(max_size=4).filter(lambda v: v not in options), min_size=1, max_size=2),
        st.lists(st.lists(st.sampled_from(options), min_size=1, max_size=1), min_size=1, max_size=2),
        st.sets(st.sampled_from(options), min_size=1),
    )


bad_config = st.one_of(st.none(), st.just({"wh_init": 1.0}), st.text(max_size=4), st.integers(), st.just([C]))
bad_flag = st.one_of(st.none(), st.integers(0, 1), st.text(max_size=3), st.floats(0, 1))

# (function label, call(**args), valid args, {argument: strategy of bad values})
CASES = [
    ("Config", lambda **a: Config(**a), {},
     {**{f: bad_number for f in ("wh_init", "offset", "h_init", "wy", "wx")}, "target": bad_number_or_none,
      "L": bad_whole(1, L_MAX), "activation": bad_name(ACTIVATION_NAMES), "dtype": bad_name(DTYPE_NAMES)}),
    ("run", run, {"config": C}, {"config": bad_config, "truncate": bad_whole(1, 5, none_ok=True)}),
    ("sweep", sweep, {"config": C, "wh_values": [0.5, 1.5], "L_max": 4},
     {"config": bad_config, "wh_values": bad_list, "L_max": bad_whole(1, L_MAX), "params": bad_names(PARAMS),
      "method": bad_name(("auto", "forward", "reverse"))}),
    ("sweep_arrays", sweep_arrays, {"config": C, "wh_values": [0.5, 1.5], "L_max": 4},
     {"config": bad_config, "wh_values": bad_list, "L_max": bad_whole(1, L_MAX), "extras": bad_flag,
      "method": bad_name(("auto", "forward", "reverse"))}),
    ("phase_diagram", phase_diagram, {"config": C, "span": 3.0, "res": 6, "param": "wh"},
     {"config": bad_config, "span": bad_positive, "res": bad_whole(1, L_MAX), "param": bad_name(PARAMS),
      "display_max": bad_whole(1, L_MAX)}),
    ("gradient_lines", gradient_lines, {"config": C, "wh_values": [0.5, 1.5], "L_max": 4, "params": "wh"},
     {"config": bad_config, "wh_values": bad_list, "L_max": bad_whole(1, L_MAX),
      "params": bad_names(PARAMS, one_name_ok=True)}),
    ("train", train, {"config": T, "steps": 2, "lr": 0.1},
     {"config": bad_config, "steps": bad_whole(1, 20000), "lr": bad_positive, "clip": bad_positive_or_none,
      "clip_mode": bad_name(("norm", "value")), "params": bad_names(PARAMS),
      "on_step": st.one_of(st.integers(), st.text(max_size=3), st.lists(st.integers(), max_size=1))}),
    ("suggest_clip", suggest_clip, {"config": T, "lr": 0.1},
     {"config": bad_config, "lr": bad_positive, "params": bad_names(PARAMS), "probe_steps": bad_whole(1, 100)}),
    ("clip_gradient", clip_gradient, {"grads": torch.tensor([1.0, -2.0]), "clip": 1.0},
     {"grads": bad_grads, "clip": bad_positive_or_none, "mode": bad_name(("norm", "value"))}),
    ("landscape", landscape, {"config": T, "x": "wh", "y": "wy", "x_values": [0.5, 1.0], "y_values": [1.0]},
     {"config": bad_config, "x": bad_name(("h_init", "wh", "wx")), "y": bad_name(("h_init", "wy", "wx")),
      "x_values": bad_list, "y_values": bad_list}),
    ("window", window, {"path": PATH, "x": "wh", "y": "wy"},
     {"path": st.one_of(st.none(), st.just([1.0, 2.0]), st.just({"wh": [1.0]}), st.just(pd.DataFrame({"a": [1]}))),
      "x": bad_name(("h_init", "wh")), "y": bad_name(("h_init", "wy")), "cells": bad_whole(2, 1000),
      "pad": st.one_of(bad_number, st.floats(-5, -0.01)), "least": st.one_of(bad_number, st.floats(-5, 0))}),
    ("Report.from_config", lambda **a: Report.from_config(**a), {"config": C}, {"config": bad_config}),
]
ARGS = [(label, call, valid, arg, strategy) for label, call, valid, bad in CASES for arg, strategy in bad.items()]


@pytest.mark.parametrize("label, call, valid, arg, strategy", ARGS, ids=[f"{a[0]}-{a[3]}" for a in ARGS])
def test_a_bad_argument_gets_a_valueerror_naming_it(label, call, valid, arg, strategy):
    @FAST
    @given(value=strategy)
    def check(value):
        with pytest.raises((ValueError, TypeError)) as err:
            call(**{**valid, arg: value})
        assert arg in str(err.value), (label, arg, value, str(err.value))

    check()


RESULT = run(C)


@pytest.mark.parametrize("args, name", [((None,), "result"), ((C,), "result"), ((RESULT, "dyn"), "dyn"),
                                        ((RESULT, None, "r"), "reference")])
def test_diagnose_checks_its_arguments(args, name):
    with pytest.raises(ValueError, match=name):
        diagnose(*args)


# --- the cases issue #9 listed ------------------------------------------------------------------------------------
@pytest.mark.parametrize("call, words", [
    (lambda: Config(wh_init=10**400), ["wh_init", "too large"]),
    (lambda: Config(wh_init=1e39), ["wh_init=1e+39", "beyond the largest float32", "float64"]),
    (lambda: Config(activation=[]), ["activation=[]", "relu"]),
    (lambda: Config(wh_init="1"), ["wh_init='1'", "not str"]),
    (lambda: run(None), ["config=None", "Config(wh_init="]),
    (lambda: sweep(None, [1.0], 5), ["config=None"]),
    (lambda: sweep(C, {1.0, 2.0}, 5), ["wh_values", "no order"]),
    (lambda: sweep(C, [[1.0, 2.0]], 5), ["wh_values", "nested lists are not flattened"]),
    (lambda: sweep(C, [True, 1.0], 5), ["wh_values", "item 0 is True, a bool"]),
    (lambda: sweep(C, [1j], 5), ["wh_values", "complex"]),
    (lambda: sweep(C, ["a"], 5), ["wh_values=['a']", "string"]),
    (lambda: sweep(C, [], 5), ["wh_values", "non-empty"]),
    (lambda: sweep(C, [1.0], 5, params=None), ["params=None"]),
    (lambda: sweep(C, [1.0], 5, params=("wh", "wh")), ["params", "no duplicates"]),
    (lambda: sweep(C, [1.0], 5, params=()), ["params", "non-empty"]),
    (lambda: sweep(Config(), [1e308], 5), ["wh_values", "beyond the largest float32"]),
    (lambda: clip_gradient(torch.tensor([]), 1.0), ["grads", "non-empty"]),
    (lambda: clip_gradient([], 1.0), ["grads", "non-empty"]),
    (lambda: train(T, steps=3, lr=10**400), ["lr", "too large"]),
    (lambda: train(T, steps=3, lr=0.1, clip=10**400), ["clip", "too large"]),
    (lambda: train(T, steps=3, lr=0.1, params=None), ["params=None"]),
    (lambda: train(T, steps=3, lr=0.1, params={"wh"}), ["params", "no order"]),
])
def test_issue_9_cases_get_words(call, words):
    with pytest.raises(ValueError) as err:
        call()
    for word in words:
        assert word in str(err.value)
    for unclear in ("could not convert", "need at least one array", "Categorical categories must be unique"):
        assert unclear not in str(err.value)


def test_reasonable_values_are_accepted():
    assert Config(L=np.int64(10), wh_init=np.float32(0.5), offset=np.int32(2)).L == 10
    assert Config(L=10.0).L == 10
    df = sweep(C, [1.0], 5.0)
    assert len(df) == 5 * 3
    same = [sweep(C, v, np.int64(5)).grad.tolist() for v in ([0.5, 1.5], (0.5, 1.5), np.array([0.5, 1.5]),
                                                               (w / 2 for w in (1, 3)), np.float32([0.5, 1.5]))]
    assert all(s == same[0] for s in same)  # a generator is read once, as the list it yields
    assert len(sweep(C, range(3), 4)) == 3 * 4 * 3
    assert len(gradient_lines(C, np.arange(2.0), 3, ["wh", "wy"])) == 2 * 3 * 2
    assert len(train(T, steps=3.0, lr=np.float64(0.1), params=["wh"])) == 4
    assert clip_gradient([3.0, 4.0], 1.0)[1] and clip_gradient(np.array([3.0, 4.0]), 10)[1] is False
    assert len(landscape(T, "wh", "wy", range(2), (1.0,))) == 2
    assert len(phase_diagram(C, np.float32(2), np.int64(6), "wh")["cells"]) == 36


# --- random valid inputs never raise ------------------------------------------------------------------------------
def as_number(draw_from):
    return st.one_of(draw_from, draw_from.map(np.float64), draw_from.map(np.float32))


configs = st.builds(
    Config, wh_init=as_number(st.floats(-12, 12)), L=st.integers(1, 12) | st.integers(1, 12).map(float),
    activation=st.sampled_from(ACTIVATION_NAMES), offset=as_number(st.floats(-5, 5)), h_init=st.floats(-5, 5),
    wy=st.floats(-5, 5), wx=st.integers(-5, 5), dtype=st.sampled_from(DTYPE_NAMES),
    target=st.none() | st.floats(-5, 5))
wh_lists = st.lists(st.floats(-12, 12), min_size=1, max_size=4).flatmap(
    lambda v: st.sampled_from([v, tuple(v), np.array(v), np.array(v, dtype=np.float32)]))
param_lists = st.lists(st.sampled_from(PARAMS), min_size=1, max_size=4, unique=True)


@FAST
@given(cfg=configs, wh=wh_lists, L_max=st.integers(1, 12), params=param_lists,
       method=st.sampled_from(["auto", "forward", "reverse"]))
def test_valid_sweeps_never_raise(cfg, wh, L_max, params, method):
    df = sweep(cfg, wh, L_max, params=params, method=method)
    assert len(df) == len(wh) * L_max * len(params)
    gradient_lines(cfg, wh, L_max, params[0])
    run(cfg, truncate=cfg.L)


@FAST
@given(cfg=configs, steps=st.integers(1, 4), lr=st.floats(1e-4, 1.0), clip=st.none() | st.floats(0.01, 10),
       mode=st.sampled_from(["norm", "value"]), params=param_lists)
def test_valid_training_never_raises(cfg, steps, lr, clip, mode, params):
    frame = train(cfg, steps=steps, lr=lr, clip=clip, clip_mode=mode, params=params)
    assert 1 <= len(frame) <= steps + 1
    x, y = (params * 2)[:2] if len(params) > 1 else ("wh", "h_init")
    if x != y and frame[[c for c in (x, y) if c in frame]].shape[1] == 2 and bool(
            (np.isfinite(frame[x]) & np.isfinite(frame[y])).any()):
        window(frame, x, y, cells=4)


@FAST
@given(cfg=configs, xs=wh_lists, ys=wh_lists, pair=st.permutations(PARAMS).map(lambda p: p[:2]),
       span=st.floats(0.1, 12), res=st.integers(1, 10), param=st.sampled_from(PARAMS))
def test_valid_grids_never_raise(cfg, xs, ys, pair, span, res, param):
    assert len(landscape(cfg, pair[0], pair[1], xs, ys)) == len(xs) * len(ys)
    out = phase_diagram(cfg, span, res, param)
    assert out["computed"] == res


# --- special values agree: run (autograd) vs sweep (both methods) vs landscape --------------------------------------
def status(value: float, dust: float) -> str:
    """inf (with its sign), NaN, 0 (a few ulps of the smallest subnormal count as 0: rounding there is coarse), or
    finite."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+inf" if value > 0 else "-inf"
    return "0" if abs(value) <= dust else "finite"


@pytest.mark.parametrize("dtype", DTYPE_NAMES)
@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_special_values_agree_across_run_sweep_and_landscape(activation, dtype):
    # |wh| large enough to overflow within a few steps in this dtype, both signs, with the states and targets that
    # produced the disagreements (h_init 0 or negative, wx 0 or 1, the seed's moving target or a fixed one)
    big = [1e5, 1e20] if dtype == "float32" else [1e13, 1e28, 1e160]
    whs = sorted({s * w for s in (-1, 1) for w in (1.5, 3.0, 50.0, *big)})
    Ls = [1, 2, 5, 13, 40]
    info = np.finfo(dtype)
    dust = DUST * float(info.smallest_subnormal)
    tol = 1e-4 if dtype == "float32" else 1e-9
    checked = 0
    for h0, wx, target in itertools.product((1.0, -1.0, 0.0), (0.0, 1.0), (None, 1.0)):
        base = Config(activation=activation, dtype=dtype, h_init=h0, wx=wx, target=target)
        sweeps = {m: sweep_arrays(base, whs, max(Ls), m, extras=False) for m in ("forward", "reverse")}
        for L in Ls:
            cfg = base.replace(L=L)
            land = {}
            for x, y in (("wh", "h_init"), ("wh", "wy"), ("wh", "wx")):
                frame = landscape(cfg, x, y, whs, [cfg.value_of(y)])
                land.setdefault("wh", frame.grad_x.to_numpy())
                land[y] = frame.grad_y.to_numpy()
            for i, wh in enumerate(whs):
                grads = run(cfg.replace(wh_init=wh)).grads
                scale = max([abs(v) for v in grads.values() if math.isfinite(v)] + [1.0])
                for p in PARAMS:
                    want = grads[p]
                    others = {"forward": sweeps["forward"][p][i, L - 1], "reverse": sweeps["reverse"][p][i, L - 1],
                              "landscape": land[p][i]}
                    for where, got in others.items():
                        got = float(got)
                        where_ = (where, activation, dtype, h0, wx, target, wh, L, p, want, got)
                        assert status(got, dust) == status(want, dust), where_
                        if status(want, dust) == "finite":
                            assert abs(got - want) <= tol * max(abs(want), scale * 1e-3) + dust, where_
                    checked += 1
    assert checked == 12 * len(Ls) * len(whs) * len(PARAMS)
