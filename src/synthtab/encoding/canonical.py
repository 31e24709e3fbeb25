"""The canonical table, and the transforms that may rewrite it before encoding.

Every modelled column first becomes its canonical form (numbers and datetimes
as floats with NaN, labels as integer codes with -1; see
:mod:`synthtab.encoding.columns`). Reversible business rules rewrite that
table (``high`` becomes ``log(high - low)``) and undo it after decoding. The
encoder runs any object that has the three methods of
:class:`CanonicalTransform`; it knows nothing of the rules themselves, so the
dependency points one way: ``constraints`` builds on ``encoding``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np

from synthtab.schema.spec import ColumnSpec


@dataclass
class CanonicalTable:
    """Canonical columns (float with NaN, or int codes with -1) and their specs, in order."""

    values: dict[str, np.ndarray]
    specs: dict[str, ColumnSpec] = field(default_factory=dict)

    def replace(self, name: str, values: np.ndarray, spec: ColumnSpec) -> None:
        """Put ``values`` (with ``spec``) in place of column ``name``."""
        self.values[name] = values
        self.specs[name] = spec


@runtime_checkable
class CanonicalTransform(Protocol):
    """A reversible rewrite of the canonical table (a ``ReversibleConstraint``)."""

    def fit_transform(self, table: CanonicalTable) -> CanonicalTable:
        """Learn what the rewrite needs from ``table``, then rewrite it in place."""
        ...

    def transform(self, table: CanonicalTable) -> CanonicalTable:
        """Rewrite ``table`` in place with what was learned."""
        ...

    def inverse_transform(self, table: CanonicalTable) -> CanonicalTable:
        """Undo :meth:`transform` in place."""
        ...
