"""The budget a model spends: its allowance in the ledger and public feature bounds.

:class:`ModelBudget` is what ``Model.fit(..., privacy=...)`` receives. A model
reads ``epsilon`` and ``delta`` (what it may spend), ``bounds`` (public bounds
of every encoded feature, into which the rows were already clipped) and
``n_rows``, and records each release with :meth:`ModelBudget.spend`.

>>> from synthtab.privacy.ledger import PrivacyLedger
>>> ledger = PrivacyLedger(epsilon=1.0, delta=1e-6)
>>> ledger.allocate({"model": (1.0, 1e-6)})
>>> budget = ModelBudget(ledger, np.array([[0.0, 1.0]]), n_rows=100)
>>> budget.spend(0.5, mechanism="Laplace"); budget.epsilon
0.5
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import numpy as np

from synthtab.encoding.layout import EncodedTable
from synthtab.errors import PrivacyBudgetError
from synthtab.privacy.config import DPConfig, as_dp_config
from synthtab.privacy.ledger import PrivacyLedger
from synthtab.privacy.mechanisms import dp_bounds

MODEL = "model"


@dataclass
class ModelBudget:
    """A model's share of the ledger, and the public bounds of its input features."""

    ledger: PrivacyLedger
    bounds: np.ndarray  # (n_features, 2): low and high of every encoded feature
    n_rows: int
    part: str = MODEL

    @property
    def epsilon(self) -> float:
        """Epsilon the model may still spend."""
        return self.ledger.allowance(self.part)[0]

    @property
    def delta(self) -> float:
        """Delta the model may still spend."""
        return self.ledger.allowance(self.part)[1]

    def spend(self, epsilon: float, delta: float = 0.0, *, mechanism: str = "") -> None:
        """Record a release by the model (raises past its allowance)."""
        self.ledger.spend(self.part, epsilon=epsilon, delta=delta, mechanism=mechanism)

    def clip(self, values: np.ndarray) -> np.ndarray:
        """``values`` clipped into the public bounds, feature by feature."""
        return np.clip(values, self.bounds[:, 0], self.bounds[:, 1])


def as_model_budget(
    privacy: object, table: EncodedTable, *, rng: np.random.Generator
) -> ModelBudget:
    """The budget of a model fit: a :class:`ModelBudget` as given, or one made from a
    :class:`DPConfig` or epsilon when a model is fitted on its own.

    On its own, discrete features are bounded by their codes and continuous ones
    by :func:`dp_bounds`, paid from the ``preprocessing_share`` of the budget.
    """
    if isinstance(privacy, ModelBudget):
        return privacy
    config = privacy if isinstance(privacy, DPConfig) else as_dp_config(cast(Any, privacy))
    if not isinstance(config, DPConfig):
        raise PrivacyBudgetError(f"No privacy budget given (got {privacy!r}).")
    ledger = PrivacyLedger(epsilon=config.epsilon, delta=config.resolve_delta(table.n_rows))
    bounds = feature_code_bounds(table)
    continuous = np.isnan(bounds[:, 0])
    pre = config.epsilon * config.preprocessing_share if continuous.any() else 0.0
    ledger.allocate({"bounds": (pre, 0.0), MODEL: (config.epsilon - pre, ledger.delta)})
    if continuous.any():
        bounds[continuous] = dp_bounds(table.values[:, continuous], epsilon=pre, rng=rng)
        ledger.spend("bounds", epsilon=pre, mechanism="Laplace log-scale histogram")
    return ModelBudget(ledger, bounds, n_rows=table.n_rows)


def feature_code_bounds(table: EncodedTable) -> np.ndarray:
    """Bounds of features that are codes or one-hot entries; NaN for the others."""
    bounds = np.full((table.layout.width, 2), np.nan)
    for index, span in enumerate(table.layout.spans):
        if span.discrete:
            high = span.n_categories - 1 if span.width == 1 else 1
            bounds[table.layout.slice_of(index)] = (0.0, float(high))
    return bounds
