"""Numeric column encoders: identity, min-max, z-score, quantile-to-normal, mode-specific.

Each takes a 1-D float array with no missing values (constant columns and single
values are fine) and decodes back to float64 exactly, up to float rounding.
Bounds, rounding and dtypes are restored later by the column layer.

>>> enc = MinMaxEncoder().fit(np.array([1.0, 3.0]), rng=np.random.default_rng(0))
>>> enc.encode(np.array([2.0]), rng=np.random.default_rng(0))
array([[0.5]])
"""

from __future__ import annotations

from typing import ClassVar, Self

import numpy as np

from synthtab.encoding.base import (
    OPEN,
    ColumnEncoder,
    NumericEncoding,
    State,
    numeric_encoders,
)
from synthtab.encoding.checks import (
    as_numbers,
    check_int_option,
    check_matrix,
    read_state,
    robust_std,
)
from synthtab.encoding.layout import Activation, EncodedBounds, Span
from synthtab.random import integer_seed

# -- affine encoders ---------------------------------------------------------------------


class _AffineEncoder(ColumnEncoder):
    """``(x - shift_) / scale_``; a constant column (``scale_ == 0``) encodes to ``_constant``."""

    _activation: ClassVar[Activation] = Activation.LINEAR
    _constant: ClassVar[float] = 0.0

    def __init__(self) -> None:
        self.shift_: float  # set by fit
        self.scale_: float  # set by fit

    def _learn(self, x: np.ndarray) -> tuple[float, float]:
        raise NotImplementedError

    def fit(self, values: np.ndarray, *, rng: np.random.Generator) -> Self:
        """Learn the shift and scale of ``values``."""
        x = as_numbers(values, type(self).__name__, fitting=True)
        self.shift_, self.scale_ = (float(v) for v in self._learn(x))
        return self

    def encode(self, values: np.ndarray, *, rng: np.random.Generator) -> np.ndarray:
        """Scale ``values`` into one feature column."""
        self._check_fitted("scale_")
        x = as_numbers(values, type(self).__name__)
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

    def feature_bounds(self, low: float, high: float, *, step: float) -> EncodedBounds | None:
        """The range itself, widened by half a rounding step (values round into it)."""
        half = step / 2
        edge = OPEN if half else 0.0  # a value on a half step may round either way
        return {0: (low - half + edge, high + half - edge)}


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
        return float(x.mean()), robust_std(x)


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
        self.quantiles_: np.ndarray  # set by fit
        self.references_: np.ndarray  # set by fit

    def fit(self, values: np.ndarray, *, rng: np.random.Generator) -> Self:
        """Learn the quantiles of ``values``."""
        x = as_numbers(values, "QuantileEncoder", fitting=True)
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
        x = as_numbers(values, "QuantileEncoder")
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


# Mode-specific normalisation lives in its own module (it is the largest encoder);
# imported here so that `numeric` keeps exporting every numeric encoder.
from synthtab.encoding.mode_specific import ModeSpecificEncoder  # noqa: E402

__all__ = [
    "IdentityEncoder",
    "MinMaxEncoder",
    "ModeSpecificEncoder",
    "QuantileEncoder",
    "StandardEncoder",
]
