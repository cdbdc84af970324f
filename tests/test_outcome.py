"""How a training run ended: each kind reached by a real run, each sentence's numbers read back from its frame."""
import numpy as np
import pytest

from tinyrnn.core import outcome as O
from tinyrnn.core.config import Config
from tinyrnn.core.diagnosis import compact
from tinyrnn.core.engine import run
from tinyrnn.core.train import TRAINING_PRESETS, train

F64 = dict(dtype="float64")
CASES = {  # kind -> (config, train kwargs), each a run that ends that way
    "cannot start": (Config(activation="identity", wh_init=10.0, L=50, target=1.0), dict(steps=5, lr=0.1)),
    "diverged": (Config(activation="relu", wh_init=0.5, L=1, target=2.0, **F64), dict(steps=60, lr=0.5)),
    "nothing to learn": (Config(activation="relu", wh_init=1.0, L=2, target=1.0, **F64), dict(steps=10, lr=0.1)),
    "moving target": (Config(activation="tanh", wh_init=0.5, L=3, **F64), dict(steps=30, lr=0.1)),
    "stuck": (Config(activation="relu", wh_init=0.5, L=3, target=2.0, **F64), dict(steps=60, lr=0.1)),
    "converged": (Config(activation="relu", wh_init=0.5, L=1, target=2.0, **F64), dict(steps=60, lr=0.1)),
    "blowing up": (Config(activation="tanh", wh_init=0.5, L=3, target=2.0, **F64), dict(steps=60, lr=2.0)),
    "oscillating": (Config(activation="identity", wh_init=0.5, L=1, target=0.3, **F64), dict(steps=60, lr=2.0)),
    "still learning": (Config(activation="relu", wh_init=0.5, L=1, target=0.3, **F64), dict(steps=60, lr=0.01)),
    "vanished": (Config(activation="relu", wh_init=0.9, L=2000, target=2.0), dict(steps=12, lr=0.02)),
    "levelled off": (Config(activation="relu", wh_init=0.5, L=10, target=2.0, **F64), dict(steps=60, lr=0.01)),
}


def ended(frame, cfg, kwargs):
    return O.outcome(frame, cfg, kwargs["lr"], kwargs.get("clip"), kwargs.get("clip_mode", "norm"))


def test_every_kind_has_a_run_that_reaches_it():
    assert set(CASES) == set(O.KINDS)


@pytest.mark.parametrize("kind", list(CASES))
def test_each_run_ends_the_way_its_numbers_say(kind):
    cfg, kwargs = CASES[kind]
    frame = train(cfg, **kwargs)
    got, sentence = ended(frame, cfg, kwargs)
    assert got == kind, sentence
    first, last = frame.iloc[0], frame.iloc[-1]
    loss, norm = frame.loss.to_numpy(), frame.grad_norm.to_numpy()
    if kind == "cannot start":
        assert len(frame) == 1 and not np.isfinite(last.loss) and "overflows float32" in sentence
    elif kind == "diverged":
        assert not np.isfinite(last.loss) or not np.isfinite(last.grad_norm)
        assert np.isfinite(loss[:-1]).all()  # it stopped at the first non-finite value, which the sentence names
        assert f"step {int(last.step)}" in sentence and compact(norm[-2]) in sentence
    elif kind == "nothing to learn":
        assert (loss == 0).all()
    elif kind == "moving target":
        assert np.all(loss == cfg.offset ** 2)  # the seed's loss cannot move, whatever SGD does
        assert not np.allclose(frame.wh, frame.wh.iloc[0])  # though the parameters do
    elif kind == "stuck":
        assert last.grad_norm == 0 and last.loss > 0 and f"at loss {compact(last.loss)}" in sentence
        reached = cfg.with_values(**{p: float(last[p]) for p in ("h_init", "wh", "wy")})
        assert "dead" in sentence and all(g == 0 for g in run(reached).grads.values())
    elif kind == "converged":
        assert last.loss <= 1e-6 * first.loss and f"in {int(last.step)} steps" in sentence
    elif kind == "blowing up":
        assert np.isfinite(loss).all() and last.loss > first.loss and loss[-7:].max() > 2 * loss[-15:-7].max()
        assert compact(last.loss) in sentence
    elif kind == "oscillating":
        tail = loss[-15:]
        assert tail.max() > 2 * tail.min() and (np.diff(tail) > 0).any()
        assert not (tail[7:].max() < tail[:7].max() and tail[7:].min() < tail[:7].min())  # not shrinking
        assert compact(tail.min()) in sentence and compact(tail.max()) in sentence
    elif kind == "still learning":
        tail = loss[-15:]
        assert tail[-1] < 0.99 * tail[0] and last.loss > 1e-6 * first.loss
        assert compact(tail[0]) in sentence and compact(tail[-1]) in sentence
    elif kind == "vanished":  # the review's /Training?L=2000&wh=0.9: no learning rate moves these parameters
        tail = frame.iloc[-5:]
        assert (tail[["h_init", "wh", "wy"]].to_numpy() == tail[["h_init", "wh", "wy"]].to_numpy()[0]).all()
        assert 2.0 * tail.grad_norm.max() * int(last.step) < O.MOVE  # even lr 2 adds up to less than MOVE
        assert "did not change at all" in sentence and "larger learning rate" not in sentence
        assert compact(tail.grad_norm.max()) in sentence and "underflow" in sentence
    elif kind == "levelled off":
        tail = loss[-15:]
        assert 0.99 * tail[0] <= tail[-1] and last.grad_norm > 0 and compact(last.grad_norm) in sentence


