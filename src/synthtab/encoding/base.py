"""The contract of a column encoder, and the registries that name them.

An encoder maps one *canonical* column to model features and back, exactly:

* numeric encoders take a 1-D float array with no missing values;
* categorical encoders take 1-D integer codes ``0 .. n_categories-1``.

Missing values, dtypes, rounding and bounds are handled around them (see
:mod:`synthtab.encoding.columns` and :mod:`synthtab.encoding.table`).

>>> from synthtab.encoding import numeric_encoders
>>> rng = np.random.default_rng(0)
>>> enc = numeric_encoders.get("minmax").load()().fit(np.array([1.0, 3.0]), rng=rng)
>>> enc.decode(enc.encode(np.array([2.0]), rng=rng))
array([2.])
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from enum import StrEnum
from typing import Any, ClassVar, Self

import numpy as np

from synthtab.encoding.layout import EncodedBounds, Span
from synthtab.errors import NotFittedError
from synthtab.registry import Registry

#: Keeps an upper bound open: a value on it would round up into the next unit.
OPEN = 1e-9

#: State of an encoder or model: JSON scalars, lists, dicts and numpy arrays.
State = dict[str, Any]


class NumericEncoding(StrEnum):
    """Registered names of numeric encoders."""

    IDENTITY = "identity"
    MINMAX = "minmax"
    STANDARD = "standard"
    QUANTILE = "quantile"
    MODE_SPECIFIC = "mode_specific"


class CategoricalEncoding(StrEnum):
    """Registered names of categorical encoders."""

    ONEHOT = "onehot"
    ORDINAL = "ordinal"
    GAUSSIAN_INTERVAL = "gaussian_interval"


class ColumnEncoder(ABC):
    """Reversible, vectorised map between one canonical column and features.

    ``__init__`` stores options only; ``fit`` learns and returns ``self``;
    learned state ends in ``_``. ``encode`` may be random (it takes ``rng``);
    ``decode`` is deterministic and accepts any real-valued input of the right
    width (a model's raw output), always returning valid canonical values.
    """

    name: ClassVar[str]

    @abstractmethod
    def fit(self, values: np.ndarray, *, rng: np.random.Generator) -> Self:
        """Learn from the canonical values of one column."""

    @abstractmethod
    def encode(self, values: np.ndarray, *, rng: np.random.Generator) -> np.ndarray:
        """Map canonical values to a float matrix of shape (n, width)."""

    @abstractmethod
    def decode(self, encoded: np.ndarray) -> np.ndarray:
        """Map a float matrix of shape (n, width) back to canonical values."""

    @abstractmethod
    def spans(self, column: str) -> list[Span]:
        """The spans this encoder's output occupies, labelled with ``column``."""

    @abstractmethod
    def state_dict(self) -> State:
        """Options and learned state, as JSON scalars and numpy arrays."""

    @classmethod
    @abstractmethod
    def from_state_dict(cls, state: State) -> Self:
        """Rebuild a fitted encoder from :meth:`state_dict`."""

    def feature_bounds(self, low: float, high: float, *, step: float) -> EncodedBounds | None:
        """Intervals on this encoder's own features (by offset from its first) inside
        which every encoding decodes into the canonical range ``[low, high]``; ``step``
        is the column's rounding. None when it cannot say: rejection decides then."""
        return None

    @property
    def width(self) -> int:
        """Number of features this encoder produces."""
        return sum(s.width for s in self.spans("_"))

    def _check_fitted(self, *attributes: str) -> None:
        if any(getattr(self, a, None) is None for a in attributes):
            raise NotFittedError(f"This {type(self).__name__} is not fitted yet; call fit first.")


numeric_encoders: Registry[ColumnEncoder] = Registry("numeric encoder")
categorical_encoders: Registry[ColumnEncoder] = Registry("categorical encoder")
