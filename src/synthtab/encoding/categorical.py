"""Categorical column encoders: one-hot, ordinal, and Gaussian-in-interval.

Each takes integer codes ``0 .. n_categories-1`` and decodes *any* real input
of the right width (NaN and infinities included) to codes inside that range.

>>> enc = OneHotEncoder(n_categories=3).fit(np.array([0, 2]), rng=np.random.default_rng(0))
>>> enc.encode(np.array([2]), rng=np.random.default_rng(0))
array([[0., 0., 1.]])
>>> enc.decode([[0.1, 0.7, 0.2]])
array([1])
"""

from __future__ import annotations

from typing import Self

import numpy as np

from synthtab.encoding.base import (
    OPEN,
    CategoricalEncoding,
    ColumnEncoder,
    State,
    categorical_encoders,
)
from synthtab.encoding.checks import check_int_option, check_matrix, read_state
from synthtab.encoding.layout import Activation, EncodedBounds, Span
from synthtab.errors import DataValidationError, ModelFileError

#: Share of [0, 1] kept by each category never seen in fit (Gaussian-in-interval).
UNSEEN_SHARE = 1e-6


class _CategoricalEncoder(ColumnEncoder):
    """Shared input checks, frequencies and state of the categorical encoders."""

    def __init__(self, *, n_categories: int) -> None:
        self.n_categories = check_int_option(type(self).__name__, "n_categories", n_categories, 1)
        self.frequencies_: np.ndarray  # set by fit

    def fit(self, values: np.ndarray, *, rng: np.random.Generator) -> Self:
        """Learn the frequency of every category."""
        codes = self._codes(values, fitting=True)
        counts = np.bincount(codes, minlength=self.n_categories)
        self.frequencies_ = counts / codes.size
        self._learn()
        return self

    def _learn(self) -> None:
        """Derive more fitted state from ``frequencies_`` (also run on reload)."""

    def _codes(self, values: object, *, fitting: bool = False) -> np.ndarray:
        """The input as int64 codes in range, or a :class:`DataValidationError`."""
        array = np.asarray(values)
        codes = None
        if array.ndim != 1:
            problem = f"expected a 1-D array of integer codes; got shape {array.shape}"
        elif fitting and array.size == 0:
            problem = "it needs at least one value to fit"
        elif array.dtype.kind in "iub" or (
            array.dtype.kind == "f" and np.isfinite(array).all() and (array % 1 == 0).all()
        ):
            codes = array.astype(np.int64)
            bad = (codes < 0) | (codes >= self.n_categories)
            if not bad.any():
                return codes
            problem = (
                f"{int(bad.sum())} code(s) are outside [0, {self.n_categories}), "
                f"e.g. {np.unique(array[bad])[:5].tolist()}; codes must index the categories"
            )
        else:
            problem = f"expected integer codes; got dtype {array.dtype}"
            if array.dtype.kind == "f":
                problem += " with non-integer, NaN or infinite values"
        raise DataValidationError([problem], what=f"The input of {type(self).__name__}")

    def state_dict(self) -> State:
        """The number of categories and their fitted frequencies."""
        self._check_fitted("frequencies_")
        return {"n_categories": self.n_categories, "frequencies": self.frequencies_.copy()}

    @classmethod
    def from_state_dict(cls, state: State) -> Self:
        """Rebuild from :meth:`state_dict`."""
        n_categories, frequencies = read_state(state, cls.__name__, "n_categories", "frequencies")
        encoder = cls(n_categories=int(n_categories))
        frequencies = np.asarray(frequencies, dtype=np.float64).copy()
        if frequencies.shape != (encoder.n_categories,):
            raise ModelFileError(
                f"The saved state of {cls.__name__} has {frequencies.size} frequencies for "
                f"{encoder.n_categories} categories: it is corrupt. Fit the encoder again."
            )
        encoder.frequencies_ = frequencies
        encoder._learn()
        return encoder


@categorical_encoders.register(
    CategoricalEncoding.ONEHOT.value, description="One indicator per category (softmax output)."
)
class OneHotEncoder(_CategoricalEncoder):
    """One-hot indicators; decoding takes the largest score.

    Parameters
    ----------
    n_categories:
        Number of categories (codes ``0 .. n_categories-1``).

    Examples
    --------
    >>> enc = OneHotEncoder(n_categories=2).fit(np.array([0, 1]), rng=np.random.default_rng(0))
    >>> enc.decode([[-3.0, 5.0]])
    array([1])
    """

    name = CategoricalEncoding.ONEHOT.value

    def encode(self, values: np.ndarray, *, rng: np.random.Generator) -> np.ndarray:
        """One indicator column per category."""
        self._check_fitted("frequencies_")
        codes = self._codes(values)
        out = np.zeros((codes.size, self.n_categories))
        out[np.arange(codes.size), codes] = 1.0
        return out

    def decode(self, encoded: np.ndarray) -> np.ndarray:
        """The code with the largest score in each row (the first NaN, if any)."""
        self._check_fitted("frequencies_")
        scores = check_matrix(encoded, self.n_categories, type(self).__name__)
        return np.argmax(scores, axis=1).astype(np.int64)

    def feature_bounds(self, low: float, high: float, *, step: float) -> EncodedBounds | None:
        """One label asked: its indicator is on. A range of labels: rejection decides."""
        if low != high or not float(low).is_integer() or not 0 <= low < self.n_categories:
            return None
        return {int(low): (0.5, 1.5)}

    def spans(self, column: str) -> list[Span]:
        """One softmax ``"category"`` span of width ``n_categories``."""
        k = self.n_categories
        return [Span(column, "category", k, Activation.SOFTMAX, n_categories=k)]


