"""A column that is missing exactly when another is, or exactly when it has a given label.

``annual_income_joint`` is empty exactly when ``application_type`` is ``individual``;
a second address line is missing exactly when the first is. After sampling, the column
is emptied where the condition holds and, where it does not, a gap the model drew is
filled with a value the column has (its lower median; a label: the most common one), so
every row obeys.

>>> import pandas as pd
>>> rule = MissingWhen("joint_income", "kind", label="individual")
>>> rows = pd.DataFrame({"kind": ["individual", "joint"], "joint_income": [None, 9e4]})
>>> rule.is_valid(rows)
array([ True,  True])
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from synthtab.constraints.base import (
    CanonicalTable,
    ReversibleConstraint,
    State,
    constraint_registry,
    missing_columns,
)
from synthtab.errors import InvalidParameterError
from synthtab.schema.spec import TableSchema


@constraint_registry.register(
    "missing_when", description="column missing exactly when another is (or has a label)"
)
class MissingWhen(ReversibleConstraint):
    """``column`` is missing exactly when ``when`` is missing, or, with ``label``, exactly
    when ``when`` equals ``label`` (rows where ``when`` is missing then pass)."""

    kind = "missing_when"
    reads_decoded_columns = True

    def __init__(self, column: str, when: str, *, label: Any = None) -> None:
        if column == when:
            raise InvalidParameterError(f"MissingWhen('{column}', ...) needs another column.")
        plain = label.item() if hasattr(label, "item") else label  # numpy scalars: JSON-ready
        self.column, self.when, self.label = column, when, plain
        self.filler_: float | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column, self.when)

    @property
    def rewrites(self) -> tuple[str, ...]:
        """Only ``column`` is changed (emptied or filled)."""
        return (self.column,)

    def check_schema(self, schema: TableSchema) -> list[str]:
        problems = missing_columns(schema, self.columns, repr(self))
        if not problems and self.label is not None:
            labels = schema[self.when].categories
            if labels is None or self.label not in labels:
                problems.append(f"{self!r}: '{self.when}' has no label {self.label!r}.")
        return problems

    def _condition(self, when: pd.Series | np.ndarray, known: np.ndarray) -> np.ndarray:
        if self.label is None:
            return ~known
        return np.asarray(pd.Series(when).to_numpy() == self.label, dtype=bool)

    def is_valid(self, df: pd.DataFrame, schema: TableSchema | None = None) -> np.ndarray:
        known = df[self.when].notna().to_numpy()
        empty = df[self.column].isna().to_numpy()
        holds = empty == self._condition(df[self.when], known)
        return holds if self.label is None else holds | ~known

    def _canonical_condition(self, table: CanonicalTable) -> np.ndarray:
        values = table.values[self.when]
        spec = table.specs[self.when]
        if spec.kind.is_discrete:
            known = values >= 0
            if self.label is None:
                return ~known
            code = list(spec.categories or ()).index(self.label)
            return values == code
        return np.isnan(values)

    def _learn(self, table: CanonicalTable) -> None:
        values = table.values[self.column]
        spec = table.specs[self.column]
        present = values[values >= 0] if spec.kind.is_discrete else values[~np.isnan(values)]
        if spec.kind.is_discrete:
            self.filler_ = (
                float(np.bincount(present.astype(np.int64)).argmax()) if present.size else 0.0
            )
        else:
            # an observed value (the lower median), so a filled gap is a value the column has
            self.filler_ = float(np.quantile(present, 0.5, method="lower")) if present.size else 0.0

    def transform(self, table: CanonicalTable) -> CanonicalTable:
        return table  # the model learns the column as it is; the inverse makes it exact

    def inverse_transform(self, table: CanonicalTable) -> CanonicalTable:
        if self.filler_ is None:
            self.original(self.column)  # raises the not-fitted error
        filler = float(self.filler_ or 0.0)
        spec = table.specs[self.column]
        values = table.values[self.column].astype(np.float64)
        condition = self._canonical_condition(table)
        gap = (values < 0) if spec.kind.is_discrete else np.isnan(values)
        values = np.where(gap & ~condition, filler, values)
        empty = -1.0 if spec.kind.is_discrete else np.nan
        values = np.where(condition, empty, values)
        if spec.kind.is_discrete:
            values = values.astype(np.int64)
        table.replace(self.column, values, spec)
        return table

    def _state(self) -> State:
        return {"filler": self.filler_}

    def _load(self, state: State) -> None:
        self.filler_ = float(state["filler"])

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "column": self.column, "when": self.when, "label": self.label}

    def __repr__(self) -> str:
        if self.label is None:
            return f"MissingWhen({self.column} is missing exactly when {self.when} is)"
        return f"MissingWhen({self.column} is missing exactly when {self.when} = {self.label!r})"
