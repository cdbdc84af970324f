"""Shared fixtures: the repository root and the seed's printed table."""
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# AppTest runs every page in this one process: no background warm-up there (servers the tests start keep it).
os.environ["TINYRNN_WARMUP"] = "0"
SEED = ROOT.parent / "shared" / "seed" / "000_06954440a4732e33.txt"


@pytest.fixture(scope="session")
def seed_table() -> str:
    """The table the seed notebook printed (kept in tests/data; checked against shared/ when present)."""
    return (ROOT / "tests" / "data" / "seed_table.txt").read_text()
