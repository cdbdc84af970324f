"""AppTest: the Training page trains both runs, explains how each ended, and draws the landscape for two params."""
import numpy as np
import pytest
from app_support import chart, charts, open_page, texts, values, warnings

from tinyrnn.app.lessons import training_preset_values
from tinyrnn.app.training_runs import clip_heuristic
from tinyrnn.core import train
from tinyrnn.core.config import Config


def metrics(at) -> dict:
    return {m.label: m.value for m in at.metric}


def test_defaults_open_where_clipping_matters():
    at = open_page("training")
    assert not at.exception, [e.value for e in at.exception]
    assert len(charts(at)) == 4  # loss, gradient norm, parameters of each run; no landscape for three params
    assert any("exactly two parameters" in i.value for i in at.info)
    m = metrics(at)
    assert float(m["clipped SGD: final loss"]) < 0.1 < float(m["plain SGD: final loss"])  # clipping matters here
    assert "plain SGD stuck" in texts(at)


@pytest.mark.parametrize("name", list(train.TRAINING_PRESETS))
def test_every_preset_sets_controls_to_what_links_carry(name):
    at = open_page("training")
    at.button(key=f"train_preset_{name}").click().run()
    assert not at.exception
    for key, value in training_preset_values(name).items():
        assert at.session_state[key] == value, key
    cfg = train.TRAINING_PRESETS[name]["config"]
    assert round(cfg.h_init, 2) == cfg.h_init  # the preset's start is exactly what the h0 slider shows


def test_exploding_preset_diverges_plain_and_converges_clipped():
    at = open_page("training")
    at.button(key="train_preset_Exploding TinyRNN").click().run()
    m = metrics(at)
    assert m["plain SGD: final loss"] == "inf"
    assert float(m["clipped SGD: final loss"]) < 1e-20
    assert any("plain SGD diverged" in e.value and "step 2" in e.value for e in at.error)
    _, data = chart(at, "loss")
    drawn = values(data)
    plain = drawn[drawn.run == "plain SGD"].sort_values("step")
    assert plain.status.tolist()[-1] == "inf"  # the stop is drawn, not dropped
    preset = train.TRAINING_PRESETS["Exploding TinyRNN"]
    want = train.train(preset["config"], **preset["train"])
    clipped = drawn[drawn.run == "clipped SGD"].sort_values("step")
    np.testing.assert_array_equal(clipped.value.to_numpy(), want.loss.to_numpy())
    assert "means nothing here" in texts(at)  # Pascanu's rule of thumb on a diverging probe


def test_pascanu_preset_draws_both_paths_on_the_landscape():
    at = open_page("training")
    at.button(key="train_preset_Pascanu's cliff").click().run()
    assert not at.exception
    assert metrics(at)["clip events"] == "1"
    maps = [c for c in charts(at) if c[0]["usermeta"]["chart"] == "landscape"]
    assert len(maps) == 2
    assert any("Plain SGD leaves this map at step" in c.value for c in at.caption)
    assert any("stuck" in w.value for w in at.warning)


def test_threshold_line_and_clipped_steps_are_in_the_gradient_chart():
    at = open_page("training", clip="1", steps="50")
    spec, data = chart(at, "grad_norm")
    assert data["threshold"].y.tolist() == [1.0]
    drawn = values(data)
    clipped = drawn[(drawn.run == "clipped SGD") & (drawn.event == "clipped")]
    assert len(clipped) and (clipped.value > 1).all()


@pytest.mark.parametrize("params", [["wh"], ["h_init", "wx"], ["wy", "wx", "wh", "h_init"]])
def test_any_parameter_set_trains(params):
    at = open_page("training", train=params, steps="10")
    assert not at.exception
    assert at.session_state["train"] == params


def test_bad_links_warn():
    at = open_page("training", lr="fast", steps="-1", clip="0", train=["wh", "bias"], target="nan")
    assert not at.exception
    said = " ".join(warnings(at))
    for key in ("lr", "steps", "clip", "train", "target"):
        assert f"**{key}**" in said, key
    assert "`bias`" in said


def test_no_parameter_chosen_is_explained():
    at = open_page("training", steps="10")
    at.multiselect(key="train").set_value([]).run()
    assert not at.exception
    assert any("No parameter was chosen" in w.value for w in at.warning)


def test_a_link_asking_for_more_work_than_the_budget_trains_fewer_steps_and_says_so():
    at = open_page("training", L="200", steps="500")
    assert not at.exception, [e.value for e in at.exception]
    cap = [w.value for w in at.warning if "capped" in w.value]
    assert cap and "trains 125 steps, not 500" in cap[0]  # 200 × 125 = 25,000 = budget.TRAINING_WORK
    _, data = chart(at, "loss")
    assert values(data).step.max() <= 125


