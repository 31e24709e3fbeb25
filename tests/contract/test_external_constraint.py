"""A rule defined and registered outside the package passes the whole rule contract and
holds in every row any model samples. This file is all it takes to add a rule."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest

from synthtab import Synthesizer
from synthtab.constraints import CanonicalTable, ReversibleConstraint, constraint_registry
from synthtab.constraints.base import (
    NUMBER_KINDS,
    missing_columns,
    numbers_of,
    require_kinds,
    working_spec,
)
from synthtab.schema.spec import TableSchema
from tests.contract.constraint_contract import ConstraintContract


class Multiple(ReversibleConstraint):
    """``column`` is a whole multiple of ``step`` (prices in steps of 5): modelled as
    ``column / step`` and rounded back, so every sampled value is one."""

    kind = "multiple"

    def __init__(self, column: str, step: float) -> None:
        self.column, self.step = column, float(step)

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def check_schema(self, schema: TableSchema) -> list[str]:
        problems = missing_columns(schema, self.columns, repr(self))
        return problems + require_kinds(schema, self.columns, NUMBER_KINDS, repr(self), "number")

    def is_valid(self, df: pd.DataFrame, schema: TableSchema | None = None) -> np.ndarray:
        units = numbers_of(df, self.column, schema) / self.step
        return np.isnan(units) | np.isclose(units, np.round(units))

    def transform(self, table: CanonicalTable) -> CanonicalTable:
        units = table.values[self.column] / self.step
        table.replace(self.column, units, working_spec(self.original(self.column), units))
        return table

    def inverse_transform(self, table: CanonicalTable) -> CanonicalTable:
        values = np.round(table.values[self.column]) * self.step
        table.replace(self.column, values, self.original(self.column))
        return table

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "column": self.column, "step": self.step}


def prices(n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    size = rng.integers(1, 6, n)
    return pd.DataFrame(
        {
            "size": size,
            "price": (size * 20 + rng.integers(-3, 4, n) * 5).astype("int64"),
            "shop": rng.choice(["north", "south"], n),
        }
    )


@pytest.fixture(autouse=True, scope="module")
def registered() -> Iterator[None]:
    constraint_registry.add("multiple", Multiple, description="column is a multiple of step")
    yield
    constraint_registry.remove("multiple")


class TestMultipleRule(ConstraintContract):
    @pytest.fixture
    def rule(self) -> Multiple:
        return Multiple("price", 5)

    @pytest.fixture
    def real(self) -> pd.DataFrame:
        return prices()


@pytest.mark.parametrize("model", ["copula", "trees"])
def test_every_sampled_row_obeys_it_and_the_model_file_keeps_it(model: str, tmp_path) -> None:
    real = prices()
    synth = Synthesizer(model, seed=0, constraints=[Multiple("price", 5)]).fit(real)
    out = synth.sample(2000)
    assert (out["price"] % 5 == 0).all()
    assert out["price"].nunique() > 5
    loaded = Synthesizer.load(synth.save(tmp_path / "m.synth"))
    assert loaded.constraints_ == synth.constraints_
    pd.testing.assert_frame_equal(loaded.sample(300, seed=4), synth.sample(300, seed=4))
