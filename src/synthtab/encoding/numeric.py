"""Numeric column encoders: identity, min-max, z-score, quantile-to-normal, mode-specific.

Each takes a 1-D float array with no missing values (constant columns and single
values are fine) and decodes back to float64 exactly, up to float rounding.
Bounds, rounding and dtypes are restored later by the column layer.

>>> enc = MinMaxEncoder().fit(np.array([1.0, 3.0]), rng=np.random.default_rng(0))
>>> enc.encode(np.array([2.0]), rng=np.random.default_rng(0))
array([[0.5]])
"""

from __future__ import annotations

import warnings
from typing import Any, ClassVar, Self

import numpy as np

from synthtab.encoding.base import ColumnEncoder, NumericEncoding, State, numeric_encoders
from synthtab.encoding.layout import Activation, Span
from synthtab.errors import DataValidationError, InvalidParameterError, ModelFileError
from synthtab.random import integer_seed

# -- checks shared with synthtab.encoding.categorical ----------------------------------------


def check_int_option(
    owner: str, option: str, value: object, low: int, high: int | None = None
) -> int:
    """Return ``value`` as an int in ``[low, high]``, or raise :class:`InvalidParameterError`.

    >>> check_int_option("ModeSpecificEncoder", "max_modes", 3, 1, 100)
    3
    """
    upper = float("inf") if high is None else high
    if (
        isinstance(value, bool)
        or not isinstance(value, int | np.integer)
        or not low <= value <= upper
    ):
        shown = "inf)" if high is None else f"{high}]"
        raise InvalidParameterError(
            f"The '{option}' parameter of {owner} must be an int in [{low}, {shown}. "
            f"Got {value!r} instead."
        )
    return int(value)


def check_matrix(encoded: object, width: int, owner: str) -> np.ndarray:
    """Return ``encoded`` as a float64 matrix of shape (n, width), or raise a clear error."""
    try:
        matrix = np.asarray(encoded, dtype=np.float64)
    except (TypeError, ValueError):
        matrix = np.empty((0,))
    if matrix.ndim != 2 or matrix.shape[1] != width:
        raise DataValidationError(
            [f"expected a float matrix of shape (n, {width}); got {_describe(encoded)}"],
            what=f"The input of {owner}.decode",
        )
    return matrix


def read_state(state: State, owner: str, *keys: str) -> list[Any]:
    """The values of ``keys`` in a saved state; a :class:`ModelFileError` names missing ones."""
    missing = [key for key in keys if key not in state]
    if missing:
        raise ModelFileError(
            f"The saved state of {owner} lacks {missing}: it is corrupt or was written by "
            "another synthtab version. Fit the encoder again."
        )
    return [state[key] for key in keys]


def _describe(value: object) -> str:
    array = np.asarray(value, dtype=object) if not isinstance(value, np.ndarray) else value
    return f"shape {array.shape} and dtype {array.dtype}"


def _as_numbers(values: object, owner: str, *, fitting: bool = False) -> np.ndarray:
    """The input as a 1-D float64 array of finite numbers, or a :class:`DataValidationError`."""
    try:
        x = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        x = None
    if x is None or x.ndim != 1:
        problems = [f"expected a 1-D array of numbers; got {_describe(values)}"]
    elif fitting and x.size == 0:
        problems = ["it needs at least one value to fit"]
    elif not np.isfinite(x).all():
        bad = np.flatnonzero(~np.isfinite(x))
        problems = [
            f"{bad.size} value(s) are NaN or infinite (first at position {bad[0]}); "
            "fill or drop them first"
        ]
    else:
        return x
    raise DataValidationError(problems, what=f"The input of {owner}")


def _robust_std(x: np.ndarray) -> float:
    """Standard deviation that neither underflows for tiny values nor overflows for huge ones."""
    centred = x - x.mean()
    extent = float(np.abs(centred).max())
    return extent * float(np.sqrt(np.mean((centred / extent) ** 2))) if extent > 0 else 0.0


# -- affine encoders ---------------------------------------------------------------------


