"""A model defined and registered outside the package passes the whole model contract.

This file is all it takes to add a model: the class, its registration, and the
suite inherited. No list in the package or in the other tests names it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from synthtab.encoding.base import State
from synthtab.encoding.layout import EncodedTable, EncodingStyle
from synthtab.models import Capabilities, Model, ModelParams, model_registry
from synthtab.models.base import FitContext
from tests.contract.model_contract import ModelContract


class RowBootstrapModel(Model[ModelParams]):
    """Draws training rows with replacement: the smallest model there is (and, since it
    copies real rows, one for tests only)."""

    capabilities = Capabilities(style=EncodingStyle.ORDINAL)

    def _fit(self, table: EncodedTable, context: FitContext) -> None:
        self.rows_ = table.values.copy()

    def _sample(self, n: int, *, rng: np.random.Generator, condition: Any) -> np.ndarray:
        return self.rows_[rng.integers(0, len(self.rows_), n)]

    def _state(self) -> State:
        return {"rows": self.rows_}

    def _load_state(self, state: State) -> None:
        self.rows_ = np.asarray(state["rows"], dtype=np.float64)


NAME = "row_bootstrap"


@pytest.fixture(autouse=True, scope="module")
def registered() -> Iterator[None]:
    model_registry.add(NAME, RowBootstrapModel, description="Training rows drawn again.")
    yield
    model_registry.remove(NAME)


def test_the_registry_lists_it_with_its_capabilities() -> None:
    assert NAME in model_registry.names()
    assert model_registry.capabilities(NAME).style is EncodingStyle.ORDINAL
    assert NAME not in model_registry.names_where(lambda c: c.differential_privacy)


class TestRowBootstrapModel(ModelContract):
    @pytest.fixture
    def model_name(self) -> str:
        return NAME
