"""Per-feature distributions from noisy histograms, for the statistical models.

Every feature gets a noisy histogram over its public bounds (a bin per code for
labels; for numbers ``bins`` equal bins between a bin for each bound, where
clipping and zeros pile rows up), all released together by the Laplace
mechanism; quantiles and normal scores are read off the noisy CDFs.

>>> from synthtab.encoding.layout import Activation, EncodedTable, Layout, Span
>>> rng = np.random.default_rng(0)
>>> layout = Layout((Span("x", "value", 1, Activation.LINEAR),))
>>> table = EncodedTable(rng.uniform(0, 10, (2000, 1)), layout)
>>> fitted = PrivateMarginals.fit(table, np.array([[0.0, 10.0]]), epsilon=1.0, rng=rng)
>>> bool(abs(fitted.grid.inverse(np.array([[0.5]]))[0, 0] - 5.0) < 0.5)
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtri

from synthtab.encoding.layout import EncodedTable
from synthtab.models.quantiles import QuantileGrid, draw_categories
from synthtab.privacy.mechanisms import (
    histogram_cdf,
    histogram_edges,
    histogram_quantiles,
    noisy_histograms,
)

#: Uniforms are kept this far from 0 and 1 before the normal quantile (|z| <= 3.1).
_U_MARGIN = 1e-3


@dataclass(frozen=True)
class PrivateMarginals:
    """Noisy CDFs of every feature and the quantile grid read from them."""

    grid: QuantileGrid
    cdfs: list[np.ndarray]  # per feature, cumulative shares starting at 0
    bounds: np.ndarray  # (n_features, 2): the histogram range of each feature
    discrete: np.ndarray  # (n_features,) bool: a bin per code

    @classmethod
    def fit(
        cls,
        table: EncodedTable,
        bounds: np.ndarray,
        *,
        epsilon: float,
        rng: np.random.Generator,
        bins: int = 64,
        grid_size: int = 1001,
    ) -> PrivateMarginals:
        """Release every feature's histogram with ``epsilon`` in total (Laplace)."""
        spans = table.layout.spans
        if not spans:  # no feature: nothing to release (every column generated afresh)
            empty = QuantileGrid(np.empty((grid_size, 0)))
            return cls(empty, [], np.empty((0, 2)), np.zeros(0, dtype=bool))
        discrete = np.array([s.discrete and s.width == 1 for s in spans], dtype=bool)
        n_bins = np.where(discrete, [max(s.n_categories, 1) for s in spans], bins)
        ranges = np.where(discrete[:, None], [[-0.5, 0.5]], 0.0) + bounds
        ranges[discrete, 1] = n_bins[discrete] - 0.5
        counts = noisy_histograms(
            table.values, ranges, bins=n_bins, epsilon=epsilon, rng=rng, ends=~discrete
        )
        levels = np.linspace(0.0, 1.0, grid_size)
        columns = [
            draw_categories(histogram_cdf(c)[1:], levels).astype(np.float64)
            if is_code
            else histogram_quantiles(c, histogram_edges(lo, hi, c.size, ends=True), levels)
            for c, is_code, (lo, hi) in zip(counts, discrete, ranges, strict=True)
        ]
        grid = QuantileGrid(np.column_stack(columns) if columns else np.empty((grid_size, 0)))
        return cls(grid, [histogram_cdf(c) for c in counts], ranges, discrete)

    def category_cdfs(self) -> list[np.ndarray]:
        """Cumulative shares of the code features, as ``category_cdf`` gives them."""
        return [cdf[1:] for cdf, is_code in zip(self.cdfs, self.discrete, strict=True) if is_code]

    def normal_scores(self, values: np.ndarray) -> np.ndarray:
        """Normal scores of ``values`` under the noisy CDFs (mid-CDF for codes)."""
        scores = np.empty_like(values, dtype=np.float64)
        for j, cdf in enumerate(self.cdfs):
            low, high = self.bounds[j]
            if self.discrete[j]:
                codes = np.clip(np.rint(values[:, j]).astype(np.int64), 0, cdf.size - 2)
                u = (cdf[codes] + cdf[codes + 1]) / 2
            else:  # inside: the CDF; at a bound: the middle of its bin's mass
                x = values[:, j]
                u = np.interp(x, np.linspace(low, high, cdf.size - 2), cdf[1:-1])
                u = np.where(x <= low, cdf[1] / 2, np.where(x >= high, (1 + cdf[-2]) / 2, u))
            scores[:, j] = ndtri(np.clip(u, _U_MARGIN, 1 - _U_MARGIN))
        return scores