@categorical_encoders.register(
    CategoricalEncoding.ORDINAL.value, description="The integer code itself."
)
class OrdinalEncoder(_CategoricalEncoder):
    """The code as one number; decoding rounds and clips into range (NaN decodes to 0).

    Examples
    --------
    >>> enc = OrdinalEncoder(n_categories=3).fit(np.array([0, 2]), rng=np.random.default_rng(0))
    >>> enc.decode([[1.4], [7.0], [-2.0]])
    array([1, 2, 0])
    """

    name = CategoricalEncoding.ORDINAL.value

    def feature_bounds(self, low: float, high: float, *, step: float) -> EncodedBounds | None:
        """The codes from ``low`` to ``high``, each owning the half-open unit around it."""
        return {0: (low - 0.5 + OPEN, high + 0.5 - OPEN)}

    def encode(self, values: np.ndarray, *, rng: np.random.Generator) -> np.ndarray:
        """The codes as a float column."""
        self._check_fitted("frequencies_")
        return self._codes(values).astype(np.float64).reshape(-1, 1)

    def decode(self, encoded: np.ndarray) -> np.ndarray:
        """Round to the nearest code inside the range."""
        self._check_fitted("frequencies_")
        y = check_matrix(encoded, 1, type(self).__name__)[:, 0]
        rounded = np.rint(np.nan_to_num(y, nan=0.0))
        return np.clip(rounded, 0, self.n_categories - 1).astype(np.int64)

    def spans(self, column: str) -> list[Span]:
        """One linear ``"category"`` span holding the code."""
        return [Span(column, "category", 1, Activation.LINEAR, n_categories=self.n_categories)]


@categorical_encoders.register(
    CategoricalEncoding.GAUSSIAN_INTERVAL.value,
    description="A normal draw inside the category's frequency-sized slice of [0, 1].",
)
class GaussianIntervalEncoder(_CategoricalEncoder):
    """Gaussian-in-interval encoding, as in the ONS census GAN study.

    At fit, categories are sorted by frequency (most frequent first, ties by
    code) and [0, 1] is cut into consecutive intervals whose widths are their
    frequencies; a category never seen in fit keeps a sliver of
    ``UNSEEN_SHARE`` (1e-6), so it stays representable. A code encodes to a draw
    from ``Normal(mid, width / 6)`` clipped strictly inside its interval, so
    decoding (which interval holds the value?) is exact; values below 0 or
    above 1 decode to the first or last interval.

    Examples
    --------
    >>> enc = GaussianIntervalEncoder(n_categories=2)
    >>> enc = enc.fit(np.array([1, 1, 1, 0]), rng=np.random.default_rng(0))
    >>> enc.edges_.tolist(), enc.decode([[0.5], [0.9], [2.0]]).tolist()
    ([0.0, 0.75, 1.0], [1, 0, 0])
    """

    name = CategoricalEncoding.GAUSSIAN_INTERVAL.value

    def __init__(self, *, n_categories: int) -> None:
        super().__init__(n_categories=n_categories)
        self.order_: np.ndarray  # set by fit; the code of each interval, left to right
        self.edges_: np.ndarray  # set by fit; n_categories + 1 boundaries from 0 to 1
        self._lower: np.ndarray  # set by fit; per code: its interval's bounds
        self._upper: np.ndarray  # set by fit

    def _learn(self) -> None:
        freq = self.frequencies_
        unseen = freq == 0
        sliver = min(UNSEEN_SHARE, 0.5 / max(int(unseen.sum()), 1))
        shares = np.where(unseen, sliver, freq * (1.0 - sliver * unseen.sum()))
        self.order_ = np.argsort(-freq, kind="stable").astype(np.int64)
        edges = np.concatenate([[0.0], np.cumsum(shares[self.order_])])
        edges[-1] = 1.0
        self.edges_ = edges
        rank = np.empty_like(self.order_)
        rank[self.order_] = np.arange(self.n_categories)
        self._lower, self._upper = edges[rank], edges[rank + 1]

    def encode(self, values: np.ndarray, *, rng: np.random.Generator) -> np.ndarray:
        """A normal draw around each code's interval midpoint, kept strictly inside it."""
        self._check_fitted("edges_")
        codes = self._codes(values)
        lower, upper = self._lower[codes], self._upper[codes]
        draws = rng.normal((lower + upper) / 2.0, (upper - lower) / 6.0)
        inside = np.clip(draws, np.nextafter(lower, np.inf), np.nextafter(upper, -np.inf))
        return inside.reshape(-1, 1)

    def decode(self, encoded: np.ndarray) -> np.ndarray:
        """The code whose interval holds each value."""
        self._check_fitted("edges_")
        y = check_matrix(encoded, 1, type(self).__name__)[:, 0]
        # NaN sorts last, so it decodes to the last interval like values above 1.
        return self.order_[np.searchsorted(self.edges_[1:-1], y, side="right")]

    def spans(self, column: str) -> list[Span]:
        """One sigmoid ``"category"`` span holding a continuous value."""
        return [Span(column, "category", 1, Activation.SIGMOID)]


__all__ = ["UNSEEN_SHARE", "GaussianIntervalEncoder", "OneHotEncoder", "OrdinalEncoder"]
