"""How an encoded matrix is laid out: one :class:`Span` per block of features.

Models never encode data themselves; they read the :class:`Layout` to build
output heads (softmax over a one-hot span, tanh over a scalar) and
conditional vectors.

>>> layout = Layout((Span("age", "value", 1, Activation.TANH),
...                  Span("age", "mode", 3, Activation.SOFTMAX, n_categories=3)))
>>> layout.width, layout.slice_of(1)
(4, slice(1, 4, None))
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np

#: Intervals on encoded features (by index) that a sample must lie in: a condition in
#: the model's terms, from :meth:`~synthtab.encoding.table.TableEncoder.encoded_bounds`.
EncodedBounds = dict[int, tuple[float, float]]
#: Inclusive ranges of canonical values per column (a label's code twice for one label).
CanonicalBounds = Mapping[str, tuple[float, float]]


class Activation(StrEnum):
    """The output activation a neural model should put on a span."""

    LINEAR = "linear"
    TANH = "tanh"
    SIGMOID = "sigmoid"
    SOFTMAX = "softmax"


class EncodingStyle(StrEnum):
    """The form of encoded data a model asks for."""

    NEURAL = "neural"  # scaled numbers and one-hot labels, for networks
    ORDINAL = "ordinal"  # raw numbers and integer codes, for trees and marginals
    GAUSSIAN = "gaussian"  # one continuous scalar per feature, for copulas


@dataclass(frozen=True)
class Span:
    """A block of ``width`` encoded features belonging to one column.

    ``role`` says what the block holds (``"value"``, ``"mode"``, ``"category"``,
    ``"missing"``); ``n_categories > 0`` marks a discrete block (one-hot when
    ``width == n_categories``, integer codes when ``width == 1``).
    """

    column: str
    role: str
    width: int
    activation: Activation
    n_categories: int = 0

    @property
    def discrete(self) -> bool:
        """Whether the span holds a discrete choice."""
        return self.n_categories > 0

    @property
    def one_hot(self) -> bool:
        """Whether the span is a one-hot block."""
        return self.discrete and self.width == self.n_categories and self.width > 1

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "column": self.column,
            "role": self.role,
            "width": self.width,
            "activation": self.activation.value,
            "n_categories": self.n_categories,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Span:
        """Inverse of :meth:`to_dict`."""
        return cls(
            str(data["column"]),
            str(data["role"]),
            int(data["width"]),
            Activation(str(data["activation"])),
            int(data["n_categories"]),
        )


@dataclass(frozen=True)
class Layout:
    """The ordered spans of an encoded matrix."""

    spans: tuple[Span, ...]
    offsets: tuple[int, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "spans", tuple(self.spans))
        starts = np.concatenate([[0], np.cumsum([s.width for s in self.spans])]).astype(int)
        object.__setattr__(self, "offsets", tuple(int(x) for x in starts))

    @property
    def width(self) -> int:
        """Total number of encoded features."""
        return self.offsets[-1]

    def slice_of(self, index: int) -> slice:
        """The columns of the matrix that span ``index`` occupies."""
        return slice(self.offsets[index], self.offsets[index + 1])

    def indices_of(self, column: str) -> list[int]:
        """Indices of the spans that belong to ``column``."""
        return [i for i, s in enumerate(self.spans) if s.column == column]

    def __len__(self) -> int:
        return len(self.spans)

    def to_list(self) -> list[dict[str, object]]:
        """JSON-ready form."""
        return [s.to_dict() for s in self.spans]

    @classmethod
    def from_list(cls, data: list[dict[str, object]]) -> Layout:
        """Inverse of :meth:`to_list`."""
        return cls(tuple(Span.from_dict(d) for d in data))


@dataclass(frozen=True)
class EncodedTable:
    """An encoded table: a float matrix and the layout that explains it."""

    values: np.ndarray
    layout: Layout

    def __post_init__(self) -> None:
        if self.values.ndim != 2 or self.values.shape[1] != self.layout.width:
            raise ValueError(
                f"Encoded values of shape {self.values.shape} do not match a layout "
                f"of width {self.layout.width}."
            )

    @property
    def n_rows(self) -> int:
        """Number of rows."""
        return int(self.values.shape[0])

    def span_values(self, index: int) -> np.ndarray:
        """The matrix block of span ``index``."""
        return self.values[:, self.layout.slice_of(index)]
