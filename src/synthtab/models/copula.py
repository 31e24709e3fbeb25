"""Gaussian copula: per-column marginals joined by one latent correlation matrix.

Fit: each feature's distribution is kept as a quantile grid (labels as codes,
most frequent first, so a label is a point mass); the latent correlations are
calibrated so that the output keeps every pair's Spearman correlation, ties
included (:mod:`synthtab.models.calibration`), then made positive definite.
Sample: correlated normals, mapped to uniforms, then through each feature's
quantile grid, as one matrix operation over all rows.

With a privacy budget, half the model's epsilon goes to noisy histograms of
every feature (:class:`~synthtab.models.private_marginals.PrivateMarginals`), half and
all its delta to the correlation of the normal scores under those noisy CDFs
(Gaussian mechanism on the row-clipped Gram matrix), projected to the nearest
positive-definite correlation matrix. The tie calibration, which simulates
from the real rows, is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synthtab.encoding.base import State
from synthtab.encoding.layout import EncodedBounds, EncodedTable, EncodingStyle
from synthtab.models.base import Capabilities, FitContext, MarginalSource, Model
from synthtab.models.calibration import calibrated_correlation
from synthtab.models.conditional import conditional_normals, latent_intervals
from synthtab.models.params import Int, ModelParams, param
from synthtab.models.quantiles import QuantileGrid
from synthtab.models.registry import model_registry

#: Smallest eigenvalue kept when repairing the correlation matrix.
_MIN_EIGENVALUE = 1e-6


@dataclass(frozen=True, kw_only=True)
class CopulaParams(ModelParams):
    """Parameters of the Gaussian copula."""

    owner = "GaussianCopula"
    grid_size: int = param(1001, Int(2, 100_000), doc="quantile levels kept per feature")
    dp_bins: int = param(64, Int(2, 4096), doc="histogram bins per number under privacy")


@model_registry.register(
    "copula", description="Gaussian copula: exact marginals, pairwise correlations of scores."
)
class GaussianCopulaModel(Model[CopulaParams]):
    """Keeps each feature's distribution and the correlations of their normal scores."""

    capabilities = Capabilities(
        style=EncodingStyle.ORDINAL, native_conditioning=True, differential_privacy=True
    )
    Params = CopulaParams

    def _fit(self, table: EncodedTable, context: FitContext) -> None:
        if context.privacy is not None:
            latent = self._fit_private(table, context)
        else:
            self.grid_ = QuantileGrid.fit(table.values, grid_size=self.params.grid_size)
            latent = calibrated_correlation(table.values, self.grid_, context.rng)
        self.correlation_ = nearest_correlation(latent)
        self.cholesky_ = np.linalg.cholesky(self.correlation_)
        context.done()

    def refit_marginals(self, source: MarginalSource) -> bool:
        """Marginals from every row; the dependence learned from the sample stays."""
        self.grid_ = source.grid(range(self.grid_.values.shape[1]), self.grid_.grid_size)
        return True

    def _fit_private(self, table: EncodedTable, context: FitContext) -> np.ndarray:
        """Private grid (sets ``grid_``) and the noisy latent correlation."""
        from synthtab.models.private_marginals import PrivateMarginals
        from synthtab.privacy import as_model_budget
        from synthtab.privacy.mechanisms import dp_correlation

        rng = context.rng
        budget = as_model_budget(context.privacy, table, rng=rng)
        epsilon, delta = budget.epsilon, budget.delta
        marginals = PrivateMarginals.fit(
            table,
            budget.bounds,
            epsilon=epsilon / 2,
            rng=rng,
            bins=self.params.dp_bins,
            grid_size=self.params.grid_size,
        )
        budget.spend(epsilon / 2, mechanism="Laplace histograms of every feature")
        self.grid_ = marginals.grid
        scores = marginals.normal_scores(budget.clip(table.values))
        latent = dp_correlation(scores, epsilon=epsilon / 2, delta=delta, rng=rng)
        budget.spend(epsilon / 2, delta, mechanism="Gaussian correlation of normal scores")
        context.report.notes.append(f"differentially private copula (epsilon {epsilon:.3g})")
        return latent

    def _sample(
        self, n: int, *, rng: np.random.Generator, condition: EncodedBounds | None
    ) -> np.ndarray:
        from scipy.special import ndtr

        if condition:  # intervals on encoded features: draw from the Gaussian conditional
            low, high = latent_intervals(self.grid_, condition)
            normals = conditional_normals(self.correlation_, sorted(condition), low, high, n, rng)
        else:
            normals = rng.standard_normal((n, self.cholesky_.shape[0])) @ self.cholesky_.T
        return self.grid_.inverse(ndtr(normals))

    def _state(self) -> State:
        return {"correlation": self.correlation_, "grid": self.grid_.values}

    def _load_state(self, state: State) -> None:
        self.correlation_ = np.asarray(state["correlation"], dtype=np.float64)
        self.cholesky_ = np.linalg.cholesky(self.correlation_)
        self.grid_ = QuantileGrid(np.asarray(state["grid"], dtype=np.float64))


def nearest_correlation(corr: np.ndarray) -> np.ndarray:
    """A positive-definite correlation matrix close to ``corr`` (eigenvalue clipping).

    >>> bool(np.all(np.linalg.eigvalsh(nearest_correlation(np.ones((2, 2)))) > 0))
    True
    """
    sym = (corr + corr.T) / 2
    eigenvalues, vectors = np.linalg.eigh(sym)
    repaired = (vectors * np.maximum(eigenvalues, _MIN_EIGENVALUE)) @ vectors.T
    scale = 1.0 / np.sqrt(np.diag(repaired))
    out = repaired * np.outer(scale, scale)
    np.fill_diagonal(out, 1.0)
    return out