def test_presets_end_as_their_descriptions_say():
    cliff, exploding = TRAINING_PRESETS["Pascanu's cliff"], TRAINING_PRESETS["Exploding TinyRNN"]
    for preset, plain, clipped in ((cliff, "stuck", "still learning"), (exploding, "diverged", "converged")):
        kwargs = dict(preset["train"])
        clip = kwargs.pop("clip")
        lr, cfg = kwargs["lr"], preset["config"]
        assert O.outcome(train(cfg, **kwargs), cfg, lr)[0] == plain
        assert O.outcome(train(cfg, clip=clip, **kwargs), cfg, lr, clip, kwargs["clip_mode"])[0] == clipped


LRS = (0.0001, 0.0005, 0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 1.0, 2.0)  # the Training page's menus
CLIPS = (None, 0.01, 0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 100.0, 1000.0)


@pytest.mark.parametrize("mode", ["norm", "value"])
def test_levelled_off_advice_matches_the_tail_for_every_page_setting(mode):
    """The review's default page: clipped SGD hopping at lr x threshold was told "try a larger learning rate".

    Over every learning rate and threshold of the page at its default start, a run that levels off is told to take
    longer steps only when no step of its tail raised the loss, and a clipped tail is described by lr x threshold.
    """
    cfg = Config(activation="relu", wh_init=1.0, L=10, target=2.0)
    seen = set()
    for lr in LRS:
        for clip in CLIPS:
            frame = train(cfg, steps=100, lr=lr, clip=clip, clip_mode=mode)
            kind, sentence = O.outcome(frame, cfg, lr, clip, mode)
            if kind not in ("levelled off", "vanished"):
                continue
            n = max(5, len(frame) // 4)
            tail = frame.iloc[-n:]
            rises = bool((np.diff(tail.loss.to_numpy()) > 0).any())
            clipped = tail.clipped.to_numpy()[:-1]
            seen.add((kind, rises, bool(clipped.any())))
            assert ("larger" in sentence) == (kind == "levelled off" and not rises), (lr, clip, sentence)
            assert ("smaller" in sentence) == (kind == "levelled off" and rises), (lr, clip, sentence)
            assert (f"lr × threshold = {compact(lr * clip)}" in sentence) == bool(clipped.any()), (lr, clip, sentence)
            if clipped.all():
                assert f"every one of its last {clipped.size} updates was clipped" in sentence
            if rises:
                loss = tail.loss.to_numpy()
                assert f"between {compact(loss.min())} and {compact(loss.max())}" in sentence
    assert ("levelled off", True, True) in seen  # the review's case (lr 0.02, threshold 1) is among them


def test_the_default_clipped_run_is_told_its_fixed_step():
    cfg = Config(activation="relu", wh_init=1.0, L=10, target=2.0)
    kind, sentence = O.outcome(train(cfg, steps=100, lr=0.02, clip=1.0), cfg, 0.02, 1.0)
    assert kind == "levelled off" and "larger learning rate" not in sentence
    assert "every one of its last 24 updates was clipped" in sentence and "lr × threshold = 0.02" in sentence
