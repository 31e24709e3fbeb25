"""Quick fidelity checks: per-column statistics and the correlation gap.

These are the small, always-available comparisons the CLI demo prints. A
column counts as *numeric* when its dtype is numeric and not boolean;
datetimes count as numeric (in seconds since the epoch); everything else
(strings, categories, booleans) counts as *categorical*.

>>> import pandas as pd
>>> real = pd.DataFrame({"x": [1.0, 2.0, 3.0], "c": ["a", "a", "b"]})
>>> fake = pd.DataFrame({"x": [1.0, 2.0, 6.0], "c": ["a", "b", "b"]})
>>> compare_columns(real, fake).loc["c", "tv_distance"].round(3)
np.float64(0.333)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthtab.errors import DataValidationError
from synthtab.schema.datetimes import epoch_seconds

#: The columns of the frame :func:`compare_columns` returns, in order.
COMPARISON_COLUMNS = [
    "kind",
    "real_mean",
    "synthetic_mean",
    "relative_difference",
    "real_std",
    "synthetic_std",
    "tv_distance",
]


def _is_numeric(series: pd.Series) -> bool:
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return False
    return pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype)


def _as_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """Numeric columns as float64, datetimes as epoch seconds, nulls as NaN."""
    out = {}
    for name, col in frame.items():
        if pd.api.types.is_datetime64_any_dtype(col.dtype):
            out[name] = epoch_seconds(col)
        else:
            out[name] = col.astype("float64")
    return pd.DataFrame(out, index=frame.index)


def _check(real: pd.DataFrame, synthetic: pd.DataFrame) -> None:
    problems = []
    for what, frame in (("real", real), ("synthetic", synthetic)):
        if not isinstance(frame, pd.DataFrame):
            problems.append(f"the {what} table is a {type(frame).__name__}, not a DataFrame")
        elif len(frame) == 0:
            problems.append(f"the {what} table has no rows")
    if not problems:
        missing = [c for c in real.columns if c not in synthetic.columns]
        if missing:
            problems.append(f"the synthetic table lacks the real columns {missing}")
        mixed = [
            c
            for c in real.columns
            if c in synthetic.columns and _is_numeric(real[c]) != _is_numeric(synthetic[c])
        ]
        if mixed:
            problems.append(f"these columns are numeric in one table and not in the other: {mixed}")
    if problems:
        raise DataValidationError(problems, what="The comparison")


def compare_columns(real: pd.DataFrame, synthetic: pd.DataFrame) -> pd.DataFrame:
    """Compare each column of ``real`` with the same column of ``synthetic``.

    Returns one row per column of ``real`` (index: the column name) with
    ``kind`` ("numeric" or "categorical"); for numeric columns ``real_mean``,
    ``synthetic_mean``, ``relative_difference`` = (synthetic - real) / |real|
    of the means (NaN when the real mean is 0), ``real_std`` and
    ``synthetic_std``; for categorical columns ``tv_distance``, the total
    variation distance between the label shares (0 = same shares, 1 =
    disjoint labels; missing values count as a label). Nulls are skipped in
    means and standard deviations.

    Raises
    ------
    DataValidationError: a table is empty or not a DataFrame, the synthetic
        table lacks a real column, or a column is numeric in only one table.

    Examples
    --------
    >>> real = pd.DataFrame({"x": [1.0, 3.0]})
    >>> compare_columns(real, pd.DataFrame({"x": [2.0, 6.0]}))["relative_difference"].item()
    1.0
    """
    _check(real, synthetic)
    names = list(real.columns)
    numeric = [c for c in names if _is_numeric(real[c])]
    out = pd.DataFrame(np.nan, index=pd.Index(names, name="column"), columns=COMPARISON_COLUMNS[1:])
    out.insert(0, "kind", ["numeric" if c in numeric else "categorical" for c in names])
    if numeric:
        r, s = _as_numbers(real[numeric]), _as_numbers(synthetic[numeric])
        real_mean, syn_mean = r.mean(), s.mean()
        scale = real_mean.abs().where(real_mean != 0)
        out.loc[numeric, COMPARISON_COLUMNS[1:6]] = np.column_stack(
            [real_mean, syn_mean, (syn_mean - real_mean) / scale, r.std(), s.std()]
        )
    for name in (c for c in names if c not in numeric):
        out.loc[name, "tv_distance"] = _tv_distance(real[name], synthetic[name])
    return out


def _tv_distance(real: pd.Series, synthetic: pd.Series) -> float:
    """Half the L1 distance between the label shares of two series."""
    # compare labels as objects so that "a" (str dtype) and "a" (object) match
    p = real.astype(object).value_counts(normalize=True, dropna=False)
    q = synthetic.astype(object).value_counts(normalize=True, dropna=False)
    p, q = p.align(q, fill_value=0.0)
    return float(0.5 * np.abs(p.to_numpy(float) - q.to_numpy(float)).sum())


def correlation_difference(real: pd.DataFrame, synthetic: pd.DataFrame) -> float:
    """Mean absolute difference between the Pearson correlations of the numeric columns.

    Uses the upper triangle (each pair once) of the correlation matrices of
    the columns that are numeric in ``real``. A correlation that is undefined
    (a constant column) counts as 0. Returns NaN when there are fewer than two
    numeric columns. 0 means the pairwise linear relations are reproduced
    exactly; the maximum is 2.

    Examples
    --------
    >>> real = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [1.0, 2.0, 3.0]})
    >>> correlation_difference(real, pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [3.0, 2.0, 1.0]}))
    2.0
    """
    _check(real, synthetic)
    numeric = [c for c in real.columns if _is_numeric(real[c])]
    if len(numeric) < 2:
        return float("nan")
    r = _as_numbers(real[numeric]).corr().fillna(0.0).to_numpy()
    s = _as_numbers(synthetic[numeric]).corr().fillna(0.0).to_numpy()
    upper = np.triu_indices(len(numeric), k=1)
    return float(np.abs(r[upper] - s[upper]).mean())
