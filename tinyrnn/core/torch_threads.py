"""torch's intra-op thread count: the one process-wide torch setting tinyrnn makes (app/process.py says when)."""
from __future__ import annotations

import torch


def set_threads(n: int) -> None:
    """Let torch split one operation over n threads (n >= 1)."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"torch threads must be a whole number of at least 1, not {n!r}")
    torch.set_num_threads(n)


def threads() -> int:
    """torch's current intra-op thread count."""
    return torch.get_num_threads()
