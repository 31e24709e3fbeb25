"""Columns that one column determines: ``grade`` from ``sub_grade``, ``education`` from
``education-num``, a plan's monthly fee from the plan.

The model never sees the determined columns: it learns the source column as it is (a
number keeps its order, which a merged label column would lose), and after sampling each
determined column is looked up from the source's value. A source value the real rows
never showed (a number between two seen ones, a label absent from the fit rows) is first
moved to the nearest seen number, or to the commonest seen label, so every row holds a
combination some real row holds.

>>> import pandas as pd
>>> rule = Lookup("sub_grade", ["grade"]).observe(
...     pd.DataFrame({"sub_grade": ["A1", "A2", "B1"], "grade": ["A", "A", "B"]})
... )
>>> rule.is_valid(pd.DataFrame({"sub_grade": ["A1", "B1"], "grade": ["A", "A"]}))
array([ True, False])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from synthtab.constraints.base import (
    LABEL_KINDS,
    NUMBER_KINDS,
    CanonicalTable,
    State,
    constraint_registry,
    missing_columns,
    require_kinds,
)
from synthtab.constraints.combinations import FixedCombinations, _stack
from synthtab.encoding.columns import from_canonical, to_canonical
from synthtab.encoding.layout import CanonicalBounds
from synthtab.errors import ConstraintViolationError, InvalidParameterError
from synthtab.schema.spec import TableSchema


@constraint_registry.register(
    "lookup", description="columns determined by one source column, looked up after sampling"
)
class Lookup(FixedCombinations):
    """Each of ``targets`` is a function of ``source``, as in the real rows.

    Valid rows are those whose ``(source, *targets)`` combination some real row has (as
    for :class:`FixedCombinations`); the fit raises when the real rows pair one source
    value with two different targets.
    """

    kind = "lookup"
    reads_decoded_columns = True

    def __init__(self, source: str, targets: Sequence[str]) -> None:
        names = (targets,) if isinstance(targets, str) else tuple(targets)
        if not names or source in names or len(set(names)) != len(names):
            raise InvalidParameterError(
                f"Lookup('{source}', ...) needs one or more other, different target columns; "
                f"got {list(names)}."
            )
        super().__init__([source, *names])
        self.source, self.targets = source, names
        self.counts_: np.ndarray | None = None

    @property
    def rewrites(self) -> tuple[str, ...]:
        """The targets, and a number source (moved to the nearest value seen)."""
        return self.columns if self._source_is_number() else self.targets

    def check_schema(self, schema: TableSchema) -> list[str]:
        problems = missing_columns(schema, self.columns, repr(self))
        return problems + require_kinds(
            schema,
            self.columns,
            LABEL_KINDS | NUMBER_KINDS,
            repr(self),
            "categorical, boolean, numeric or integer",
        )

    def _learn(self, table: CanonicalTable) -> None:
        super()._learn(table)
        combos = self._combinations()
        keys, counts = np.unique(combos[:, 0], return_counts=True, equal_nan=True)
        if len(keys) < len(combos):
            twice = keys[counts > 1][0]
            value = self.seen_[self.source][int(np.flatnonzero(_same(combos[:, 0], twice))[0])]
            raise ConstraintViolationError(
                [
                    f"{self!r}: the real rows pair {self.source}={value!r} with more than one "
                    f"value of {list(self.targets)}, so it does not determine them; use "
                    f"FixedCombinations({list(self.columns)}) instead"
                ]
            )
        positions = pd.Index(combos[:, 0]).get_indexer(_stack(table, (self.source,))[:, 0])
        self.counts_ = np.bincount(positions, minlength=len(combos)).astype(np.int64)

    def transform(self, table: CanonicalTable) -> CanonicalTable:
        self._combinations()
        for name in self.targets:
            table.values.pop(name)
            table.specs.pop(name)
        return table

    def inverse_transform(self, table: CanonicalTable) -> CanonicalTable:
        combos = self._combinations()
        source = table.values[self.source].astype(np.float64)
        if self._source_is_number():  # as its decoder will write it: rounded, clipped
            spec = table.specs[self.source]
            source = to_canonical(from_canonical(source, spec), spec)
        rows = self._rows_of(source, combos[:, 0])
        for i, name in enumerate(self.columns):
            values = combos[rows, i]
            if self.original(name).kind in LABEL_KINDS:
                values = values.astype(np.int64)
            table.replace(name, values, self.original(name))
        return table

    def _rows_of(self, source: np.ndarray, keys: np.ndarray) -> np.ndarray:
        """The combination of each source value: its own, else the nearest seen number or
        (for an unseen label or gap) the commonest combination."""
        commonest = int(np.argmax(self.counts_)) if self.counts_ is not None else 0
        rows = np.full(len(source), commonest, dtype=np.int64)
        gap = self._is_gap(keys)
        order = np.argsort(np.where(gap, np.inf, keys), kind="stable")
        seen = keys[order][: int((~gap).sum())]
        if len(seen):
            at = np.clip(np.searchsorted(seen, source), 0, len(seen) - 1)
            below = np.clip(at - 1, 0, len(seen) - 1)
            nearest = np.where(np.abs(seen[below] - source) < np.abs(seen[at] - source), below, at)
            exact = seen[nearest] == source
            usable = exact | (self._source_is_number() & ~np.isnan(source))
            rows = np.where(usable, order[nearest], rows)
        for k in np.flatnonzero(gap):  # a missing source is a value of its own
            rows[_same(source, keys[k])] = k
        return rows

    def condition_bounds(self, bounds: CanonicalBounds) -> CanonicalBounds:
        """A condition on targets asks for the source values that give them: their span
        (a number's ``education-num in [13, 13]`` for ``education = Bachelors``; seen
        values inside the span that give another target are left to rejection)."""
        asked = [name for name in self.targets if name in bounds]
        if not asked or self.combinations_ is None:
            return bounds
        combos = self.combinations_
        keep = np.ones(len(combos), dtype=bool)
        for name in asked:
            low, high = bounds[name]
            keep &= (combos[:, self.columns.index(name)] >= low) & (
                combos[:, self.columns.index(name)] <= high
            )
        keys = combos[keep, 0]
        keys = keys[~self._is_gap(keys)]
        if not len(keys):
            return bounds
        low, high = bounds.get(self.source, (-np.inf, np.inf))
        return {**bounds, self.source: (max(low, float(keys.min())), min(high, float(keys.max())))}

    def _is_gap(self, keys: np.ndarray) -> np.ndarray:
        """Which source keys stand for a missing value (NaN; code -1 for a label)."""
        return np.isnan(keys) if self._source_is_number() else np.isnan(keys) | (keys < 0)

    def _source_is_number(self) -> bool:
        return self.specs_ is not None and self.original(self.source).kind in NUMBER_KINDS

    def _state(self) -> State:
        return {**super()._state(), "counts": np.asarray(self.counts_, dtype=np.int64)}

    def _load(self, state: State) -> None:
        super()._load(state)
        self.counts_ = np.asarray(state["counts"], dtype=np.int64)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "source": self.source, "targets": list(self.targets)}

    def __repr__(self) -> str:
        return f"Lookup({self.source} -> {', '.join(self.targets)})"


def _same(values: np.ndarray, key: float) -> np.ndarray:
    """``values == key``, a NaN key matching NaN values."""
    return np.isnan(values) if np.isnan(key) else values == key