def test_a_link_within_the_budget_is_not_capped():
    at = open_page("training", L="50", steps="500")
    assert not any("capped" in w.value for w in at.warning)


def banners(at) -> list[str]:
    return [e.value for kind in ("error", "warning", "info", "success") for e in getattr(at, kind)]


def test_the_rule_of_thumb_counts_what_it_averages():
    """Review finding 1: the default probe's norms are 20.2, 1.33e4, 0, 0, 0 (stuck), not "5 that diverge"."""
    at = open_page("training")
    probe = train.train(Config(activation="relu", wh_init=1.0, L=10, target=2.0), steps=5, lr=0.02)
    norms = probe.grad_norm.to_numpy()[:5]
    said = [m.value for m in at.markdown if "rule of thumb" in m.value]
    assert len(said) == 1
    assert (norms == 0).sum() == 3 and f"average of the {int((norms > 0).sum())} finite non-zero ones" in said[0]
    assert "exactly 0 (plain SGD is stuck)" in said[0] and "20.2, 1.33e+04, 0, 0, 0" in said[0]
    assert "already diverge" not in said[0]
    at.button(key="train_preset_Exploding TinyRNN").click().run()
    said = [m.value for m in at.markdown if "rule of thumb" in m.value][0]
    assert "average of the 2 finite non-zero ones" in said and "inf (plain SGD diverged there)" in said


def test_a_clipped_run_hopping_at_lr_times_threshold_is_not_told_to_raise_the_rate():
    """Review finding 6: the default clipped run zig-zags at the fixed step lr × threshold = 0.02."""
    at = open_page("training")
    clipped = [b for b in banners(at) if b.startswith("**clipped SGD")]
    assert len(clipped) == 1 and "larger learning rate" not in clipped[0]
    assert "lr × threshold = 0.02" in clipped[0] and "a lower learning rate or threshold" in clipped[0]


def test_a_vanished_gradient_is_not_told_to_raise_the_rate():
    """Review finding 6: /Training?L=2000&steps=1000&wh=0.9 has |gradient| 2.7e-43 and no lr can move it."""
    at = open_page("training", L="2000", steps="1000", wh="0.9")
    assert not at.exception
    ends = [b for b in banners(at) if b.startswith(("**plain SGD", "**clipped SGD"))]
    assert len(ends) == 2
    for said in ends:
        assert "vanished" in said and "no learning rate fixes this" in said and "larger learning rate" not in said


@pytest.mark.parametrize("params", [["h_init", "wh", "wy"], ["wh", "wx"]])
def test_the_parameter_legend_lists_only_what_is_trained_and_overlaps_are_named(params):
    """Review finding 15: the legend listed wx untrained; h_init and wy coincide at -34.2 without a note."""
    at = open_page("training", train=params)
    panels = [c for c in charts(at) if c[0]["usermeta"]["chart"] == "params"]
    assert len(panels) == 2
    for spec, data in panels:
        assert spec["encoding"]["color"]["scale"]["domain"] == params
        assert sorted(data["main"].param.unique()) == sorted(params)
    caption = [c.value for c in at.caption if c.value.startswith("Linear scale")][0]
    if params == ["h_init", "wh", "wy"]:  # plain SGD ends with h_init = wy = -34.2 (one hides the other)
        assert "in plain SGD h_init and wy coincide" in caption and "one line hides the other" in caption


@pytest.mark.parametrize("link", [{}, {"steps": "3"}, {"L": "2000", "steps": "12", "train": ["h_init", "wh"]},
                                  {"wh": "3", "L": "30", "lr": "0.5"}])
def test_the_rule_of_thumb_reads_plain_sgds_own_first_updates(link):
    """The probe is the plain run's first 5 updates: read from the page's own run (or trained when the run is
    shorter), the sentence is the one a separate 5-step probe gives."""
    at = open_page("training", **link)
    assert not at.exception, [e.value for e in at.exception]
    cfg = Config(activation="relu", wh_init=float(link.get("wh", 1.0)), L=int(link.get("L", 10)),
                 target=2.0)
    params = tuple(link.get("train", ("h_init", "wh", "wy")))
    lr = float(link.get("lr", 0.02))
    alone = train.train(cfg, steps=5, lr=lr, params=params)
    said = [m.value for m in at.markdown if "rule of thumb" in m.value or "Pascanu et al. suggest" in m.value]
    assert said == [clip_heuristic(alone, 1.0)]  # the default threshold
