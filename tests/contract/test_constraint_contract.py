"""One suite over every registered constraint: round trips and validity of any model output."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthtab.constraints import (
    DatePart,
    FixedCombinations,
    Formula,
    Grid,
    Inequality,
    Lookup,
    MissingWhen,
    Negative,
    Positive,
    Predicate,
    Range,
    constraint_registry,
)
from tests.contract.constraint_contract import ConstraintContract


def frame(n: int = 200) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    low = rng.normal(10, 3, n).round(2)
    count = rng.integers(0, 40, n)
    a = rng.choice(["x", "y"], n)
    b = rng.choice(["p", "q", "r"], n)
    when = pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 700, n), "D")
    return pd.DataFrame(
        {
            "low": low,
            "high": (low + rng.gamma(1.0, 2.0, n)).round(2),
            "count": count,
            "total": (low + 0.5 * count).round(2),
            "fee": 1.0 + 0.25 * rng.integers(0, 30, n),
            "debt": -rng.integers(0, 40, n),
            "share": rng.random(n).round(3),
            "a": a,
            "bonus": np.where(a == "x", np.nan, rng.gamma(2, 50, n).round(1)),
            "b": b,
            "tier": pd.Series(b).map({"p": "low", "q": "low", "r": "high"}),
            "when": when,
            "month": when.month,
        }
    )


EXAMPLES = {
    "inequality": Inequality("low", "high"),
    "range": Range("share", 0.0, 1.0),
    "positive": Positive("count"),
    "negative": Negative("debt"),
    "fixed_combinations": FixedCombinations(["a", "b"]),
    "predicate": Predicate(["count"], lambda df: df["count"] < 35, name="small"),
    "formula": Formula("total", ["low", "count"], [1.0, 0.5], step=0.01),
    "grid": Grid("fee", 0.25, offset=1.0),
    "missing_when": MissingWhen("bonus", "a", label="x"),
    "lookup": Lookup("b", ["tier"]),
    "date_part": DatePart("month", "when", part="month"),
}


def test_every_registered_constraint_has_an_example() -> None:
    assert set(EXAMPLES) == set(constraint_registry.names())




class TestEveryRegisteredConstraint(ConstraintContract):
    @pytest.fixture(params=sorted(EXAMPLES))
    def rule(self, request: pytest.FixtureRequest):
        return EXAMPLES[request.param]

    @pytest.fixture
    def real(self) -> pd.DataFrame:
        return frame()
