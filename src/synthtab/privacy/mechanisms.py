"""Differentially private statistics: noisy counts, bounds, quantiles and correlations.

Every function draws its noise from the ``numpy.random.Generator`` it is
given, works on all rows and columns at once, and states its guarantee for
neighbouring tables that differ by one added or removed row. A row touches
every column once, so releasing ``k`` columns together has L1 sensitivity
``k``: the Laplace scale is ``k / epsilon``.

>>> rng = np.random.default_rng(0)
>>> x = np.column_stack([rng.normal(50, 10, 5000)])
>>> lo, hi = dp_bounds(x, epsilon=1.0, rng=rng)[0]
>>> bool(lo <= 20 and hi >= 80)
True
"""

from __future__ import annotations

import numpy as np
from scipy.special import log_ndtr, ndtr

#: Magnitudes 2**k, k in [_KMIN, _KMAX), delimit the public bins of :func:`dp_bounds`.
_KMIN, _KMAX = -10, 64
#: Chance that any empty bin of any column passes the threshold in :func:`dp_bounds`
#: (one that does stretches a bound by orders of magnitude, so keep it rare).
_FALSE_BIN = 1e-3


def laplace_noise(shape: tuple[int, ...], *, scale: float, rng: np.random.Generator) -> np.ndarray:
    """Laplace noise of the given ``scale`` (sensitivity / epsilon)."""
    return rng.laplace(0.0, scale, size=shape)


def gaussian_delta(sigma: float, *, epsilon: float, sensitivity: float) -> float:
    """The delta of the Gaussian mechanism with noise ``sigma`` (Balle and Wang, 2018)."""
    a = sensitivity / (2 * sigma)
    b = epsilon * sigma / sensitivity
    return float(ndtr(a - b) - np.exp(epsilon + log_ndtr(-a - b)))


def gaussian_sigma(*, epsilon: float, delta: float, sensitivity: float) -> float:
    """Smallest noise std for an ``(epsilon, delta)`` Gaussian mechanism (analytic, any epsilon).

    >>> round(gaussian_sigma(epsilon=1.0, delta=1e-5, sensitivity=1.0), 2)
    3.73
    """
    low, high = 1e-6 * sensitivity, 1e6 * sensitivity
    for _ in range(200):  # bisection on log sigma; delta falls as sigma grows
        mid = np.sqrt(low * high)
        if gaussian_delta(mid, epsilon=epsilon, sensitivity=sensitivity) > delta:
            low = mid
        else:
            high = mid
    return float(high)


# -- bounds ------------------------------------------------------------------------------


def _log_bin_edges() -> np.ndarray:
    """Public edges: negative powers of two, an exact-zero bin, positive powers of two."""
    powers = 2.0 ** np.arange(_KMIN + 1, _KMAX + 1)
    return np.concatenate([-powers[::-1], [0.0, 0.0], powers])


def _log_bin_index(x: np.ndarray) -> np.ndarray:
    """Bin of each value among ``len(_log_bin_edges()) - 1`` bins; 0 has its own bin."""
    k_count = _KMAX - _KMIN
    magnitude = np.abs(x)
    with np.errstate(divide="ignore"):
        k = np.floor(np.log2(np.where(magnitude > 0, magnitude, 1.0))).astype(np.int64)
    k = np.clip(k, _KMIN, _KMAX - 1) - _KMIN  # 0 .. k_count-1
    positive = k_count + 1 + k
    negative = k_count - 1 - k
    return np.where(x > 0, positive, np.where(x < 0, negative, k_count))


def dp_bounds(values: np.ndarray, *, epsilon: float, rng: np.random.Generator) -> np.ndarray:
    """Bounds ``(k, 2)`` of the ``k`` columns of ``values`` (NaN ignored), epsilon-DP.

    A noisy count over public power-of-two bins (an exact zero bin between the
    signs); the bounds are the outer edges of the outermost bins whose count
    passes a threshold that any empty bin of any column passes with chance
    0.1 %. When none does, the edges of the fullest noisy bin.
    """
    n_cols = values.shape[1]
    edges = _log_bin_edges()
    n_bins = edges.size - 1
    observed = ~np.isnan(values)
    index = _log_bin_index(np.where(observed, values, 0.0)) + np.arange(n_cols) * n_bins
    counts = np.bincount(index[observed], minlength=n_cols * n_bins).reshape(n_cols, n_bins)
    scale = n_cols / epsilon
    noisy = counts + laplace_noise(counts.shape, scale=scale, rng=rng)
    passed = noisy > scale * np.log(n_cols * n_bins / (2 * _FALSE_BIN))
    fullest = np.argmax(noisy, axis=1)
    any_passed = passed.any(axis=1)
    first = np.where(any_passed, np.argmax(passed, axis=1), fullest)
    last = np.where(any_passed, n_bins - 1 - np.argmax(passed[:, ::-1], axis=1), fullest)
    return np.column_stack([edges[first], edges[last + 1]])


# -- histograms and quantiles -----------------------------------------------------------


