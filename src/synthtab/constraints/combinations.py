"""Only the combinations of labels seen in the data: the columns become one.

A number column may take part too (a plan fixes its monthly fee): its exact values
then count as labels of the combination.

>>> import pandas as pd
>>> rule = FixedCombinations(["city", "country"])
>>> rule.columns
('city', 'country')
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Self

import numpy as np
import pandas as pd

from synthtab.constraints.base import (
    LABEL_KINDS,
    NUMBER_KINDS,
    CanonicalTable,
    ReversibleConstraint,
    State,
    constraint_registry,
    missing_columns,
    require_kinds,
)
from synthtab.errors import InvalidParameterError, NotFittedError
from synthtab.schema.spec import ColumnKind, ColumnSpec, TableSchema


@constraint_registry.register(
    "fixed_combinations", description="only label combinations seen in the data"
)
class FixedCombinations(ReversibleConstraint):
    """Rows may only combine the labels of ``columns`` as some real row does.

    The columns are merged into one label column of the combinations seen,
    so a model cannot invent a new one. At least one column must hold labels;
    the others may be labels or numbers (``["plan", "monthly_fee"]``).
    """

    kind = "fixed_combinations"

    def __init__(self, columns: Sequence[str]) -> None:
        names = tuple(columns) if not isinstance(columns, str) else (columns,)
        if len(names) < 2 or len(set(names)) != len(names):
            raise InvalidParameterError(
                f"FixedCombinations needs two or more different columns; got {list(names)}."
            )
        self._columns = names
        self.combinations_: np.ndarray | None = None
        self.seen_: dict[str, tuple[Any, ...]] = {}

    @property
    def columns(self) -> tuple[str, ...]:
        return self._columns

    @property
    def merged_name(self) -> str:
        """Name of the merged column in the model's working table."""
        return "__combination__(" + ", ".join(self._columns) + ")"

    def check_schema(self, schema: TableSchema) -> list[str]:
        problems = missing_columns(schema, self.columns, repr(self))
        problems += require_kinds(
            schema,
            self.columns,
            LABEL_KINDS | NUMBER_KINDS,
            repr(self),
            "categorical, boolean, numeric or integer",
        )
        present = [c for c in self.columns if c in schema]
        if not problems and not any(schema[c].kind in LABEL_KINDS for c in present):
            problems.append(
                f"{self!r} needs at least one categorical or boolean column; for a rule "
                "between numbers use Inequality or a Predicate."
            )
        return problems

    def observe(self, df: pd.DataFrame) -> Self:
        """Take the combinations ``df`` shows as the allowed ones, so that the rule can
        check other rows before any fit (``fit`` learns them again from its own rows)."""
        seen = df[list(self.columns)].astype(object).drop_duplicates()
        self.seen_ = {c: tuple(seen[c]) for c in self.columns}
        return self

    def is_valid(self, df: pd.DataFrame, schema: TableSchema | None = None) -> np.ndarray:
        if not self.seen_:  # before fit every combination is allowed
            return np.ones(len(df), dtype=bool)
        allowed = pd.MultiIndex.from_arrays([list(v) for v in self.seen_.values()])
        present = pd.MultiIndex.from_frame(df[list(self.columns)].astype(object))
        return present.isin(allowed)

    def _learn(self, table: CanonicalTable) -> None:
        codes = _stack(table, self.columns)
        self.combinations_ = pd.DataFrame(codes).drop_duplicates().to_numpy()  # NaN == NaN
        self.seen_ = {
            c: tuple(_label(table.specs[c], code) for code in self.combinations_[:, i])
            for i, c in enumerate(self.columns)
        }

    def transform(self, table: CanonicalTable) -> CanonicalTable:
        combos = self._combinations()
        codes = _stack(table, self.columns)
        for c in self.columns:
            table.values.pop(c)
            table.specs.pop(c)
        keys = pd.MultiIndex.from_arrays(codes.T)
        lookup = pd.MultiIndex.from_arrays(combos.T)
        merged = lookup.get_indexer(keys).astype(np.int64)
        if (merged < 0).any():
            raise InvalidParameterError(f"{self!r}: a row holds a combination never seen in fit.")
        spec = ColumnSpec(
            name=self.merged_name,
            kind=ColumnKind.CATEGORICAL,
            dtype="int64",
            categories=tuple(range(len(combos))),
        )
        table.replace(self.merged_name, merged, spec)
        return table

    def inverse_transform(self, table: CanonicalTable) -> CanonicalTable:
        combos = self._combinations()
        merged = np.clip(table.values.pop(self.merged_name).astype(np.int64), 0, len(combos) - 1)
        table.specs.pop(self.merged_name)
        for i, c in enumerate(self.columns):
            values = combos[merged, i]
            if self.original(c).kind in LABEL_KINDS:
                values = values.astype(np.int64)
            table.replace(c, values, self.original(c))
        return table

    def _combinations(self) -> np.ndarray:
        if self.combinations_ is None:
            self.original(self.columns[0])  # raises the not-fitted error
            raise NotFittedError(f"{type(self).__name__} is not fitted yet.")
        return self.combinations_

    def _state(self) -> State:
        # a model file holds no NaN (it marks a damaged file): a number's gaps go as a mask
        combos = self._combinations()
        gaps = np.isnan(combos)
        return {"combinations": np.where(gaps, 0.0, combos), "combination_gaps": gaps}

    def _load(self, state: State) -> None:
        combos = np.asarray(state["combinations"], dtype=np.float64)
        gaps = np.asarray(state.get("combination_gaps", np.zeros_like(combos)), dtype=bool)
        self.combinations_ = np.where(gaps, np.nan, combos)
        self.seen_ = {
            c: tuple(_label(self.original(c), code) for code in self.combinations_[:, i])
            for i, c in enumerate(self.columns)
        }

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "columns": list(self.columns)}


def _stack(table: CanonicalTable, columns: tuple[str, ...]) -> np.ndarray:
    """The columns side by side as floats: label codes (-1 missing) and numbers (NaN)."""
    return np.column_stack([table.values[c].astype(np.float64) for c in columns])


def _label(spec: ColumnSpec, code: float) -> Any:
    if spec.kind not in LABEL_KINDS:
        return None if np.isnan(code) else float(code)
    return None if code < 0 else (spec.categories or ())[int(code)]