class _AffineEncoder(ColumnEncoder):
    """``(x - shift_) / scale_``; a constant column (``scale_ == 0``) encodes to ``_constant``."""

    _activation: ClassVar[Activation] = Activation.LINEAR
    _constant: ClassVar[float] = 0.0

    def __init__(self) -> None:
        self.shift_: float | None = None
        self.scale_: float | None = None

    def _learn(self, x: np.ndarray) -> tuple[float, float]:
        raise NotImplementedError

    def fit(self, values: np.ndarray, *, rng: np.random.Generator) -> Self:
        """Learn the shift and scale of ``values``."""
        x = _as_numbers(values, type(self).__name__, fitting=True)
        self.shift_, self.scale_ = (float(v) for v in self._learn(x))
        return self

    def encode(self, values: np.ndarray, *, rng: np.random.Generator) -> np.ndarray:
        """Scale ``values`` into one feature column."""
        self._check_fitted("scale_")
        x = _as_numbers(values, type(self).__name__)
        if self.scale_ == 0.0:
            return np.full((x.size, 1), self._constant)
        return ((x - self.shift_) / self.scale_).reshape(-1, 1)

    def decode(self, encoded: np.ndarray) -> np.ndarray:
        """Undo the scaling; a constant column decodes to its constant."""
        self._check_fitted("scale_")
        y = check_matrix(encoded, 1, type(self).__name__)[:, 0]
        if self.scale_ == 0.0:
            return np.full(y.size, self.shift_)
        return y * self.scale_ + self.shift_

    def spans(self, column: str) -> list[Span]:
        """One ``"value"`` span."""
        return [Span(column, "value", 1, self._activation)]

    def state_dict(self) -> State:
        """The shift and scale."""
        self._check_fitted("scale_")
        return {"shift": self.shift_, "scale": self.scale_}

    @classmethod
    def from_state_dict(cls, state: State) -> Self:
        """Rebuild from :meth:`state_dict`."""
        encoder = cls()
        encoder.shift_, encoder.scale_ = (
            float(v) for v in read_state(state, cls.__name__, "shift", "scale")
        )
        return encoder


@numeric_encoders.register(NumericEncoding.IDENTITY.value, description="The raw value.")
class IdentityEncoder(_AffineEncoder):
    """The value itself, for trees, marginals and copulas.

    >>> IdentityEncoder().fit(np.array([2.5]), rng=np.random.default_rng(0)).decode([[7.0]])
    array([7.])
    """

    name = NumericEncoding.IDENTITY.value

    def _learn(self, x: np.ndarray) -> tuple[float, float]:
        return 0.0, 1.0


@numeric_encoders.register(
    NumericEncoding.MINMAX.value, description="Scaled to [0, 1] by the fitted range."
)
class MinMaxEncoder(_AffineEncoder):
    """Min-max scaling to [0, 1] (sigmoid output); a constant column encodes to 0.5.

    Values outside the fitted range map outside [0, 1] and decode back unclipped.

    >>> enc = MinMaxEncoder().fit(np.array([0.0, 10.0]), rng=np.random.default_rng(0))
    >>> enc.decode([[0.25]])
    array([2.5])
    """

    name = NumericEncoding.MINMAX.value
    _activation = Activation.SIGMOID
    _constant = 0.5

    def _learn(self, x: np.ndarray) -> tuple[float, float]:
        low = float(x.min())
        return low, float(x.max()) - low


@numeric_encoders.register(
    NumericEncoding.STANDARD.value, description="z-score: minus the mean, over the std."
)
class StandardEncoder(_AffineEncoder):
    """z-score scaling; a constant column encodes to 0 and decodes to its constant.

    >>> enc = StandardEncoder().fit(np.array([1.0, 3.0]), rng=np.random.default_rng(0))
    >>> enc.encode(np.array([1.0, 3.0]), rng=np.random.default_rng(0)).ravel()
    array([-1.,  1.])
    """

    name = NumericEncoding.STANDARD.value

    def _learn(self, x: np.ndarray) -> tuple[float, float]:
        if x.min() == x.max():
            return float(x[0]), 0.0
        return float(x.mean()), _robust_std(x)


# -- quantile-to-normal --------------------------------------------------------------------

#: Probability kept in each tail, as scikit-learn's ``BOUNDS_THRESHOLD``: the
#: fitted range maps onto [ndtri(1e-7), ndtri(1 - 1e-7)], about [-5.2, 5.2].
_TAIL = 1e-7


