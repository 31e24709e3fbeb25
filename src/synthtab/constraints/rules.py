"""Numeric rules enforced by reparametrisation: every model output obeys them.

=================  =====================================  ================================
rule               transform before fitting               inverse after sampling
=================  =====================================  ================================
Inequality         high -> log(high - low + offset)       high = low + max(exp(z) - offset, 0)
Range              x -> logit((x - low) / (high - low))   x = low + (high - low) sigmoid(z)
Positive           x -> log(x + offset)                   x = max(exp(z) - offset, 0)
Negative           x -> log(-x + offset)                  x = -max(exp(z) - offset, 0)
=================  =====================================  ================================

``offset`` is one rounding step (1 for integers and datetimes in seconds,
``10**-decimals`` for rounded numbers) so that equal values stay possible; a
strict rule adds one step after the inverse instead, so rounding cannot make
the two sides equal.

>>> import pandas as pd
>>> Inequality("start", "end").is_valid(pd.DataFrame({"start": [1, 5], "end": [2, 4]}))
array([ True, False])
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from synthtab.constraints.base import (
    NUMBER_KINDS,
    ORDERED_KINDS,
    CanonicalTable,
    ReversibleConstraint,
    State,
    constraint_registry,
    missing_columns,
    numbers_of,
    require_kinds,
    working_spec,
)
from synthtab.errors import InvalidParameterError
from synthtab.schema.spec import ColumnKind, ColumnSpec, TableSchema

_EDGE = 1e-9  # keeps the logit finite at the ends of a range


def _step(spec: ColumnSpec) -> float:
    """The smallest difference that rounding keeps (a tiny one at full precision)."""
    return spec.rounding_step or 1e-9


def _round_like(values: np.ndarray, spec: ColumnSpec) -> np.ndarray:
    """Round canonical values the way the column's exact decoder will."""
    if spec.kind is ColumnKind.DATETIME:
        step = spec.rounding_step
        return np.round(values / step) * step
    decimals = 0 if spec.kind is ColumnKind.INTEGER else spec.decimals
    return values if decimals is None else np.round(values, decimals)


def _missing_passes(valid: np.ndarray, *columns: np.ndarray) -> np.ndarray:
    present = np.logical_and.reduce([~np.isnan(c) for c in columns])
    return np.where(present, valid, True)


def _log_gap(gap: np.ndarray, offset: float) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(np.maximum(gap, 0.0) + offset)


def _gap(z: np.ndarray, offset: float) -> np.ndarray:
    with np.errstate(over="ignore"):
        return np.maximum(np.exp(np.minimum(z, 700.0)) - offset, 0.0)


@constraint_registry.register("inequality", description="low <= high (or <) in every row")
class Inequality(ReversibleConstraint):
    """``low <= high`` in every row (``low < high`` when ``strict``); numbers or datetimes.

    Examples
    --------
    >>> Inequality("mean radius", "worst radius").columns
    ('mean radius', 'worst radius')
    """

    kind = "inequality"

    def __init__(self, low: str, high: str, *, strict: bool = False) -> None:
        self.low, self.high, self.strict = low, high, bool(strict)

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.low, self.high)

    @property
    def rewrites(self) -> tuple[str, ...]:
        """Only ``high`` is rewritten (as its log gap above ``low``)."""
        return (self.high,)

    def check_schema(self, schema: TableSchema) -> list[str]:
        rule = repr(self)
        problems = missing_columns(schema, self.columns, rule)
        problems += require_kinds(schema, self.columns, ORDERED_KINDS, rule, "number or datetime")
        kinds = {schema[c].kind is ColumnKind.DATETIME for c in self.columns if c in schema}
        if not problems and len(kinds) == 2:
            problems.append(f"{rule} compares a datetime with a number.")
        return problems

    def is_valid(self, df: pd.DataFrame, schema: TableSchema | None = None) -> np.ndarray:
        low, high = numbers_of(df, self.low, schema), numbers_of(df, self.high, schema)
        with np.errstate(invalid="ignore"):
            valid = high > low if self.strict else high >= low
        return _missing_passes(valid, low, high)

    reference_: float | None = None  # below every high: the base of a row whose low is missing

    def _learn(self, table: CanonicalTable) -> None:
        high = table.values[self.high]
        self.reference_ = float(np.nanmin(high)) if np.isfinite(high).any() else 0.0

    def _base(self, low: np.ndarray) -> np.ndarray:
        """Each row's low, or the reference where the low is missing, so that a missing
        low does not make the high missing too (a file from before keeps NaN there)."""
        if self.reference_ is None:
            return low
        return np.where(np.isnan(low), self.reference_, low)

    def transform(self, table: CanonicalTable) -> CanonicalTable:
        offset = _step(self.original(self.high))
        z = _log_gap(table.values[self.high] - self._base(table.values[self.low]), offset)
        table.replace(self.high, z, working_spec(self.original(self.high), z))
        return table

    def inverse_transform(self, table: CanonicalTable) -> CanonicalTable:
        step = _step(self.original(self.high))
        gap = _gap(table.values[self.high], step)
        if self.strict:
            gap = np.maximum(gap, step)
        # Round low as its decoder will, so rounding cannot push it past high.
        low = _round_like(table.values[self.low], table.specs[self.low])
        table.replace(self.low, low, table.specs[self.low])
        table.replace(self.high, self._base(low) + gap, self.original(self.high))
        return table

    def _state(self) -> State:
        return {"reference": self.reference_}

    def _load(self, state: State) -> None:
        reference = state.get("reference")
        self.reference_ = None if reference is None else float(reference)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "low": self.low, "high": self.high, "strict": self.strict}


