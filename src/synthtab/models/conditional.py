"""Conditional draws from a Gaussian copula: truncated latents, then the Gaussian conditional.

A condition arrives as intervals on encoded features. Through each feature's
quantile grid an interval becomes a latent interval ``[a, b]``; the
conditioned latents are drawn from the correlated normal truncated to that
box (exactly for one feature, by Gibbs sweeps for several), and the other
latents from their Gaussian conditional distribution given them.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from synthtab.models.quantiles import QuantileGrid

#: Encoded feature index -> inclusive (low, high) interval on the encoded scale.
Bounds = dict[int, tuple[float, float]]

_GIBBS_SWEEPS = 25
_U_EDGE = 1e-12
_JITTER = 1e-9


def uniform_interval(column: np.ndarray, low: float, high: float) -> tuple[float, float]:
    """The range of ``u`` whose quantile ``Q(u)`` lies in ``[low, high]``."""
    steps = column.size - 1

    def position(value: float, side: Literal["left", "right"]) -> float:
        i = int(np.searchsorted(column, value, side=side))
        if i == 0:
            return 0.0
        if i > steps:
            return 1.0
        left, right = column[i - 1], column[i]
        fraction = (value - left) / (right - left) if right > left else 1.0
        return (i - 1 + min(max(fraction, 0.0), 1.0)) / steps

    return position(low, "left"), position(high, "right")


def latent_intervals(grid: QuantileGrid, bounds: Bounds) -> tuple[np.ndarray, np.ndarray]:
    """Latent (normal-score) intervals of the conditioned features, in sorted index order."""
    from scipy.special import ndtri

    features = sorted(bounds)
    u = np.array([uniform_interval(grid.values[:, j], *bounds[j]) for j in features])
    u = np.clip(u, _U_EDGE, 1.0 - _U_EDGE)
    return ndtri(u[:, 0]), ndtri(u[:, 1])


def conditional_normals(
    corr: np.ndarray,
    features: list[int],
    low: np.ndarray,
    high: np.ndarray,
    n: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """``n`` draws of the latent vector with ``features`` inside ``[low, high]``."""
    given = np.asarray(features)
    others = np.setdiff1d(np.arange(corr.shape[0]), given)
    z = np.empty((n, corr.shape[0]))
    z[:, given] = _truncated(corr[np.ix_(given, given)], low, high, n, rng)
    if others.size:
        cross = corr[np.ix_(others, given)]
        solve = np.linalg.solve(corr[np.ix_(given, given)], cross.T)  # (k, m)
        mean = z[:, given] @ solve
        cov = corr[np.ix_(others, others)] - cross @ solve
        chol = np.linalg.cholesky(cov + _JITTER * np.eye(others.size))
        z[:, others] = mean + rng.standard_normal((n, others.size)) @ chol.T
    return z


def _truncated(
    cov: np.ndarray, low: np.ndarray, high: np.ndarray, n: int, rng: np.random.Generator
) -> np.ndarray:
    """Correlated normals truncated to the box ``[low, high]``: exact for one, Gibbs otherwise."""
    k = cov.shape[0]
    if k == 1:
        return _truncated_standard(np.zeros(n), np.ones(n), low[0], high[0], rng)[:, None]
    z = np.tile(np.clip((low + high) / 2, -4.0, 4.0), (n, 1))
    precision = np.linalg.inv(cov)
    for _ in range(_GIBBS_SWEEPS):
        for j in range(k):  # sweeps over the conditioned features, vectorised over rows
            rest = np.arange(k) != j
            mean = -(z[:, rest] @ precision[j, rest]) / precision[j, j]
            sd = 1.0 / np.sqrt(precision[j, j])
            z[:, j] = _truncated_standard(mean, np.full(n, sd), low[j], high[j], rng)
    return z


def _truncated_standard(
    mean: np.ndarray, sd: np.ndarray, low: float, high: float, rng: np.random.Generator
) -> np.ndarray:
    """Inverse-CDF draws of N(mean, sd) truncated to [low, high], one per row."""
    from scipy.special import ndtr, ndtri

    lo = ndtr((low - mean) / sd)
    hi = ndtr((high - mean) / sd)
    u = lo + rng.random(mean.size) * np.maximum(hi - lo, 0.0)
    z = mean + sd * ndtri(np.clip(u, _U_EDGE, 1.0 - _U_EDGE))
    return np.clip(z, low, high)
