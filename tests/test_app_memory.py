"""AppTest: the Memory page trains both cells at 20 lengths, draws (a) loss curves, (b) success rate and (c) the
gradient at the start, says under (b) only what (b)'s numbers show, and every control changes what it should."""
import altair as alt
import numpy as np
import pandas as pd
import pytest
from app_support import chart, charts, open_page, texts, values
from streamlit.testing.v1 import AppTest

from tinyrnn.app import memory_runs
from tinyrnn.app import memory_view as mv
from tinyrnn.charts import memory as mc
from tinyrnn.core import memory as M

NAMES = ("success", "loss_curves", "gradient_start")
PYTORCH_GATE = "pytorch"  # the gate control's option for PyTorch's default start


def open_memory(**params) -> AppTest:
    return open_page("memory", **params)


def drawn(at: AppTest) -> dict[str, pd.DataFrame]:
    """Each chart's points (every status), by template name."""
    out = {name: values(chart(at, name)[1]) for name in ("loss_curves", "gradient_start")}
    out["success"] = chart(at, "success")[1]["points"]
    return out


def sentence(at: AppTest) -> str:
    said = [m.value for m in at.markdown if m.value.startswith("The plain cell's success rate")]
    assert len(said) == 1, said
    return said[0]


def expected_sentence(success: pd.DataFrame) -> tuple[list[str], str]:
    """What the sentence under (b) must say, worked out here from the chart's own data."""
    rate = success.pivot(index="L", columns="cell", values="rate").sort_index()
    plain, gated = rate["plain cell"], rate["gated cell"]
    below = plain[plain < 0.5]
    parts = []
    if below.empty:
        parts.append("never drops below 50%")
    else:
        L0 = below.index[0]
        parts += [f"= {L0} ({plain[L0]:.0%})", f"the gated cell's is {gated[L0]:.0%} there"]
    better, worse = int((gated > plain).sum()), int((gated < plain).sum())
    if better and worse:
        verdict = f"better at {better}, worse at {worse} and the same at {len(rate) - better - worse}"
    elif better:
        verdict = f"better at {better} of the {len(rate)} lengths and worse at none"
    elif worse:
        verdict = f"worse at {worse} of the {len(rate)} lengths and better at none"
    else:
        verdict = "do the same"
    return parts, verdict


@pytest.fixture(scope="module")
def default_page() -> AppTest:
    return open_memory()


def test_defaults_render_three_charts_from_20_lengths(default_page):
    at = default_page
    assert not at.exception, [e.value for e in at.exception]
    assert [c[0]["usermeta"]["chart"] for c in charts(at)] == list(NAMES)
    d = drawn(at)
    s = d["success"]
    assert sorted(s.cell.astype(str).unique()) == ["gated cell", "plain cell"]
    assert s.L.nunique() == 20 and s.L.min() == 1 and s.L.max() == 100
    assert (s.seeds == 5).all()
    loss = d["loss_curves"]
    assert set(loss.line) == {f"seed {i}" for i in range(5)} | {"median"}
    assert len(loss) == 2 * 6 * (M.DEFAULTS["steps"] + 1)  # 5 seeds and the median, per cell, every step
    g = d["gradient_start"]
    assert len(g) == 40 and (g.seeds == 5).all()
    assert not at.warning  # nothing was limited at the defaults


def test_defaults_match_the_compute_core(default_page):
    """The chart shows core.memory's own numbers for the default setting (the gated cell from bz = -4)."""
    s = drawn(default_page)["success"]
    want = M.success_rate(memory_runs.GRID_L, range(5), cells=["gru"], gate_bias=-4.0)
    got = s[s.cell == "gated cell"].sort_values("L")
    np.testing.assert_array_equal(got.rate.to_numpy(), want.rate.to_numpy())
    want = M.success_rate(memory_runs.GRID_L, range(5), cells=["plain"])
    got = s[s.cell == "plain cell"].sort_values("L")
    np.testing.assert_array_equal(got.rate.to_numpy(), want.rate.to_numpy())


def check_sentence(at: AppTest) -> str:
    said = sentence(at)
    parts, verdict = expected_sentence(drawn(at)["success"])
    for part in parts + [verdict]:
        assert part in said, (part, said)
    assert "fix" not in said
    return said


def test_sentence_under_b_matches_the_chart_at_defaults(default_page):
    said = check_sentence(default_page)
    assert "does better" in said  # with the gate mostly closed the gated cell does better here (5 seeds)


def test_sentence_under_b_says_worse_when_the_numbers_are_worse():
    at = open_memory()
    at.selectbox(key="gate").set_value(PYTORCH_GATE).run()
    assert not at.exception
    said = check_sentence(at)
    s = drawn(at)["success"].pivot(index="L", columns="cell", values="rate")
    if (s["gated cell"] <= s["plain cell"]).all():
        assert "better at" not in said or "better at none" in said


