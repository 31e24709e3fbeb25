"""Latent correlations of a Gaussian copula, calibrated to the observed Spearman ones.

With continuous margins, a latent correlation ``r`` gives the Spearman
correlation ``(6/pi) asin(r/2)``, so ``r = 2 sin(pi * rho_s / 6)`` exactly. Ties
(point masses such as capital-gain's 92% zeros, or label codes) break that
link and the naive normal-score estimate is strongly attenuated. For a pair
with ties, ``r`` is found by bisection so that the *model's own output*, ties
included, has the observed Spearman correlation; the output's Spearman is
estimated by simulation with common random numbers, for all pairs at once.
"""

from __future__ import annotations

import numpy as np

from synthtab.models.quantiles import QuantileGrid

_BISECTION_STEPS = 16
_LIMIT = 0.999
_SIMULATION_BUDGET = 1_500_000  # simulated values per bisection step, over all pairs
#: Share of a feature's mass in point masses from which its pairs are calibrated.
_TIED_MASS = 0.02


def spearman_matrix(data: np.ndarray) -> np.ndarray:
    """Spearman correlations of the columns (mid-ranks for ties), NaN-free."""
    ranks = np.column_stack([_mid_ranks(data[:, j]) for j in range(data.shape[1])])
    if data.shape[1] == 1:
        return np.ones((1, 1))
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = np.corrcoef(ranks, rowvar=False)
    return np.nan_to_num(corr, nan=0.0)


def _mid_ranks(values: np.ndarray) -> np.ndarray:
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    ends = np.cumsum(counts)
    return (ends - (counts - 1) / 2.0)[inverse]


class TieScores:
    """Mid-rank scores of a copula's output as a function of the uniform ``u``.

    Where a feature's quantile function is flat (a point mass), every ``u`` in
    the flat run gives the same value, whose mid-rank score is the run's middle.
    """

    def __init__(self, grid: QuantileGrid) -> None:
        values = grid.values
        self.steps = grid.grid_size - 1
        self.flat = values[1:] == values[:-1]  # (steps, n_columns)
        self.middle = np.zeros(self.flat.shape)
        for j in range(values.shape[1]):  # a loop over columns, not rows
            self.middle[:, j] = _run_middles(self.flat[:, j], self.steps)

    @property
    def has_ties(self) -> np.ndarray:
        """Per column, whether point masses hold enough mass to bend the closed form."""
        return self.flat.mean(axis=0) >= _TIED_MASS

    def __call__(self, u: np.ndarray, columns: np.ndarray) -> np.ndarray:
        """Scores of uniforms ``u`` (m, k) for features ``columns`` (k,)."""
        segment = np.minimum((u * self.steps).astype(np.int64), self.steps - 1)
        flat = self.flat[segment, columns]
        return np.where(flat, self.middle[segment, columns], u)


def _run_middles(flat: np.ndarray, steps: int) -> np.ndarray:
    """For each flat segment, the middle level of the flat run it belongs to."""
    out = np.zeros(flat.size)
    if not flat.any():
        return out
    edges = np.diff(np.concatenate([[0], flat.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    run_of = np.cumsum(edges[:-1] == 1) - 1
    middles = (starts + ends) / 2.0 / steps
    out[flat] = middles[run_of[flat]]
    return out


def calibrated_correlation(
    data: np.ndarray, grid: QuantileGrid, rng: np.random.Generator
) -> np.ndarray:
    """The latent correlation matrix whose copula output keeps ``data``'s Spearman matrix."""
    target = spearman_matrix(data)
    latent = 2.0 * np.sin(np.pi * target / 6.0)
    scores = TieScores(grid)
    first, second = np.triu_indices(data.shape[1], k=1)
    tied = scores.has_ties[first] | scores.has_ties[second]
    if tied.any():
        i, j = first[tied], second[tied]
        solved = _bisect(target[i, j], i, j, scores, rng)
        latent[i, j] = latent[j, i] = solved
    np.fill_diagonal(latent, 1.0)
    return latent


def _bisect(
    target: np.ndarray,
    first: np.ndarray,
    second: np.ndarray,
    scores: TieScores,
    rng: np.random.Generator,
) -> np.ndarray:
    from scipy.special import ndtr

    n_pairs = target.size
    m = int(np.clip(_SIMULATION_BUDGET // n_pairs, 2_000, 20_000))
    base = rng.standard_normal((m, 1))
    noise = rng.standard_normal((m, 1))
    first_scores = _standardised(scores(ndtr(base).repeat(n_pairs, axis=1), first))
    low, high = np.full(n_pairs, -_LIMIT), np.full(n_pairs, _LIMIT)
    for _ in range(_BISECTION_STEPS):
        middle = (low + high) / 2.0
        latent = middle * base + np.sqrt(1.0 - middle**2) * noise
        achieved = np.mean(first_scores * _standardised(scores(ndtr(latent), second)), axis=0)
        too_high = achieved > target
        high = np.where(too_high, middle, high)
        low = np.where(too_high, low, middle)
    return (low + high) / 2.0


def _standardised(values: np.ndarray) -> np.ndarray:
    centred = values - values.mean(axis=0)
    scale = centred.std(axis=0)
    return centred / np.where(scale > 0, scale, 1.0)
