"""Empirical marginals stored as quantile grids: bounded size, no raw rows kept.

A column is summarised by its quantiles at ``grid_size`` evenly spaced levels;
sampling is the inverse-CDF draw ``x = Q(u)`` with linear interpolation, for all
rows and columns at once. Point masses (many equal values) survive as runs of
equal quantiles, and draws never leave the range seen in training.

>>> grid = QuantileGrid.fit(np.arange(100.0).reshape(-1, 1), grid_size=101)
>>> grid.inverse(np.array([[0.0], [0.5], [1.0]])).ravel().tolist()
[0.0, 49.5, 99.0]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class QuantileGrid:
    """Quantiles of several columns at common, evenly spaced levels."""

    values: np.ndarray  # shape (grid_size, n_columns), non-decreasing down each column

    @classmethod
    def fit(cls, data: np.ndarray, *, grid_size: int = 1001) -> QuantileGrid:
        """Summarise each column of ``data`` (n_rows, n_columns) by its quantiles."""
        levels = np.linspace(0.0, 1.0, grid_size)
        return cls(np.quantile(data, levels, axis=0).reshape(grid_size, -1))

    @property
    def grid_size(self) -> int:
        """Number of quantile levels."""
        return int(self.values.shape[0])

    def inverse(self, u: np.ndarray) -> np.ndarray:
        """Map uniforms ``u`` (n_rows, n_columns) in [0, 1] to values, column by column."""
        steps = self.grid_size - 1
        position = np.clip(u, 0.0, 1.0) * steps
        lower = np.minimum(position.astype(np.int64), steps - 1)
        fraction = position - lower
        columns = np.arange(self.values.shape[1])
        low = self.values[lower, columns]
        high = self.values[lower + 1, columns]
        return low + fraction * (high - low)


def category_cdf(codes: np.ndarray, n_categories: int) -> np.ndarray:
    """Cumulative shares of integer codes ``0 .. n_categories-1``."""
    clipped = np.clip(codes.astype(np.int64), 0, n_categories - 1)
    counts = np.bincount(clipped, minlength=n_categories)
    return np.cumsum(counts) / counts.sum()


def draw_categories(cdf: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Inverse-CDF draw of codes for uniforms ``u``."""
    return np.minimum(np.searchsorted(cdf, u, side="right"), cdf.size - 1)