def test_each_control_changes_what_it_should():
    at = open_memory()
    base = drawn(at)

    def changed(after, name, cell=None) -> bool:
        a, b = base[name], after[name]
        if cell is not None:
            a, b = a[a.cell == cell], b[b.cell == cell]
        return not a.reset_index(drop=True).equals(b.reset_index(drop=True))

    at.selectbox(key="gate").set_value(PYTORCH_GATE).run()
    after = drawn(at)
    assert not at.exception
    assert all(changed(after, n, "gated cell") for n in NAMES)
    assert not any(changed(after, n, "plain cell") for n in NAMES)  # the gate's start is the gated cell's only
    at.selectbox(key="gate").set_value(list(memory_runs.GATED_STARTS)[0]).run()
    assert not any(changed(drawn(at), n) for n in NAMES)  # back to the start: the very same numbers

    at.selectbox(key="plain").set_value("irnn").run()
    after = drawn(at)
    assert all(changed(after, n, "plain cell") for n in NAMES)
    assert not any(changed(after, n, "gated cell") for n in NAMES)
    at.selectbox(key="plain").set_value(list(memory_runs.PLAIN_STARTS)[0]).run()

    at.selectbox(key="opt").set_value("sgd").run()
    after = drawn(at)
    assert changed(after, "success") and changed(after, "loss_curves")
    assert not changed(after, "gradient_start")  # the gradient before the first step knows no optimizer
    at.selectbox(key="opt").set_value(list(memory_runs.OPTIMIZERS)[0]).run()

    at.slider(key="seeds").set_value(8).run()
    after = drawn(at)
    assert (after["success"].seeds == 8).all() and (after["gradient_start"].seeds == 8).all()
    assert set(after["loss_curves"].line) == {f"seed {i}" for i in range(8)} | {"median"}
    at.slider(key="seeds").set_value(5).run()

    at.selectbox(key="mL").set_value("100").run()
    after = drawn(at)
    assert changed(after, "loss_curves")
    assert not changed(after, "success") and not changed(after, "gradient_start")
    assert "Training loss at L = 100" in texts(at)
    assert not at.exception


def test_twenty_seeds_fit_the_budget_and_train():
    at = open_memory()
    at.slider(key="seeds").set_value(memory_runs.MAX_SEEDS).run()
    assert not at.exception
    assert not at.warning  # within the budget: nothing limited
    assert (drawn(at)["success"].seeds == memory_runs.MAX_SEEDS).all()


def test_deterministic_across_two_cold_runs():
    first = drawn(open_memory())
    memory_runs._grid.clear()
    memory_runs._witness.clear()
    second = drawn(open_memory())
    for name in NAMES:
        pd.testing.assert_frame_equal(first[name], second[name])


def test_underflow_is_marked_not_dropped():
    """From PyTorch's default start the gated cell's float32 gradient at L = 90, 100 rounds to 0 (5 seeds): drawn in
    the bottom band as underflow, with its float64 value beside it."""
    at = open_memory()
    at.selectbox(key="gate").set_value(PYTORCH_GATE).run()
    g = drawn(at)["gradient_start"]
    assert len(g) == 40  # every (cell, L), zeros included
    zeros = g[g.status != "finite"]
    assert len(zeros) and (zeros.status == "underflow").all()
    assert (zeros.witness > 0).all()
    assert "underflow" in texts(at)


# ---------------------------------------------------------------- the words and templates, without the app

def table(plain, gated, seeds=5):
    Ls = list(range(1, len(plain) + 1))
    rows = [("plain", L, r) for L, r in zip(Ls, plain, strict=True)] + [("gru", L, r) for L, r in
                                                                         zip(Ls, gated, strict=True)]
    t = pd.DataFrame(rows, columns=["cell", "L", "rate"])
    return t.assign(seeds=seeds, successes=(t.rate * seeds).round().astype(int))


@pytest.mark.parametrize("plain, gated, words", [
    ([1, 1, 0.8], [1, 1, 1], ["never drops below 50% here (its lowest is 80%, first at L = 3)",
                              "better at 1 of the 3 lengths and worse at none"]),
    ([0.4, 0.2, 0], [0.2, 0.2, 0.2], ["is below 50% from the shortest length, L = 1 (40%); the gated cell's is 20%",
                                      "better at 1, worse at 1 and the same at 1 of the 3 lengths"]),
    ([1, 0.4, 0.4], [1, 0.4, 0.4], ["first drops below 50% at L = 2 (40%); the gated cell's is 40% there",
                                    "Over all 3 lengths the two cells do the same."]),
    ([1, 1, 0.2], [1, 0, 0], ["first drops below 50% at L = 3 (20%); the gated cell's is 0% there",
                              "worse at 2 of the 3 lengths and better at none"]),
])
def test_success_sentence_in_every_case(plain, gated, words):
    said = mc.success_sentence(table(plain, gated))
    for w in words:
        assert w in said, (w, said)