class OneNumberRule(ReversibleConstraint):
    """Shared body of the rules on one number column."""

    column: str

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def check_schema(self, schema: TableSchema) -> list[str]:
        problems = missing_columns(schema, self.columns, repr(self))
        return problems + require_kinds(schema, self.columns, NUMBER_KINDS, repr(self), "number")


@constraint_registry.register("range", description="low <= column <= high")
class Range(OneNumberRule):
    """``low <= column <= high`` with fixed bounds, enforced through a logit.

    Examples
    --------
    >>> Range("age", 0, 120).columns
    ('age',)
    """

    kind = "range"

    def __init__(self, column: str, low: float, high: float) -> None:
        if not (np.isfinite(low) and np.isfinite(high)) or low >= high:
            raise InvalidParameterError(
                f"Range('{column}', {low!r}, {high!r}) needs finite bounds with low < high."
            )
        self.column, self.low, self.high = column, float(low), float(high)

    def is_valid(self, df: pd.DataFrame, schema: TableSchema | None = None) -> np.ndarray:
        x = numbers_of(df, self.column, schema)
        with np.errstate(invalid="ignore"):
            return _missing_passes((x >= self.low) & (x <= self.high), x)

    def transform(self, table: CanonicalTable) -> CanonicalTable:
        from scipy.special import logit

        scaled = (table.values[self.column] - self.low) / (self.high - self.low)
        z = logit(np.clip(scaled, _EDGE, 1.0 - _EDGE))
        table.replace(self.column, z, working_spec(self.original(self.column), z))
        return table

    def inverse_transform(self, table: CanonicalTable) -> CanonicalTable:
        from scipy.special import expit

        x = self.low + (self.high - self.low) * expit(table.values[self.column])
        table.replace(self.column, x, self._inner_spec())
        return table

    def _inner_spec(self) -> ColumnSpec:
        spec = self.original(self.column)
        low = max(self.low, spec.minimum) if spec.minimum is not None else self.low
        high = min(self.high, spec.maximum) if spec.maximum is not None else self.high
        return spec.with_changes(minimum=low, maximum=high)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "column": self.column, "low": self.low, "high": self.high}


class _Signed(OneNumberRule):
    """Shared body of Positive and Negative: a log of the distance from zero."""

    sign: float

    def __init__(self, column: str, *, strict: bool = False) -> None:
        self.column, self.strict = column, bool(strict)

    def is_valid(self, df: pd.DataFrame, schema: TableSchema | None = None) -> np.ndarray:
        x = self.sign * numbers_of(df, self.column, schema)
        with np.errstate(invalid="ignore"):
            return _missing_passes(x > 0 if self.strict else x >= 0, x)

    def transform(self, table: CanonicalTable) -> CanonicalTable:
        spec = self.original(self.column)
        z = _log_gap(self.sign * table.values[self.column], _step(spec))
        table.replace(self.column, z, working_spec(spec, z))
        return table

    def inverse_transform(self, table: CanonicalTable) -> CanonicalTable:
        step = _step(self.original(self.column))
        distance = _gap(table.values[self.column], step)
        if self.strict:
            distance = np.maximum(distance, step)
        table.replace(self.column, self.sign * distance, self.original(self.column))
        return table

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "column": self.column, "strict": self.strict}


@constraint_registry.register("positive", description="column >= 0 (or > 0)")
class Positive(_Signed):
    """``column >= 0`` in every row (``> 0`` when ``strict``)."""

    kind = "positive"
    sign = 1.0


@constraint_registry.register("negative", description="column <= 0 (or < 0)")
class Negative(_Signed):
    """``column <= 0`` in every row (``< 0`` when ``strict``)."""

    kind = "negative"
    sign = -1.0
