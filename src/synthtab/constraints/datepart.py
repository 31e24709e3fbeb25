"""A number column that is a part of a datetime column: ``year`` is the year of ``time_hour``.

The model never sees the part column; after sampling it is computed from the datetime
as that decodes (rounded to its resolution, in its time zone), so the two always agree.

>>> import pandas as pd
>>> rule = DatePart("year", "when", part="year")
>>> when = pd.to_datetime(["2013-05-01", "2014-01-02"])
>>> rows = pd.DataFrame({"when": when, "year": [2013, 2013]})
>>> rule.is_valid(rows)
array([ True, False])
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from synthtab.constraints.base import (
    NUMBER_KINDS,
    CanonicalTable,
    ReversibleConstraint,
    constraint_registry,
    missing_columns,
    numbers_of,
    require_kinds,
)
from synthtab.encoding.columns import from_canonical, to_canonical
from synthtab.errors import InvalidParameterError
from synthtab.schema.spec import ColumnKind, TableSchema

#: The parts a rule can name, as pandas' ``Series.dt`` attributes.
PARTS = ("year", "quarter", "month", "day", "day_of_week", "day_of_year", "hour", "minute")


@constraint_registry.register(
    "date_part", description="number column = a part (year, month, ...) of a datetime column"
)
class DatePart(ReversibleConstraint):
    """``column`` equals ``part`` of ``date`` in every row where both are present."""

    kind = "date_part"
    reads_decoded_columns = True

    def __init__(self, column: str, date: str, *, part: str) -> None:
        if part not in PARTS:
            raise InvalidParameterError(
                f"DatePart('{column}', '{date}') has part {part!r}; choose one of {PARTS}."
            )
        if column == date:
            raise InvalidParameterError(f"DatePart('{column}', ...) needs another column.")
        self.column, self.date, self.part = column, date, part

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column, self.date)

    @property
    def rewrites(self) -> tuple[str, ...]:
        """Only the part column (computed after sampling)."""
        return (self.column,)

    def check_schema(self, schema: TableSchema) -> list[str]:
        problems = missing_columns(schema, self.columns, repr(self))
        problems += require_kinds(schema, (self.column,), NUMBER_KINDS, repr(self), "number")
        return problems + require_kinds(
            schema, (self.date,), {ColumnKind.DATETIME}, repr(self), "datetime"
        )

    def is_valid(self, df: pd.DataFrame, schema: TableSchema | None = None) -> np.ndarray:
        value = numbers_of(df, self.column, schema)
        seconds = numbers_of(df, self.date, schema)
        part = date_part(seconds, self.part, _zone(df[self.date].dtype))
        return (value == part) | np.isnan(value) | np.isnan(part)

    def transform(self, table: CanonicalTable) -> CanonicalTable:
        self.original(self.column)  # fitted
        table.values.pop(self.column)
        table.specs.pop(self.column)
        return table

    def inverse_transform(self, table: CanonicalTable) -> CanonicalTable:
        spec = table.specs[self.date]  # the datetime as its decoder will write it
        seconds = to_canonical(from_canonical(table.values[self.date], spec), spec)
        table.replace(self.date, seconds, spec)
        part = date_part(seconds, self.part, _zone(spec.dtype))
        table.replace(self.column, part, self.original(self.column))
        return table

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "column": self.column, "date": self.date, "part": self.part}

    def __repr__(self) -> str:
        return f"DatePart({self.column} = {self.part} of {self.date})"


def date_part(seconds: np.ndarray, part: str, zone: Any = None) -> np.ndarray:
    """``part`` of each epoch-seconds value (in ``zone`` when given), NaN where missing."""
    missing = np.isnan(seconds)
    stamps = pd.Series(np.where(missing, 0.0, seconds) * 1e9).astype("int64")
    dates = pd.to_datetime(stamps, unit="ns")
    if zone is not None:
        dates = dates.dt.tz_localize("UTC").dt.tz_convert(zone)
    values = getattr(dates.dt, part).to_numpy(dtype=np.float64)
    return np.where(missing, np.nan, values)


def _zone(dtype: Any) -> Any:
    """The time zone of a datetime dtype (None when naive: parts are read as written)."""
    resolved = pd.api.types.pandas_dtype(dtype) if isinstance(dtype, str) else dtype
    return getattr(resolved, "tz", None)
