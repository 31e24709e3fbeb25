"""Shared fixtures: a small mixed-type table, and the adult census table from ../shared."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def make_mixed_frame(n: int = 300, seed: int = 0) -> pd.DataFrame:
    """Every column kind the models learn, with missing values and dependencies."""
    rng = np.random.default_rng(seed)
    age = rng.integers(18, 80, n)
    income = np.round(age * 900 + rng.normal(0, 5000, n), 2)
    income[rng.random(n) < 0.1] = np.nan
    group = rng.choice(["north", "south", "east", "rare"], n, p=[0.5, 0.3, 0.18, 0.02])
    joined = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 900, n), unit="D")
    return pd.DataFrame(
        {
            "age": age.astype("int64"),
            "income": income,
            "group": pd.Series(group, dtype="object"),
            "member": rng.random(n) < 0.3,
            "visits": pd.array(
                np.where(rng.random(n) < 0.05, None, rng.integers(0, 9, n)), dtype="Int64"
            ),
            "joined": joined,
        }
    )


@pytest.fixture
def mixed_frame() -> pd.DataFrame:
    return make_mixed_frame()


@pytest.fixture(scope="session")
def adult() -> pd.DataFrame:
    path = SHARED_DATA / "adult.csv"
    if not path.exists():
        pytest.skip(f"shared data not found at {path}")
    return pd.read_csv(path)
