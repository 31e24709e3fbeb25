"""What a user asks of the sampled rows: fixed values, ranges, or a mix of classes.

>>> Condition({"income": ">50K"})
Condition({'income': '>50K'})
>>> ClassMix("income", {">50K": 0.5, "<=50K": 0.5}).counts(5)
{'>50K': 3, '<=50K': 2}
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from synthtab.errors import ConditionError, did_you_mean
from synthtab.schema.datetimes import epoch_seconds
from synthtab.schema.spec import ColumnKind, ColumnSpec, TableSchema

_TOLERANCE = 1e-6


class Condition:
    """Rows whose columns take the given values, or fall in ``(low, high)`` ranges.

    Parameters
    ----------
    values:
        ``{column: value}`` for a fixed value, ``{column: (low, high)}`` for an
        inclusive range of a number or datetime column (either end may be None).
    n:
        Rows for this condition when several are asked at once,
        ``sample(300, conditions=[Condition(a, n=100), Condition(b, n=200)])``.

    Examples
    --------
    >>> Condition({"age": (30, 40), "sex": "Female"}).columns
    ['age', 'sex']
    """

    def __init__(self, values: Mapping[str, Any], *, n: int | None = None) -> None:
        if not isinstance(values, Mapping) or not values:
            raise ConditionError(
                "A Condition needs a non-empty mapping of column to value, "
                f"for example Condition({{'income': '>50K'}}). Got {values!r}."
            )
        if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n <= 0):
            raise ConditionError(f"A Condition's row count n must be a positive int. Got {n!r}.")
        self.values: dict[str, Any] = dict(values)
        self.n = n

    @property
    def columns(self) -> list[str]:
        """The conditioned columns."""
        return list(self.values)

    def __repr__(self) -> str:
        count = "" if self.n is None else f", n={self.n}"
        return f"Condition({self.values!r}{count})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Condition) and (self.values, self.n) == (other.values, other.n)

    def __hash__(self) -> int:
        return hash(tuple(sorted((k, repr(v)) for k, v in self.values.items())))

    def merged(self, other: Condition) -> Condition:
        """Both conditions at once; a column given twice must agree."""
        for column, value in other.values.items():
            if column in self.values and self.values[column] != value:
                raise ConditionError(
                    f"Column '{column}' is conditioned twice with different values: "
                    f"{self.values[column]!r} and {value!r}."
                )
        return Condition({**self.values, **other.values})

    def check(self, schema: TableSchema) -> None:
        """Raise :class:`ConditionError` if a column or value cannot be asked for."""
        for column, value in self.values.items():
            _check_one(schema, column, value)

    def canonical_bounds(self, schema: TableSchema) -> dict[str, tuple[float, float]]:
        """Per column, the inclusive interval of canonical values asked for.

        Labels become their code (``(k, k)``); numbers and datetimes (as epoch
        seconds) their range, open ends as infinities.
        """
        bounds = {}
        for column, value in self.values.items():
            spec = schema[column]
            if spec.kind.is_discrete:
                code = next(i for i, c in enumerate(spec.categories or ()) if _same_label(value, c))
                bounds[column] = (float(code), float(code))
                continue
            low, high = value if isinstance(value, tuple) else (value, value)
            low_n, high_n = _as_number(spec, low), _as_number(spec, high)
            bounds[column] = (
                -math.inf if low_n is None else low_n,
                math.inf if high_n is None else high_n,
            )
        return bounds

    def mask(self, df: pd.DataFrame, schema: TableSchema) -> np.ndarray:
        """Which rows of ``df`` meet every condition (vectorised)."""
        keep = np.ones(len(df), dtype=bool)
        for column, value in self.values.items():
            keep &= _column_mask(df[column], schema[column], value)
        return keep


class ClassMix:
    """A target mix of the classes of one discrete column.

    Parameters
    ----------
    column: the class column (categorical or boolean).
    proportions: ``{label: share}`` adding up to 1; labels left out get none.

    Examples
    --------
    >>> ClassMix("income", {">50K": 0.25, "<=50K": 0.75}).counts(8)
    {'>50K': 2, '<=50K': 6}
    """

    def __init__(self, column: str, proportions: Mapping[Any, float]) -> None:
        self.column = column
        self.proportions = dict(proportions)
        shares = list(self.proportions.values())
        if not shares or any(not _is_share(p) for p in shares):
            raise ConditionError(
                f"ClassMix proportions for '{column}' must be numbers in [0, 1]. "
                f"Got {self.proportions!r}."
            )
        total = float(sum(shares))
        if abs(total - 1.0) > _TOLERANCE:
            raise ConditionError(
                f"ClassMix proportions for '{column}' must add up to 1. Got {total:g} "
                f"from {self.proportions!r}."
            )

    def __repr__(self) -> str:
        return f"ClassMix({self.column!r}, {self.proportions!r})"

    def check(self, schema: TableSchema) -> None:
        """Raise :class:`ConditionError` for an unknown or non-discrete column or label."""
        spec = _known_column(schema, self.column)
        if not spec.kind.is_discrete:
            raise ConditionError(
                f"ClassMix needs a categorical or boolean column; '{self.column}' is "
                f"{spec.kind.value}. Use Condition with a range for numbers."
            )
        for label in self.proportions:
            _check_one(schema, self.column, label)

    def counts(self, n: int) -> dict[Any, int]:
        """Rows per label for ``n`` rows, by largest remainder (they add up to ``n``)."""
        labels = list(self.proportions)
        exact = np.array([self.proportions[label] * n for label in labels])
        counts = np.floor(exact).astype(np.int64)
        short = n - int(counts.sum())
        order = np.argsort(-(exact - counts), kind="stable")
        counts[order[:short]] += 1
        return {label: int(c) for label, c in zip(labels, counts, strict=True)}


def _is_share(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1


def _known_column(schema: TableSchema, column: str) -> ColumnSpec:
    if column not in schema:
        raise ConditionError(
            f"Cannot condition on '{column}': the table has no such column."
            f"{did_you_mean(column, schema.names)}"
        )
    spec = schema[column]
    if spec.kind.is_generated:
        raise ConditionError(
            f"Cannot condition on '{column}': it is {spec.kind.value} data, generated "
            "afresh for every row rather than learned."
        )
    return spec


def _check_one(schema: TableSchema, column: str, value: Any) -> None:
    spec = _known_column(schema, column)
    if spec.kind.is_discrete:
        if isinstance(value, tuple):
            raise ConditionError(
                f"Column '{column}' holds labels; a range {value!r} cannot apply. Give one label."
            )
        if not _label_known(spec, value):
            shown = ", ".join(repr(c) for c in (spec.categories or ())[:10])
            raise ConditionError(
                f"Cannot condition on {column} == {value!r}: that value never occurs in the "
                f"training data. Known values: {shown}"
                f"{' ...' if len(spec.categories or ()) > 10 else ''}."
            )
        return
    low, high = value if isinstance(value, tuple) else (value, value)
    _check_bounds(spec, low, high)


def _label_known(spec: ColumnSpec, value: Any) -> bool:
    return any(_same_label(value, c) for c in spec.categories or ())


def _same_label(value: Any, label: Any) -> bool:
    if isinstance(value, str) or isinstance(label, str):
        return str(value) == str(label)
    try:
        return bool(value == label)
    except (TypeError, ValueError):
        return False


def _check_bounds(spec: ColumnSpec, low: Any, high: Any) -> None:
    low_n, high_n = _as_number(spec, low), _as_number(spec, high)
    if low_n is not None and high_n is not None and low_n > high_n:
        raise ConditionError(f"The range for '{spec.name}' has low {low!r} above high {high!r}.")
    lo = -math.inf if low_n is None else low_n
    hi = math.inf if high_n is None else high_n
    seen_lo = -math.inf if spec.minimum is None else spec.minimum
    seen_hi = math.inf if spec.maximum is None else spec.maximum
    if hi < seen_lo or lo > seen_hi:
        raise ConditionError(
            f"Cannot condition on '{spec.name}' in [{low!r}, {high!r}]: training values lie "
            f"in [{_show(spec, spec.minimum)}, {_show(spec, spec.maximum)}] and sampled "
            "values never leave that range."
        )


def _as_number(spec: ColumnSpec, value: Any) -> float | None:
    if value is None:
        return None
    if spec.kind is ColumnKind.DATETIME:
        try:
            stamp = pd.Timestamp(value)
        except (TypeError, ValueError):
            raise ConditionError(
                f"Cannot read {value!r} as a date for column '{spec.name}'."
            ) from None
        return float(epoch_seconds(pd.Series([stamp]))[0])
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise ConditionError(
            f"Column '{spec.name}' holds numbers; got {value!r} ({type(value).__name__})."
        )
    return float(value)


def _show(spec: ColumnSpec, value: float | None) -> str:
    if value is None:
        return "?"
    if spec.kind is ColumnKind.DATETIME:
        return str(pd.Timestamp(value, unit="s"))
    return f"{value:g}"


def _column_mask(series: pd.Series, spec: ColumnSpec, value: Any) -> np.ndarray:
    if spec.kind.is_discrete:
        return _label_mask(series, value)
    if spec.kind is ColumnKind.DATETIME:
        from synthtab.encoding.columns import to_canonical

        numbers = to_canonical(series, spec)
    else:
        numbers = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    low, high = value if isinstance(value, tuple) else (value, value)
    low_n, high_n = _as_number(spec, low), _as_number(spec, high)
    keep = ~np.isnan(numbers)
    if low_n is not None:
        keep &= numbers >= low_n
    if high_n is not None:
        keep &= numbers <= high_n
    return keep


def _label_mask(series: pd.Series, value: Any) -> np.ndarray:
    if isinstance(value, str):
        return (series.astype("string") == value).fillna(False).to_numpy(dtype=bool)
    return (series == value).fillna(False).to_numpy(dtype=bool)