def test_gradient_status_uses_the_float64_witness():
    runs = pd.DataFrame({"cell": ["gru"] * 3 + ["plain"] * 3, "L": [5] * 6,
                         "grad_h1_init": [0.0, 0.0, 1e-3, 0.0, 0.0, 0.0]})
    witness = pd.DataFrame({"cell": ["gru", "plain"], "L": [5, 5], "grad_h1": [1e-50, 0.0]})
    t = mc.gradient_table(runs, witness)
    assert t.set_index("cell").status.to_dict() == {"gru": "underflow", "plain": "exactly 0"}
    d = mc.gradient_data(t)
    assert d["points"].status.astype(str).tolist() == ["underflow", "exactly 0"]  # both kept, for the band


def test_loss_median_keeps_a_broken_run():
    curves = pd.DataFrame({"cell": "plain", "L": 5, "seed": [0, 1, 2], "step": 0, "loss": [0.5, np.nan, 0.1]})
    d = mc.loss_curves_data(curves, 5)
    assert len(d["points"]) == 4  # three seeds and the median, the broken one included
    median = d["points"][d["points"].line == "median"]
    assert median.status.astype(str).tolist() == ["NaN"]


@pytest.mark.parametrize("build", [mc.loss_curves, mc.success, mc.gradient_start], ids=lambda b: b.__name__)
def test_templates_validate_and_are_built_once(build):
    with alt.data_transformers.disable_max_rows():
        build.build().to_dict(validate=True)
    assert build()["usermeta"]["chart"] == build.__name__
    assert build() is build()


def test_budget_limit_is_said(monkeypatch):
    choice = memory_runs.Choice(-4.0, "tanh", "pytorch", "adam", 0.05, 20)
    assert mv.bounded(choice) == (choice, None)  # every reachable setting fits
    sequential, elements = M.work(memory_runs.GRID_L, range(20), M.CELLS, M.Settings())
    monkeypatch.setattr(M, "ELEMENT_BUDGET", elements // 2)
    limited, note = mv.bounded(choice)
    assert limited.seeds == 10 and "Limited to 10 seeds per length (of 20)" in note
    monkeypatch.setattr(M, "ELEMENT_BUDGET", 1)
    with pytest.raises(ValueError, match="too much work"):
        mv.bounded(choice)


def test_success_title_counts_runs_that_broke():
    t = table([1, 0], [1, 1])
    runs = pd.DataFrame({"cell": ["plain", "plain", "gru", "gru"], "diverged": [False, True, False, False]})
    said = mc.success_title(t, runs)
    assert "gated cell 10 of 10 runs, plain cell 5 of 10 runs; 1 of the plain cell's 10 runs turned inf or NaN" in said
    assert "at 2 lengths × 5 seeds = 10 runs each" in said


def test_the_pages_words_say_which_cell_broke_and_what_the_top_band_holds():
    """Review finding 14 (SGD, IRNN, PyTorch gate): "gated cell 11, plain cell 0 (12 stopped on inf or NaN)" did not
    say whose runs or of how many; the loss caption keyed only the bottom band; the loss title gave a median without
    the seeds that broke."""
    at = open_memory(opt="sgd", plain="irnn", gate=PYTORCH_GATE, mL="50")
    assert not at.exception
    runs_said = next(m.value for m in at.markdown if "How often each cell learns" in m.value)
    success = chart(at, "success")[1]["points"]
    n = int(success.seeds.iloc[0]) * success.L.nunique()
    for cell, rows in success.groupby("cell", observed=True):
        assert f"{cell} {int(rows.successes.sum())} of {n} runs" in runs_said
    assert f"of the plain cell's {n} runs turned inf or NaN" in runs_said
    loss = values(chart(at, "loss_curves")[1])
    top = loss[loss.status.isin(["inf", "NaN"])]
    assert len(top)  # the top band holds marks here ...
    assert any("top band" in c.value and "inf" in c.value for c in at.caption)  # ... and the caption keys them
    end = loss[(loss.step == loss.step.max()) & (loss.line != "median")]
    title = next(m.value for m in at.markdown if m.value.startswith("**Training loss"))
    for cell, rows in end.groupby("cell", observed=True):
        k = int(rows.status.isin(["inf", "NaN"]).sum())
        assert (f"{k} of {len(rows)} seeds ended on inf or NaN" in title) == (k > 0), (cell, title)


def test_an_interrupted_run_stops_its_training_and_caches_nothing():
    choice = memory_runs.Choice(-4.0, "tanh", "pytorch", "sgd", 0.5, 3)  # a setting no other test trains
    progress = memory_runs.Progress()
    progress.cancelled = True
    with pytest.raises(memory_runs.Cancelled, match="stopped at step"):
        memory_runs.train_both(choice, progress)
    recorded = Recorded()
    memory_runs.train_both(choice, recorded)  # trains from the start: the cancelled call left nothing in the cache
    assert len(recorded.seen) > 10 and recorded.seen == sorted(recorded.seen) and recorded.seen[-1] > 0.9


class Recorded(memory_runs.Progress):
    """A progress record that keeps every fraction the training thread reports."""

    def __setattr__(self, name, value):
        if name == "fraction":
            self.__dict__.setdefault("seen", []).append(value)
        super().__setattr__(name, value)
