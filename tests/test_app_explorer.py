"""AppTest: the Explorer's numbers are the engine's; lessons, extremes and bad links never crash or mislead."""
import numpy as np
import pytest
from app_support import chart, charts, open_page, texts, values, warnings

from tinyrnn import Config, Report, run
from tinyrnn.app.controls import CONTROLS, config_from
from tinyrnn.app.lessons import LESSONS, lesson_values

EXPLORER_CHARTS = ["trajectory", "gradients", "by_length", "factors", "terms"]


def config_of(at) -> Config:
    return config_from({key: at.session_state[key] for key in CONTROLS
                        if CONTROLS[key].page == "model" and key in at.session_state})


def banner(at) -> str:
    return " ".join(e.value for kind in ("success", "info", "warning", "error") for e in getattr(at, kind))


def check_numbers_match_engine(at):
    assert not at.exception, [e.value for e in at.exception]
    cfg = config_of(at)
    report = Report.from_config(cfg)
    assert report.diagnosis.explanation in banner(at)
    _, data = chart(at, "gradients")
    drawn = values(data).set_index("param")
    for p, want in report.result.grads.items():
        row = drawn.loc[p]
        if np.isfinite(want) and want != 0:
            assert row.value == want and row.status == "finite", p
        else:  # zeros, inf and NaN are drawn in the bands with their status, never dropped
            assert row.status == report.grads.set_index("param").status[p], p
    _, traj = chart(at, "trajectory")
    assert len(values(traj)) == cfg.L + 1
    assert [c[0]["usermeta"]["chart"] for c in charts(at)] == EXPLORER_CHARTS


def test_defaults():
    at = open_page("explorer")
    check_numbers_match_engine(at)
    assert config_of(at) == Config(wh_init=1.0, L=10)


def test_deep_link_sets_every_control():
    at = open_page("explorer", wh="2.5", L="7", act="tanh", offset="-0.5", h0="0.3", wy="2", wx="0.1",
                   dtype="float64", log="false")
    assert config_of(at) == Config(wh_init=2.5, L=7, activation="tanh", offset=-0.5, h_init=0.3, wy=2.0, wx=0.1,
                                   dtype="float64")
    assert not warnings(at)
    check_numbers_match_engine(at)
    spec, _ = chart(at, "trajectory")
    assert "linear scale" in str(spec)


@pytest.mark.parametrize("slug", list(LESSONS))
def test_each_lesson_loads_its_settings_and_says_its_sentence(slug):
    at = open_page("explorer")
    at.button(key=f"lesson_{slug}").click().run()
    for key, value in lesson_values(slug).items():
        if key in CONTROLS:
            assert at.session_state[key] == value, key
    check_numbers_match_engine(at)
    sentence = LESSONS[slug].say(Report.from_config(config_of(at)))
    assert any(sentence in i.value for i in at.info), [i.value for i in at.info]
    assert at.query_params["lesson"] in (slug, [slug])


@pytest.mark.parametrize("slug", list(LESSONS))
def test_a_lesson_link_carries_its_lesson(slug):
    values = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in LESSONS[slug].values.items()}
    at = open_page("explorer", lesson=slug, **values)
    assert any(LESSONS[slug].title in i.value for i in at.info)


def test_moving_away_from_a_lesson_withdraws_its_sentence():
    at = open_page("explorer", lesson="vanishing", wh="0.1")
    assert any("Vanishing" in i.value for i in at.info)
    at.slider(key="wh").set_value(0.2).run()
    assert not any("Vanishing" in i.value for i in at.info)
    assert "moved away" in texts(at)
    at.button(key="lesson_back").click().run()
    assert at.session_state["wh"] == 0.1 and any("Vanishing" in i.value for i in at.info)


def test_lesson_sentences_say_what_the_numbers_show():
    say = {slug: lesson.say(Report.from_config(config_from(lesson_values(slug)))) for slug, lesson in LESSONS.items()}
    assert "after 10 steps dL/dh_init = 2.0e-10" in say["vanishing"]
    assert "stays 2 at any L" in say["marginal"] and "sums 50 equal terms: 100" in say["marginal"]
    assert "h* = 0.8586" in say["fixed-point"] and "0.394 < 1" in say["fixed-point"] and "1.72" in say["fixed-point"]
    assert "2.0e10" in say["cancellation"] and "a_1 = -0.5" in say["dead-relu"]


@pytest.mark.parametrize("key", ["wh", "offset", "h0", "wy", "wx"])
@pytest.mark.parametrize("end", ["lo", "hi"])
def test_each_slider_at_its_extremes(key, end):
    at = open_page("explorer")
    at.slider(key=key).set_value(float(getattr(CONTROLS[key], end))).run()
    check_numbers_match_engine(at)


@pytest.mark.parametrize("L", [1, 50, 2000])
def test_L_at_its_marks(L):
    at = open_page("explorer", L=str(L))
    assert at.session_state["L"] == L
    check_numbers_match_engine(at)


def test_a_linked_L_between_marks_joins_them():
    at = open_page("explorer", L="123")
    assert at.session_state["L"] == 123 and not warnings(at)
    check_numbers_match_engine(at)


@pytest.mark.parametrize("params", [
    {"wh": "12", "L": "1000"}, {"wh": "-12", "L": "1000", "act": "identity"}, {"wh": "12", "L": "300"},
    {"wh": "2.03", "L": "1000", "dtype": "float64"}, {"wh": "0", "L": "1", "offset": "0"}, {"h0": "0", "wy": "0"},
    {"wh": "12", "L": "1000", "act": "tanh", "h0": "5", "wx": "5"}, {"wh": "1.5", "L": "2000", "k": "2000"},
])
def test_extreme_combinations_render(params):
    at = open_page("explorer", **params)
    check_numbers_match_engine(at)


@pytest.mark.parametrize("activation", CONTROLS["act"].options)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_every_activation_and_dtype(activation, dtype):
    at = open_page("explorer", act=activation, dtype=dtype, wh="3", L="300")
    check_numbers_match_engine(at)


def test_gradient_vs_length_names_the_float32_cancellation():
    at = open_page("explorer", wh="10", L="10")
    _, data = chart(at, "by_length")
    drawn = values(data)
    cancelled = sorted(set(drawn[drawn.status == "cancelled"].L))
    assert cancelled == [8, 9, 10]  # float32 numbers near 1e8 are 8 apart: y_L - 1 rounds back from L = 8 on
    assert not (drawn.status == "exactly 0").any()


def test_truncated_bptt_keeps_the_last_k_terms_and_says_what_autograd_gives():
    at = open_page("explorer", wh="0.9", L="20", act="tanh", dtype="float64", k="5")
    cfg = config_of(at)
    truncated = run(cfg, truncate=5).grads["wh"]
    terms = Report.from_config(cfg).frame.wh_term.to_numpy()[1:]
    assert truncated == pytest.approx(terms[-5:].sum(), rel=1e-12)
    assert f"{truncated:.4e}" in texts(at)
    _, data = chart(at, "terms")
    drawn = values(data, "t")
    assert (drawn.kept == np.where(drawn.t > 15, "kept", "dropped")).all()


def test_the_gradient_title_heads_with_a_trained_parameter():
    at = open_page("explorer", wh="0.1", L="10")  # dL/dwx is the biggest here, but wx is frozen
    assert any("Of the trained parameters, dL/dwh is largest" in m.value for m in at.markdown)
