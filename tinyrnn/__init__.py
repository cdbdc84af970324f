"""tinyrnn: see why gradients vanish or explode in a one-unit recurrent network."""
from .activations import ACTIVATIONS
from .activations import NAMES as ACTIVATION_NAMES
from .config import DTYPES, L_MAX, Config
from .diagnosis import VOCABULARY, Diagnosis
from .engine import PARAMS, Result, run
from .model import TinyRNN

__all__ = ["ACTIVATIONS", "ACTIVATION_NAMES", "DTYPES", "L_MAX", "Config", "Diagnosis", "PARAMS",
           "Result", "TinyRNN", "VOCABULARY", "run"]
