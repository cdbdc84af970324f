"""Report: a setting is computed once; each float64 reference run happens once and is shared."""
import pytest

from tinyrnn import Config, Report
from tinyrnn.core import analysis, model


@pytest.fixture
def counted(monkeypatch):
    """Counts every TinyRNN built (one per engine run) by dtype, and every dynamics() computed."""
    counts = {"float32": 0, "float64": 0, "dynamics": 0}
    build, dyn = model.TinyRNN.__init__, analysis.dynamics

    def init(self, config):
        counts[config.dtype] += 1
        build(self, config)

    def dynamics(result):
        counts["dynamics"] += 1
        return dyn(result)

    monkeypatch.setattr(model.TinyRNN, "__init__", init)
    monkeypatch.setattr("tinyrnn.core.report.dynamics", dynamics)
    return counts


@pytest.mark.parametrize("cfg", [Config(wh_init=10.0, L=10), Config(wh_init=0.5, L=30, activation="tanh"),
                                 Config(wh_init=-0.5, L=5), Config(wh_init=10.0, L=60)])
def test_a_float32_setting_runs_the_float64_model_at_most_once_beyond_its_own_run(counted, cfg):
    report = Report.from_config(cfg)
    assert counted == {"float32": 1, "float64": 1, "dynamics": 1}
    assert report.reference.config == cfg.replace(dtype="float64")


def test_a_float64_setting_is_its_own_reference(counted):
    report = Report.from_config(Config(wh_init=3.0, L=300, dtype="float64"))
    assert counted == {"float32": 0, "float64": 1, "dynamics": 1}
    assert report.reference is report.result
