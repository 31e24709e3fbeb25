"""Independent marginals: every column from its own empirical distribution.

The simplest honest baseline: column shapes are kept exactly (up to the
quantile grid), and every dependence between columns is dropped.

With a privacy budget every feature's distribution comes from a noisy
histogram over its public bounds (:class:`~synthtab.models.private_marginals.PrivateMarginals`),
spending the model's whole epsilon (Laplace, no delta).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synthtab.encoding.base import State
from synthtab.encoding.layout import EncodedBounds, EncodedTable, EncodingStyle
from synthtab.models.base import Capabilities, FitContext, MarginalSource, Model
from synthtab.models.params import Int, ModelParams, param
from synthtab.models.quantiles import QuantileGrid, category_cdf, draw_categories
from synthtab.models.registry import model_registry


@dataclass(frozen=True, kw_only=True)
class MarginalsParams(ModelParams):
    """Parameters of the independent-marginals model."""

    owner = "Marginals"
    grid_size: int = param(1001, Int(2, 100_000), doc="quantile levels kept per number column")
    dp_bins: int = param(64, Int(2, 4096), doc="histogram bins per number under privacy")


@model_registry.register(
    "marginals", description="Independent marginals: each column from its own distribution."
)
class MarginalsModel(Model[MarginalsParams]):
    """Draws every column independently from its empirical distribution."""

    capabilities = Capabilities(style=EncodingStyle.ORDINAL, differential_privacy=True)
    Params = MarginalsParams

    def _fit(self, table: EncodedTable, context: FitContext) -> None:
        spans = table.layout.spans
        discrete = [i for i, s in enumerate(spans) if s.discrete and s.width == 1]
        continuous = [i for i in range(len(spans)) if i not in discrete]
        self.discrete_ = np.array(discrete, dtype=np.int64)
        self.continuous_ = np.array(continuous, dtype=np.int64)
        if context.privacy is not None:
            self._fit_private(table, context)
            context.done()
            return
        self.cdfs_ = [category_cdf(table.values[:, i], spans[i].n_categories) for i in discrete]
        columns = table.values[:, continuous] if continuous else np.empty((table.n_rows, 0))
        self.grid_ = QuantileGrid.fit(columns, grid_size=self.params.grid_size)
        context.done()

    def refit_marginals(self, source: MarginalSource) -> bool:
        """Label shares and number grids from every row."""
        spans = self.layout_.spans if self.layout_ is not None else ()
        sizes = [spans[i].n_categories for i in self.discrete_]
        self.cdfs_ = source.category_cdfs([int(i) for i in self.discrete_], sizes)
        if len(self.continuous_):
            self.grid_ = source.grid([int(i) for i in self.continuous_], self.grid_.grid_size)
        return True

    def _fit_private(self, table: EncodedTable, context: FitContext) -> None:
        from synthtab.models.private_marginals import PrivateMarginals
        from synthtab.privacy import as_model_budget

        rng = context.rng
        budget = as_model_budget(context.privacy, table, rng=rng)
        epsilon = budget.epsilon
        fitted = PrivateMarginals.fit(
            table,
            budget.bounds,
            epsilon=epsilon,
            rng=rng,
            bins=self.params.dp_bins,
            grid_size=self.params.grid_size,
        )
        budget.spend(epsilon, mechanism="Laplace histograms of every feature")
        self.cdfs_ = fitted.category_cdfs()
        self.grid_ = QuantileGrid(fitted.grid.values[:, self.continuous_])
        context.report.notes.append(f"differentially private marginals (epsilon {epsilon:.3g})")

    def _sample(
        self, n: int, *, rng: np.random.Generator, condition: EncodedBounds | None
    ) -> np.ndarray:
        width = len(self.discrete_) + len(self.continuous_)
        out = np.empty((n, width))
        u = rng.random((n, width))
        for k, i in enumerate(self.discrete_):
            out[:, i] = draw_categories(self.cdfs_[k], u[:, i])
        if len(self.continuous_):
            out[:, self.continuous_] = self.grid_.inverse(u[:, self.continuous_])
        return out

    def _state(self) -> State:
        return {
            "discrete": self.discrete_,
            "continuous": self.continuous_,
            "cdfs": list(self.cdfs_),
            "grid": self.grid_.values,
        }

    def _load_state(self, state: State) -> None:
        self.discrete_ = np.asarray(state["discrete"], dtype=np.int64)
        self.continuous_ = np.asarray(state["continuous"], dtype=np.int64)
        self.cdfs_ = [np.asarray(c, dtype=np.float64) for c in state["cdfs"]]
        self.grid_ = QuantileGrid(np.asarray(state["grid"], dtype=np.float64))
