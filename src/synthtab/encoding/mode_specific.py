"""CTGAN's mode-specific normalisation: a Gaussian mode and a scaled offset per value.

>>> rng = np.random.default_rng(0)
>>> values = np.concatenate([rng.normal(-5, 1, 500), rng.normal(10, 2, 500)])
>>> enc = ModeSpecificEncoder().fit(values, rng=rng)
>>> bool(np.allclose(enc.decode(enc.encode(values, rng=rng)), values))
True
"""

from __future__ import annotations

import warnings
from typing import Self

import numpy as np

from synthtab.encoding.base import ColumnEncoder, NumericEncoding, State, numeric_encoders
from synthtab.encoding.checks import (
    as_numbers,
    check_int_option,
    check_matrix,
    read_state,
    robust_std,
)
from synthtab.encoding.layout import Activation, Span
from synthtab.errors import InvalidParameterError
from synthtab.random import integer_seed

#: Rows per block when computing mode posteriors, to bound memory at (block, modes).
_POSTERIOR_BLOCK = 65_536


@numeric_encoders.register(
    NumericEncoding.MODE_SPECIFIC.value,
    description="CTGAN's mode-specific normalisation: a Gaussian mode and a scaled offset.",
)
class ModeSpecificEncoder(ColumnEncoder):
    """CTGAN-style mode-specific normalisation.

    A Dirichlet-process ``BayesianGaussianMixture`` is fitted to a uniform
    subsample of at most ``max_fit_rows`` values (standardised first, so any
    magnitude works). Modes with weight above ``weight_threshold`` are kept,
    then neighbouring modes are merged while that lowers the mixture's BIC, which
    removes the split modes a 100-iteration variational fit leaves behind. Each
    row's mode is drawn from its posterior under the kept modes (a plain 1-D
    Gaussian mixture, computed with numpy); it is encoded as
    ``[(x - mean) / (4 * std) | one-hot mode]``. The offset is not clipped, so
    decoding is exact up to float rounding.

    Parameters
    ----------
    max_modes:
        Components of the mixture before pruning.
    max_fit_rows:
        Most values the mixture is fitted on.
    weight_threshold:
        Modes with this weight or less are dropped.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = np.concatenate([rng.normal(-5, 1, 500), rng.normal(10, 2, 500)])
    >>> enc = ModeSpecificEncoder().fit(x, rng=rng)
    >>> len(enc.means_), enc.encode(x, rng=rng).shape
    (2, (1000, 3))
    """

    name = NumericEncoding.MODE_SPECIFIC.value

    def __init__(
        self, *, max_modes: int = 10, max_fit_rows: int = 5_000, weight_threshold: float = 0.005
    ) -> None:
        owner = "ModeSpecificEncoder"
        self.max_modes = check_int_option(owner, "max_modes", max_modes, 1, 100)
        self.max_fit_rows = check_int_option(owner, "max_fit_rows", max_fit_rows, 1)
        number = isinstance(weight_threshold, int | float | np.integer)
        if isinstance(weight_threshold, bool) or not number or not 0 <= weight_threshold < 1:
            raise InvalidParameterError(
                f"The 'weight_threshold' parameter of {owner} must be a float in [0, 1). "
                f"Got {weight_threshold!r} instead."
            )
        self.weight_threshold = float(weight_threshold)
        self.n_fit_rows_: int  # set by fit
        self.weights_: np.ndarray  # set by fit
        self.means_: np.ndarray  # set by fit
        self.stds_: np.ndarray  # set by fit

    def fit(self, values: np.ndarray, *, rng: np.random.Generator) -> Self:
        """Find the modes of ``values`` (on a subsample of at most ``max_fit_rows``)."""
        x = as_numbers(values, "ModeSpecificEncoder", fitting=True)
        if x.size > self.max_fit_rows:
            x = x[rng.choice(x.size, self.max_fit_rows, replace=False)]
        self.n_fit_rows_ = int(x.size)
        self.weights_, self.means_, self.stds_ = self._fit_modes(x, integer_seed(rng))
        return self

    def _fit_modes(self, x: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        centre, scale = float(x.mean()), robust_std(x)
        if x.min() == x.max():
            return np.ones(1), np.array([float(x[0])]), np.ones(1)
        if self.max_modes == 1:
            return np.ones(1), np.array([centre]), np.array([scale])
        z = (x - centre) / scale
        weights, means, variances = _bayesian_mixture(
            z, min(self.max_modes, np.unique(z).size), seed
        )
        keep = weights > self.weight_threshold
        if not keep.any():
            keep = weights == weights.max()
        weights, means, variances = _merge_modes(
            z, weights[keep] / weights[keep].sum(), means[keep], variances[keep]
        )
        return weights, centre + scale * means, scale * np.sqrt(variances)

    def encode(self, values: np.ndarray, *, rng: np.random.Generator) -> np.ndarray:
        """Draw a mode per row from its posterior; return ``[offset | one-hot mode]``."""
        self._check_fitted("means_")
        x = as_numbers(values, "ModeSpecificEncoder")
        uniforms = rng.random(x.size)  # drawn at once: blocks below do not change the draws
        modes = np.empty(x.size, dtype=np.intp)
        for start in range(0, x.size, _POSTERIOR_BLOCK):
            block = slice(start, start + _POSTERIOR_BLOCK)
            modes[block] = self._draw_modes(x[block], uniforms[block])
        out = np.zeros((x.size, 1 + self.means_.size))
        out[:, 0] = (x - self.means_[modes]) / (4.0 * self.stds_[modes])
        out[np.arange(x.size), 1 + modes] = 1.0
        return out

    def _draw_modes(self, x: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
        """Inverse-CDF draw of one mode per row from the posterior responsibilities."""
        log_joint = _log_joint(x, self.weights_, self.means_, self.stds_)
        cumulative = np.cumsum(np.exp(log_joint - log_joint.max(axis=1, keepdims=True)), axis=1)
        below = cumulative < (uniforms * cumulative[:, -1])[:, None]
        return np.minimum(below.sum(axis=1), self.means_.size - 1)

    def decode(self, encoded: np.ndarray) -> np.ndarray:
        """``offset * 4 * std + mean`` of the mode with the largest score."""
        self._check_fitted("means_")
        y = check_matrix(encoded, 1 + self.means_.size, "ModeSpecificEncoder")
        modes = np.argmax(y[:, 1:], axis=1)
        return y[:, 0] * (4.0 * self.stds_[modes]) + self.means_[modes]

    def spans(self, column: str) -> list[Span]:
        """A tanh ``"value"`` span and a softmax ``"mode"`` span."""
        self._check_fitted("means_")
        k = int(self.means_.size)
        return [
            Span(column, "value", 1, Activation.TANH),
            Span(column, "mode", k, Activation.SOFTMAX, n_categories=k),
        ]

    def state_dict(self) -> State:
        """Options and the kept modes' weights, means and standard deviations."""
        self._check_fitted("means_")
        return {
            "max_modes": self.max_modes,
            "max_fit_rows": self.max_fit_rows,
            "weight_threshold": self.weight_threshold,
            "n_fit_rows": self.n_fit_rows_,
            "weights": self.weights_.copy(),
            "means": self.means_.copy(),
            "stds": self.stds_.copy(),
        }

    @classmethod
    def from_state_dict(cls, state: State) -> Self:
        """Rebuild from :meth:`state_dict`, without refitting."""
        keys = ("max_modes", "max_fit_rows", "weight_threshold", "n_fit_rows")
        max_modes, max_fit_rows, threshold, n_fit_rows = read_state(state, cls.__name__, *keys)
        encoder = cls(
            max_modes=int(max_modes), max_fit_rows=int(max_fit_rows), weight_threshold=threshold
        )
        arrays = read_state(state, cls.__name__, "weights", "means", "stds")
        encoder.weights_, encoder.means_, encoder.stds_ = (
            np.asarray(a, dtype=np.float64).copy() for a in arrays
        )
        encoder.n_fit_rows_ = int(n_fit_rows)
        return encoder


def _bayesian_mixture(z: np.ndarray, k: int, seed: int) -> tuple[np.ndarray, ...]:
    """Weights, means and variances of CTGAN's Dirichlet-process mixture on ``z``."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.mixture import BayesianGaussianMixture

    mixture = BayesianGaussianMixture(
        n_components=k,
        weight_concentration_prior_type="dirichlet_process",
        weight_concentration_prior=0.001,
        max_iter=100,
        n_init=1,
        random_state=seed,
    )
    # 100 iterations rarely converge; the BIC merge below tidies the result instead.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mixture.fit(z.reshape(-1, 1))
    return mixture.weights_, mixture.means_[:, 0], mixture.covariances_[:, 0, 0]


def _log_joint(
    x: np.ndarray, weights: np.ndarray, means: np.ndarray, stds: np.ndarray
) -> np.ndarray:
    """``log(weight_k * Normal(x; mean_k, std_k))`` of shape (rows, modes)."""
    # Clipped so that a value ~1e155 stds from every mode still gives finite scores.
    with np.errstate(over="ignore"):
        scaled = np.clip((x[:, None] - means) / stds, -1e150, 1e150)
    return np.log(weights) - np.log(stds) - 0.5 * np.log(2.0 * np.pi) - 0.5 * scaled**2


def _log_likelihood(
    z: np.ndarray, weights: np.ndarray, means: np.ndarray, var: np.ndarray
) -> float:
    log_joint = _log_joint(z, weights, means, np.sqrt(var))
    top = log_joint.max(axis=1)
    return float(np.sum(top + np.log(np.exp(log_joint - top[:, None]).sum(axis=1))))


def _merge_modes(
    z: np.ndarray, weights: np.ndarray, means: np.ndarray, var: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Merge neighbouring modes (moment-matched) while that lowers the BIC."""
    penalty = 1.5 * np.log(z.size)  # BIC: a mode has three parameters
    order = np.argsort(means)
    modes = (weights[order], means[order], var[order])
    current = _log_likelihood(z, *modes)
    while modes[0].size > 1:
        candidates = [_merged(*modes, i) for i in range(modes[0].size - 1)]
        scores = [_log_likelihood(z, *c) for c in candidates]
        best = int(np.argmax(scores))
        if scores[best] < current - penalty:
            break
        modes, current = candidates[best], scores[best]
    return modes


def _merged(
    weights: np.ndarray, means: np.ndarray, var: np.ndarray, i: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The mixture with modes ``i`` and ``i + 1`` replaced by one of the same two moments."""
    w1, w2 = weights[i], weights[i + 1]
    w = w1 + w2
    mean = (w1 * means[i] + w2 * means[i + 1]) / w
    variance = (w1 * var[i] + w2 * var[i + 1]) / w + w1 * w2 * (means[i] - means[i + 1]) ** 2 / w**2

    def put(a: np.ndarray, value: float) -> np.ndarray:
        return np.concatenate([a[:i], [value], a[i + 2 :]])

    return put(weights, w), put(means, mean), put(var, variance)
