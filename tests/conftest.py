"""Shared fixtures: the repository root and the seed's printed table."""
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seed" / "000_06954440a4732e33.txt"


@pytest.fixture(scope="session")
def seed_table() -> str:
    """The table the seed notebook printed (kept in tests/data; checked against shared/ when present)."""
    return (ROOT / "tests" / "data" / "seed_table.txt").read_text()
