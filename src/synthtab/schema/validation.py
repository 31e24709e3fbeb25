"""Input checks that report every problem of a table at once, with what to do.

>>> import pandas as pd
>>> validate_table(pd.DataFrame({"a": [1.0, float("inf")], "b": [None, None]}))
Traceback (most recent call last):
...
synthtab.errors.DataValidationError: The input table has 2 problems:
  - column 'a' holds 1 infinite value(s); ...
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from synthtab.errors import DataValidationError, SchemaMismatchError
from synthtab.schema.spec import ColumnKind, TableSchema

_EXAMPLES = 5


def validate_table(df: Any) -> None:
    """Raise :class:`DataValidationError` listing every reason ``df`` cannot be learned."""
    if not isinstance(df, pd.DataFrame):
        raise DataValidationError([f"expected a pandas DataFrame, got {type(df).__name__}"])
    problems = _table_problems(df)
    if not problems:
        for name in df.columns:
            problems += _column_problems(name, df[name])
    if problems:
        raise DataValidationError(problems)


def _table_problems(df: pd.DataFrame) -> list[str]:
    problems = []
    if df.shape[1] == 0:
        problems.append("it has no columns")
    if len(df) == 0:
        problems.append("it has no rows; a model needs at least 2 rows to learn from")
    elif len(df) == 1:
        problems.append("it has a single row; a model needs at least 2 rows to learn from")
    names = list(df.columns)
    dupes = sorted({str(n) for n in names if names.count(n) > 1})
    if dupes:
        problems.append(f"these column names appear more than once: {dupes}; rename them")
    odd = [n for n in names if not isinstance(n, str)]
    if odd:
        problems.append(
            f"column names must be strings; got {odd[:_EXAMPLES]!r}. Rename them, e.g. "
            "df.columns = df.columns.map(str)"
        )
    return problems


def _column_problems(name: str, series: pd.Series) -> list[str]:
    dtype = series.dtype
    if (
        pd.api.types.is_complex_dtype(dtype)
        or isinstance(dtype, pd.PeriodDtype | pd.IntervalDtype)
        or pd.api.types.is_timedelta64_dtype(dtype)
    ):
        return [
            f"column '{name}' has dtype {dtype}, which synthtab does not model; convert it "
            "to numbers (e.g. durations to seconds) or drop it"
        ]
    if series.isna().all():
        return [f"column '{name}' is missing in every row; drop it before fitting"]
    values = series.dropna()
    if pd.api.types.is_object_dtype(dtype):
        containers = _container_problems(name, values)
        if containers:
            return containers
    problems = []
    if pd.api.types.is_float_dtype(dtype):
        infinite = int(np.isinf(values.to_numpy(dtype=np.float64)).sum())
        if infinite:
            problems.append(
                f"column '{name}' holds {infinite} infinite value(s); replace them with NaN "
                "(df.replace([np.inf, -np.inf], np.nan)) or drop those rows"
            )
    if pd.api.types.is_object_dtype(dtype):
        problems += _mixed_type_problems(name, values)
    return problems


def _container_problems(name: str, values: pd.Series) -> list[str]:
    kinds = sorted({type(v).__name__ for v in values if not _is_hashable(v)})
    if not kinds:
        return []
    return [
        f"column '{name}' holds {'/'.join(kinds)} values, which synthtab cannot model; "
        f"flatten them into their own columns, or turn them into text, e.g. "
        f"df['{name}'] = df['{name}'].astype(str)"
    ]


def _is_hashable(value: object) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


#: pandas' own type inference (C, stops early) answers "one type" for these at once.
_ONE_FAMILY = frozenset({"string", "integer", "floating", "boolean", "empty"})


def _mixed_type_problems(name: str, values: pd.Series) -> list[str]:
    if pd.api.types.infer_dtype(values, skipna=True) in _ONE_FAMILY:
        return []  # one type: no per-value pass (0.7 s on adult's nine text columns)
    kinds = values.map(_type_family)
    counts = kinds.value_counts()
    if len(counts) <= 1:
        return []
    examples = ", ".join(
        f"{family}: {_plain(values[kinds == family].iloc[0])!r}" for family in counts.index
    )
    shares = ", ".join(f"{count} {family}" for family, count in counts.items())
    return [
        f"column '{name}' mixes types ({shares}; e.g. {examples}); cast it to one type, "
        f"e.g. df['{name}'] = df['{name}'].astype(str)"
    ]


def _plain(value: object) -> object:
    return value.item() if isinstance(value, np.generic) else value


def _type_family(value: object) -> str:
    if isinstance(value, bool | np.bool_):
        return "bool"
    if isinstance(value, int | float | np.number):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, pd.Timestamp | np.datetime64):
        return "datetime"
    return type(value).__name__


def validate_against_schema(df: Any, schema: TableSchema) -> None:
    """Raise :class:`SchemaMismatchError` listing every way ``df`` departs from ``schema``."""
    if not isinstance(df, pd.DataFrame):
        raise SchemaMismatchError([f"expected a pandas DataFrame, got {type(df).__name__}"])
    problems = []
    missing = [n for n in schema.names if n not in df.columns]
    extra = [n for n in df.columns if n not in schema]
    if missing:
        problems.append(f"columns in the schema but not in the table: {missing}")
    if extra:
        problems.append(f"columns in the table but not in the schema: {extra}")
    for spec in schema:
        if spec.name not in df.columns:
            continue
        values = df[spec.name].dropna()
        if df[spec.name].isna().any() and not spec.nullable:
            problems.append(f"column '{spec.name}' has missing values but is not nullable")
        if spec.kind.is_discrete:
            known = {str(c) for c in spec.categories or ()}
            unseen = values[~values.astype(str).isin(known)].unique()[:_EXAMPLES]
            if len(unseen):
                problems.append(
                    f"column '{spec.name}' has labels not in the schema: {list(unseen)}"
                )
        elif spec.kind in (ColumnKind.NUMERIC, ColumnKind.INTEGER):
            numbers = pd.to_numeric(values, errors="coerce")
            bad = values[numbers.isna()].unique()[:_EXAMPLES]
            if len(bad):
                problems.append(
                    f"column '{spec.name}' has values that are not numbers: {list(bad)}"
                )
    if problems:
        raise SchemaMismatchError(problems, what="Against its schema, the table")