def noisy_histograms(
    values: np.ndarray,
    bounds: np.ndarray,
    *,
    bins: np.ndarray,
    epsilon: float,
    rng: np.random.Generator,
    ends: np.ndarray | None = None,
) -> list[np.ndarray]:
    """Noisy counts of each column over ``bins[j]`` equal bins of ``bounds[j]``, epsilon-DP.

    Values are clipped into the bounds. Where ``ends[j]``, values at either bound
    get a bin of their own before and after the equal bins (clipping piles rows
    there, and zeros often sit at a lower bound); each row still counts once.
    Post-processing (free): counts below one noise scale are set to zero, so
    empty bins stay mostly empty; a column whose counts all vanish becomes uniform.
    """
    n_cols = values.shape[1]
    bins = np.asarray(bins, dtype=np.int64)
    ends = np.zeros(n_cols, dtype=bool) if ends is None else np.asarray(ends, dtype=bool)
    low, high = bounds[:, 0], bounds[:, 1]
    width = np.where(high > low, high - low, 1.0)
    clipped = np.clip(values, low, high)
    position = np.clip(np.floor((clipped - low) / width * bins).astype(np.int64), 0, bins - 1)
    position = np.where(ends, position + 1, position)
    position = np.where(ends & (clipped >= high), bins + 1, position)
    position = np.where(ends & (clipped <= low), 0, position)
    sizes = bins + 2 * ends
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    index = (position + offsets[:-1]).ravel()
    counts = np.bincount(index, minlength=int(offsets[-1])).astype(np.float64)
    scale = n_cols / epsilon
    noisy = counts + laplace_noise(counts.shape, scale=scale, rng=rng)
    noisy = np.where(noisy >= scale, noisy, 0.0)
    parts = np.split(noisy, offsets[1:-1])
    return [p if p.sum() > 0 else np.ones_like(p) for p in parts]


def histogram_cdf(counts: np.ndarray) -> np.ndarray:
    """Cumulative shares, starting at 0 (length ``len(counts) + 1``)."""
    return np.concatenate([[0.0], np.cumsum(counts) / counts.sum()])


def histogram_edges(low: float, high: float, n_counts: int, *, ends: bool) -> np.ndarray:
    """Edges of a histogram of ``n_counts`` bins; with ``ends``, zero-width end bins.

    >>> histogram_edges(0.0, 1.0, 4, ends=True).tolist()
    [0.0, 0.0, 0.5, 1.0, 1.0]
    """
    inner = np.linspace(low, high, n_counts - 2 * int(ends) + 1)
    return np.concatenate([[low], inner, [high]]) if ends else inner


def histogram_quantiles(counts: np.ndarray, edges: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Quantiles at ``levels`` of a histogram with ``edges``, linear within bins."""
    cdf = histogram_cdf(counts)
    keep = np.concatenate([[True], np.diff(cdf) > 0])  # drop empty bins: a flat CDF
    return np.interp(levels, cdf[keep], edges[keep])


# -- correlation -------------------------------------------------------------------------


def dp_correlation(
    scores: np.ndarray,
    *,
    epsilon: float,
    delta: float,
    rng: np.random.Generator,
    clip: float | None = None,
) -> np.ndarray:
    """A correlation matrix of ``scores`` (n, d) by the Gaussian mechanism, (epsilon, delta)-DP.

    Rows are clipped to L2 norm ``clip`` (default ``sqrt(d + 3 sqrt(2d))``, about
    three standard deviations above the squared norm of ``d`` independent
    normal scores, so few rows are shrunk), and one row then moves the Gram
    matrix ``S = Z'Z`` by at most ``clip**2`` in Frobenius norm;
    symmetric noise is added to ``S`` and the result normalised by its diagonal.
    The output may not be positive definite: project it (``nearest_correlation``).
    """
    n_dims = scores.shape[1]
    clip = np.sqrt(n_dims + 3 * np.sqrt(2 * n_dims)) if clip is None else clip
    norms = np.linalg.norm(scores, axis=1, keepdims=True)
    clipped = scores * np.minimum(1.0, clip / np.maximum(norms, 1e-12))
    gram = clipped.T @ clipped
    sigma = gaussian_sigma(epsilon=epsilon, delta=delta, sensitivity=clip**2)
    upper = np.triu(rng.normal(0.0, sigma, size=(n_dims, n_dims)))
    noisy = gram + upper + np.triu(upper, 1).T
    diag = np.sqrt(np.maximum(np.diag(noisy), 1e-12))
    corr = np.clip(noisy / np.outer(diag, diag), -1.0, 1.0)
    np.fill_diagonal(corr, 1.0)
    return corr


# -- category sets -----------------------------------------------------------------------


def stable_threshold(*, scale: float, n_columns: int, delta: float) -> float:
    """Noisy-count threshold that releases a label held by one row with chance <= delta.

    A row holds one label in each of ``n_columns`` columns; each such label, if
    unique to the row, passes ``1 + Laplace(scale)`` > threshold with chance
    ``exp(-(threshold - 1) / scale) / 2``.
    """
    return 1.0 + scale * np.log(n_columns / (2.0 * delta))
