"""AppTest: the Training page trains both runs, explains divergence, and draws the landscape for two params."""
import numpy as np
import pytest
from app_support import chart_titled, charts, open_page

from tinyrnn.core import train
from tinyrnn.presets import training_preset_values


def metrics(at) -> dict:
    return {m.label: m.value for m in at.metric}


def test_defaults_train_without_exception():
    at = open_page("training")
    assert not at.exception, [e.value for e in at.exception]
    assert len(charts(at)) == 3  # loss, gradient norm, parameters; no landscape for three params
    assert any("exactly two parameters" in i.value for i in at.info)


def test_exploding_preset_diverges_plain_and_converges_clipped():
    at = open_page("training")
    at.button(key="train_preset_Exploding TinyRNN").click().run()
    assert not at.exception
    values = training_preset_values("Exploding TinyRNN")
    for key in ("wh", "L", "act", "target", "lr", "clip", "train"):
        assert at.session_state[key] == values[key]
    m = metrics(at)
    assert m["plain SGD: final loss"] == "inf"
    assert float(m["clipped SGD: final loss"]) < 1e-20
    assert any("Plain SGD diverged at step 2" in e.value for e in at.error)
    _, loss = chart_titled(at, "Loss per step")
    plain = loss[loss.run == "plain SGD"]
    assert plain.status.tolist()[-1] == "inf"  # the stop is drawn, not dropped
    cfg = train.TRAINING_PRESETS["Exploding TinyRNN"]["config"]
    kw = {**train.TRAINING_PRESETS["Exploding TinyRNN"]["train"]}
    want = train.train(cfg, **kw)
    clipped = loss[loss.run == "clipped SGD"]
    np.testing.assert_array_equal(clipped.loss.to_numpy(), want.loss.to_numpy())


def test_pascanu_preset_draws_both_paths_on_the_landscape():
    at = open_page("training")
    at.button(key="train_preset_Pascanu's cliff").click().run()
    assert not at.exception
    assert metrics(at)["clip events"] == "3"
    (land,) = [s for s, _ in charts(at) if "hconcat" in s]
    titles = [panel["title"] for panel in land["hconcat"]]
    assert titles == ["plain SGD", "clipped SGD"]
    assert any("Plain SGD leaves this map at step" in c.value for c in at.caption)
    assert any("stuck" in w.value for w in at.warning)


def test_threshold_line_and_clipped_steps_are_in_the_gradient_chart():
    at = open_page("training", clip="1", steps="50")
    spec, data = chart_titled(at, "|gradient|")
    assert any(layer["mark"]["type"] == "rule" for layer in spec["layer"])  # the threshold line
    clipped = data[(data.run == "clipped SGD") & data.clipped]
    assert (clipped.grad_norm > 1).all()


@pytest.mark.parametrize("params", [["wh"], ["h_init", "wx"], ["wy", "wx", "wh", "h_init"]])
def test_any_parameter_set_trains(params):
    at = open_page("training", train=params, steps="10")
    assert not at.exception
    assert at.session_state["train"] == params


def test_bad_links_warn():
    at = open_page("training", lr="fast", steps="-1", clip="0", train=["wh", "bias"], target="nan")
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    for key in ("lr", "steps", "clip", "train", "target"):
        assert f"**{key}**" in warnings, key
    assert "names bias, not known" in warnings


def test_no_parameter_chosen_is_explained():
    at = open_page("training", steps="10")
    at.multiselect(key="train").set_value([]).run()
    assert not at.exception
    assert any("No parameter was chosen" in w.value for w in at.warning)
