"""The contract of a business rule, and the canonical table transforms work on.

A :class:`Constraint` checks the schema up front and says, vectorised, which
rows of a raw table obey it. A :class:`ReversibleConstraint` also
reparametrises the *canonical* table (numbers and datetimes as floats, labels
as integer codes; see :mod:`synthtab.encoding.columns`) so that every value a
model can produce maps back to a row that obeys the rule. Rules with no such
transform are enforced by the sampling engine's bounded rejection.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from synthtab.encoding.canonical import CanonicalTable
from synthtab.encoding.layout import CanonicalBounds
from synthtab.errors import NotFittedError, did_you_mean
from synthtab.registry import Registry
from synthtab.schema.spec import ColumnKind, ColumnSpec, TableSchema

#: Learned state: JSON scalars and numpy arrays, as encoders and models use.
State = dict[str, Any]


class Constraint(ABC):
    """A rule every synthetic row must obey.

    A new rule is one subclass registered in :data:`constraint_registry` under its
    ``kind``; files, model files and the contract tests find it there.
    """

    kind: ClassVar[str]
    #: The rule holds code (a Python function), which is never read from a file.
    holds_code: ClassVar[bool] = False

    @property
    @abstractmethod
    def columns(self) -> tuple[str, ...]:
        """The columns the rule reads."""

    @abstractmethod
    def check_schema(self, schema: TableSchema) -> list[str]:
        """Problems that make the rule inapplicable to ``schema`` (empty when fine)."""

    @abstractmethod
    def is_valid(self, df: pd.DataFrame, schema: TableSchema | None = None) -> np.ndarray:
        """Which rows of a raw table obey the rule (missing values pass).

        With ``schema``, datetimes stored as text or YYYYMMDD integers are read
        in their own format.
        """

    @abstractmethod
    def to_dict(self) -> dict[str, Any]:
        """The rule's parameters, JSON-ready (its registered kind included)."""

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.to_dict().items() if k != "kind")
        return f"{type(self).__name__}({params})"

    @classmethod
    def from_params(cls, params: Mapping[str, Any], predicates: Mapping[str, Any]) -> Constraint:
        """Rebuild from :meth:`to_dict` (without ``kind``); rules that hold code take
        theirs from ``predicates`` by name."""
        return cls(**params)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.to_dict() == self.to_dict()

    def __hash__(self) -> int:
        return hash(repr(self))


class ReversibleConstraint(Constraint):
    """A rule enforced exactly by a transform of the canonical table.

    ``fit_transform`` records the specs of the columns it rewrites, so the
    inverse can hand back columns that the exact decoders restore.
    """

    specs_: dict[str, ColumnSpec] | None = None
    #: The inverse reads other columns in their original form (a formula's inputs): such a
    #: rule is put first, so that its transform runs first and its inverse last.
    reads_decoded_columns: ClassVar[bool] = False

    @property
    def rewrites(self) -> tuple[str, ...]:
        """The columns whose values the transform replaces (two rules may not share one)."""
        return self.columns

    def decoding_schema(self, schema: TableSchema) -> TableSchema:
        """The schema the decoder should use once this rule is in force (a column the rule
        computes must not be clipped to its real range); unchanged for most rules."""
        return schema

    def condition_bounds(self, bounds: CanonicalBounds) -> CanonicalBounds:
        """A condition on the columns the rule rewrites, asked of the columns the model
        still sees (a looked-up label asks for its source values), so that a model that
        conditions natively draws the right rows; the engine still checks every row.
        Unchanged for most rules: their columns are left to rejection."""
        return bounds

    def fit_transform(self, table: CanonicalTable) -> CanonicalTable:
        """Remember the original specs, learn what the transform needs, transform."""
        self.specs_ = {c: table.specs[c] for c in self.columns}
        self._learn(table)
        return self.transform(table)

    def _learn(self, table: CanonicalTable) -> None:
        """Learn state from the canonical table (nothing for most rules)."""

    @abstractmethod
    def transform(self, table: CanonicalTable) -> CanonicalTable:
        """Reparametrise the canonical table (in place; returned for chaining)."""

    @abstractmethod
    def inverse_transform(self, table: CanonicalTable) -> CanonicalTable:
        """Map transformed values back; every output row obeys the rule."""

    def original(self, column: str) -> ColumnSpec:
        """The spec ``column`` had before this rule rewrote it."""
        if self.specs_ is None:
            raise NotFittedError(f"{self!r} has not been fitted to a table yet.")
        return self.specs_[column]

    def state_dict(self) -> State:
        """Learned state (JSON scalars and arrays)."""
        specs = {k: v.to_dict() for k, v in (self.specs_ or {}).items()}
        return {"specs": specs, **self._state()}

    def load_state(self, state: State) -> None:
        """Restore :meth:`state_dict`."""
        self.specs_ = {k: ColumnSpec.from_dict(v) for k, v in state["specs"].items()}
        self._load(state)

    def _state(self) -> State:
        return {}

    def _load(self, state: State) -> None:
        return None


constraint_registry: Registry[Constraint] = Registry("constraint")


def missing_columns(schema: TableSchema, columns: tuple[str, ...], rule: str) -> list[str]:
    """Problems for columns the table lacks, with a "did you mean" hint."""
    return [
        f"{rule} names column '{c}', which the table does not have.{did_you_mean(c, schema.names)}"
        for c in columns
        if c not in schema
    ]


def require_kinds(
    schema: TableSchema, columns: tuple[str, ...], kinds: set[ColumnKind], rule: str, what: str
) -> list[str]:
    """Problems for columns (that exist) of a kind the rule cannot use."""
    return [
        f"{rule} needs {what} columns; '{c}' is {schema[c].kind.value}."
        for c in columns
        if c in schema and schema[c].kind not in kinds
    ]


NUMBER_KINDS = {ColumnKind.NUMERIC, ColumnKind.INTEGER}
ORDERED_KINDS = {ColumnKind.NUMERIC, ColumnKind.INTEGER, ColumnKind.DATETIME}
LABEL_KINDS = {ColumnKind.CATEGORICAL, ColumnKind.BOOLEAN}


def numbers_of(df: pd.DataFrame, column: str, schema: TableSchema | None) -> np.ndarray:
    """A raw column as floats (datetimes as epoch seconds), NaN for missing."""
    from synthtab.encoding.columns import to_canonical
    from synthtab.schema.inference import infer_kind

    if schema is not None and column in schema:
        return to_canonical(df[column], schema[column])
    series = df[column]
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        spec = ColumnSpec(name=column, kind=ColumnKind.DATETIME, dtype=str(series.dtype))
        return to_canonical(series, spec)
    kind, facts = infer_kind(column, series)
    if kind is ColumnKind.DATETIME:
        spec = ColumnSpec(name=column, kind=kind, dtype=str(series.dtype), **facts)
        return to_canonical(series, spec)
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def working_spec(spec: ColumnSpec, values: np.ndarray) -> ColumnSpec:
    """A plain float spec for a transformed column (bounds from its values)."""
    finite = values[np.isfinite(values)]
    return ColumnSpec(
        name=spec.name,
        kind=ColumnKind.NUMERIC,
        dtype="float64",
        nullable=bool(np.isnan(values).any()),
        minimum=float(finite.min()) if finite.size else None,
        maximum=float(finite.max()) if finite.size else None,
    )
