"""Config validation: every bad value names the field, the value and what is allowed."""
import math

import pytest

from tinyrnn import ACTIVATION_NAMES, L_MAX, Config


@pytest.mark.parametrize("changes, words", [
    ({"activation": "softplus"}, ["activation", "softplus", "relu, tanh, sigmoid, identity, leaky_relu"]),
    ({"L": 0}, ["L=0", f"1 to {L_MAX}"]),
    ({"L": L_MAX + 1}, [f"L={L_MAX + 1}", f"1 to {L_MAX}"]),
    ({"L": 2.5}, ["L=2.5", "whole number"]),
    ({"L": True}, ["L=True"]),
    ({"wh_init": math.nan}, ["wh_init=nan", "finite"]),
    ({"offset": math.inf}, ["offset=inf", "finite"]),
    ({"h_init": "abc"}, ["h_init='abc'", "finite number"]),
    ({"wh_init": 10**400}, ["too large"]),
    ({"activation": []}, ["activation=[]", "relu"]),
    ({"target": -math.inf}, ["target=-inf"]),
    ({"dtype": "float16"}, ["dtype='float16'", "float32, float64"]),
])
def test_bad_values_raise_with_a_helpful_message(changes, words):
    with pytest.raises(ValueError) as err:
        Config(**changes)
    for word in words:
        assert word in str(err.value)


def test_defaults_are_the_seeds():
    c = Config()
    assert (c.offset, c.h_init, c.wy, c.wx, c.dtype, c.target, c.activation) == (1.0, 1.0, 1.0, 0.0, "float32", None,
                                                                                  "relu")


def test_whole_float_and_numpy_L_are_normalised_and_strings_are_not_numbers():
    import numpy as np

    c = Config(wh_init=np.float32(0.5), L=3.0)
    assert c.L == 3 and isinstance(c.L, int) and c.wh_init == 0.5
    assert Config(L=np.int64(10)).L == 10
    with pytest.raises(ValueError, match="not str"):
        Config(wh_init="0.5")


def test_config_is_frozen_and_replace_revalidates():
    c = Config()
    with pytest.raises(AttributeError):
        c.L = 3
    with pytest.raises(ValueError):
        c.replace(L=-1)
    assert c.replace(activation=ACTIVATION_NAMES[-1]).activation == "leaky_relu"