@numeric_encoders.register(
    NumericEncoding.QUANTILE.value, description="Empirical quantiles mapped to a standard normal."
)
class QuantileEncoder(ColumnEncoder):
    """Quantile-to-normal map fitted by scikit-learn's ``QuantileTransformer``.

    Only its ``quantiles_`` and ``references_`` are kept; both directions are
    computed here with ``np.interp`` and ``scipy.special.ndtr``/``ndtri``, so a
    reloaded encoder is identical without scikit-learn. Unlike scikit-learn,
    the tails are squeezed linearly into ``[1e-7, 1 - 1e-7]`` instead of being
    clamped within 1e-7 *data units* of the extremes, and the fitted minimum and
    maximum are always the end quantiles (a subsample may miss them). So the
    round trip is exact up to float rounding (about ``n_quantiles * 1e-16`` of
    the range) on the fitted range, ties included: a tied value maps to the
    middle of its references (an atom in the encoded space) and decodes back
    exactly. Values outside the fitted range clamp to its ends.

    Parameters
    ----------
    n_quantiles:
        Most quantiles kept (fewer for fewer rows).
    subsample:
        Most rows used to compute the quantiles.

    Examples
    --------
    >>> x = np.arange(10.0)
    >>> enc = QuantileEncoder().fit(x, rng=np.random.default_rng(0))
    >>> bool(np.allclose(enc.decode(enc.encode(x, rng=np.random.default_rng(0))), x))
    True
    """

    name = NumericEncoding.QUANTILE.value

    def __init__(self, *, n_quantiles: int = 1000, subsample: int = 100_000) -> None:
        self.n_quantiles = check_int_option("QuantileEncoder", "n_quantiles", n_quantiles, 2)
        self.subsample = check_int_option("QuantileEncoder", "subsample", subsample, 2)
        self.quantiles_: np.ndarray | None = None
        self.references_: np.ndarray | None = None

    def fit(self, values: np.ndarray, *, rng: np.random.Generator) -> Self:
        """Learn the quantiles of ``values``."""
        x = _as_numbers(values, "QuantileEncoder", fitting=True)
        low, high = float(x.min()), float(x.max())
        if low == high:
            self.quantiles_, self.references_ = np.array([low, low]), np.array([0.0, 1.0])
            return self
        from sklearn.preprocessing import QuantileTransformer

        transformer = QuantileTransformer(
            n_quantiles=min(self.n_quantiles, x.size, self.subsample),
            output_distribution="normal",
            subsample=self.subsample,
            random_state=integer_seed(rng),
        ).fit(x.reshape(-1, 1))
        quantiles = np.asarray(transformer.quantiles_[:, 0], dtype=np.float64).copy()
        quantiles[0], quantiles[-1] = low, high
        self.quantiles_ = quantiles
        self.references_ = np.asarray(transformer.references_, dtype=np.float64).copy()
        return self

    def encode(self, values: np.ndarray, *, rng: np.random.Generator) -> np.ndarray:
        """Map ``values`` to standard-normal scores."""
        from scipy.special import ndtri

        self._check_fitted("quantiles_")
        x = _as_numbers(values, "QuantileEncoder")
        q, r = self.quantiles_, self.references_
        # Averaging the left and right interpolation maps a tied value to the
        # middle of its references, as scikit-learn does.
        p = 0.5 * (np.interp(x, q, r) - np.interp(-x, -q[::-1], -r[::-1]))
        return ndtri(_TAIL + (1.0 - 2.0 * _TAIL) * p).reshape(-1, 1)

    def decode(self, encoded: np.ndarray) -> np.ndarray:
        """Map normal scores back through the quantiles."""
        from scipy.special import ndtr

        self._check_fitted("quantiles_")
        z = check_matrix(encoded, 1, "QuantileEncoder")[:, 0]
        p = np.clip((ndtr(z) - _TAIL) / (1.0 - 2.0 * _TAIL), 0.0, 1.0)
        return np.interp(p, self.references_, self.quantiles_)

    def spans(self, column: str) -> list[Span]:
        """One linear ``"value"`` span."""
        return [Span(column, "value", 1, Activation.LINEAR)]

    def state_dict(self) -> State:
        """Options, quantiles and references."""
        self._check_fitted("quantiles_")
        return {
            "n_quantiles": self.n_quantiles,
            "subsample": self.subsample,
            "quantiles": self.quantiles_.copy(),
            "references": self.references_.copy(),
        }

    @classmethod
    def from_state_dict(cls, state: State) -> Self:
        """Rebuild from :meth:`state_dict`, without refitting."""
        n_quantiles, subsample, quantiles, references = read_state(
            state, cls.__name__, "n_quantiles", "subsample", "quantiles", "references"
        )
        encoder = cls(n_quantiles=int(n_quantiles), subsample=int(subsample))
        encoder.quantiles_ = np.asarray(quantiles, dtype=np.float64).copy()
        encoder.references_ = np.asarray(references, dtype=np.float64).copy()
        return encoder


# -- mode-specific normalisation -----------------------------------------------------------

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
        self, *, max_modes: int = 10, max_fit_rows: int = 10_000, weight_threshold: float = 0.005
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
        self.n_fit_rows_: int | None = None
        self.weights_: np.ndarray | None = None
        self.means_: np.ndarray | None = None
        self.stds_: np.ndarray | None = None

    def fit(self, values: np.ndarray, *, rng: np.random.Generator) -> Self:
        """Find the modes of ``values`` (on a subsample of at most ``max_fit_rows``)."""
        x = _as_numbers(values, "ModeSpecificEncoder", fitting=True)
        if x.size > self.max_fit_rows:
            x = x[rng.choice(x.size, self.max_fit_rows, replace=False)]
        self.n_fit_rows_ = int(x.size)
        self.weights_, self.means_, self.stds_ = self._fit_modes(x, integer_seed(rng))
        return self

    def _fit_modes(self, x: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        centre, scale = float(x.mean()), _robust_std(x)
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
        x = _as_numbers(values, "ModeSpecificEncoder")
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
