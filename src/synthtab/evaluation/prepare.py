"""The tables the metrics compare, read through the schema (the model's, or inferred).

Metrics look at dtypes, so the schema's knowledge is applied first:

* identifiers and personal data are generated afresh, not learned: they are left
  out of fidelity, utility and distance metrics (comparing fresh emails with real
  ones measures nothing, and one-hot coding them costs gigabytes), and reported;
* dates stored as text (``31/12/2024``, YYYYMMDD numbers) are parsed, so that they
  are compared as instants, not as thousands of labels;
* a label column with more than :data:`MAX_LABELS` labels keeps its most frequent
  real labels and folds the rest into ``<other>``, so one-hot widths stay bounded.

>>> import pandas as pd
>>> from synthtab.schema import infer_schema
>>> real = pd.DataFrame({"id": range(100), "day": ["01/02/2024", "03/02/2024"] * 50,
...                      "x": [1.0, 2.0] * 50})
>>> prepared = prepare_tables(real, real, None, infer_schema(real))
>>> prepared.excluded
{'id': 'identifier: generated afresh, not learned'}
>>> prepared.real["day"].dtype.kind  # datetimes (us under pandas 3, ns under pandas 2)
'M'
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from synthtab.errors import DataValidationError
from synthtab.schema.datetimes import parse_datetimes
from synthtab.schema.spec import ColumnKind, TableSchema

#: Labels kept per column; rarer ones are compared together as ``<other>``.
MAX_LABELS = 50
OTHER = "<other>"


@dataclass
class Prepared:
    """The frames the metrics see, and what was done to get them."""

    real: pd.DataFrame
    synthetic: pd.DataFrame
    holdout: pd.DataFrame | None
    excluded: dict[str, str] = field(default_factory=dict)
    parsed: list[str] = field(default_factory=list)
    capped: dict[str, int] = field(default_factory=dict)

    def notes(self) -> list[str]:
        """One plain sentence per kind of change, for the report."""
        out = []
        if self.excluded:
            out.append(
                "left out of fidelity, utility and distance metrics (generated afresh, not "
                f"learned): {', '.join(self.excluded)}"
            )
        if self.parsed:
            shown = ", ".join(self.parsed)
            out.append(f"dates stored as text or numbers compared as dates: {shown}")
        if self.capped:
            shown = ", ".join(f"{c} ({n:,} labels)" for c, n in self.capped.items())
            out.append(
                f"labels past the {MAX_LABELS - 1} most frequent compared together as "
                f"'{OTHER}': {shown}"
            )
        return out


def prepare_tables(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    holdout: pd.DataFrame | None,
    schema: TableSchema,
    *,
    target: str | None = None,
    max_labels: int = MAX_LABELS,
) -> Prepared:
    """The frames to compare: generated columns out, text dates parsed, labels capped."""
    specs = {c.name: c for c in schema}
    excluded = {
        name: f"{spec.kind.value}: generated afresh, not learned"
        for name, spec in specs.items()
        if spec.kind.is_generated and name in real.columns
    }
    if target is not None and target in excluded:
        raise DataValidationError(
            [
                f"the target '{target}' is {specs[target].kind.value} data, generated afresh "
                "rather than learned, so no model can predict it; choose a learned column"
            ],
            what="The evaluation input",
        )
    kept = [c for c in real.columns if c not in excluded]
    if not kept:
        raise DataValidationError(
            [
                "every column is an identifier or personal data (generated afresh, not "
                f"learned): {', '.join(map(str, real.columns))}; there is nothing to compare"
            ],
            what="The evaluation input",
        )
    frames = [f[kept].copy() if f is not None else None for f in (real, synthetic, holdout)]
    parsed = [c for c in kept if c in specs and _stored_as_text_dates(real[c], specs[c].kind)]
    for name in parsed:
        fmt = specs[name].datetime_format
        for frame in frames:
            if frame is not None:
                frame[name] = parse_datetimes(frame[name], fmt)
    capped = {}
    for name in kept:
        if name == target or name in parsed or _compared_as_number(real[name]):
            continue
        labels = real[name].value_counts()  # not a parsed column: as given
        if len(labels) > max_labels:
            capped[name] = len(labels)
            keep = set(labels.index[: max_labels - 1])
            for frame in frames:
                if frame is not None:
                    frame[name] = _folded(frame[name], keep)
    return Prepared(frames[0], frames[1], frames[2], excluded, parsed, capped)


def _stored_as_text_dates(series: pd.Series, kind: ColumnKind) -> bool:
    return kind is ColumnKind.DATETIME and not pd.api.types.is_datetime64_any_dtype(series.dtype)


def _compared_as_number(series: pd.Series) -> bool:
    dtype = series.dtype
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return True
    return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)


def _folded(series: pd.Series, keep: set[object]) -> pd.Series:
    values = series.astype(object)
    folded = np.where(series.isin(keep) | series.isna(), values, OTHER)
    return pd.Series(folded, index=series.index, dtype=object).where(series.notna(), None)
