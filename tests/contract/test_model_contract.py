"""One suite run against every registered model: what any model must do for a user."""

from __future__ import annotations

import pytest

from synthtab.models import model_registry
from tests.contract.model_contract import ModelContract
from tests.contract.models import MODELS


def test_registry_lists_the_statistical_models() -> None:
    assert {"marginals", "copula"} <= set(MODELS)


def test_lazy_entries_declare_the_capabilities_of_their_class() -> None:
    """`synthtab models` reads a lazy entry's capabilities without importing torch:
    they must be the ones its class declares."""
    for entry in model_registry:
        if entry.capabilities is not None and entry.name in MODELS:
            assert entry.capabilities == entry.load().capabilities, entry.name


class TestEveryRegisteredModel(ModelContract):
    @pytest.fixture(params=MODELS)
    def model_name(self, request: pytest.FixtureRequest) -> str:
        return request.param
