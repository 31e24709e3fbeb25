"""Metric building blocks: families, directions, results, the registry, the context.

A metric is a registered class with a ``compute(ctx)`` method returning one or
more :class:`MetricResult`. The :class:`EvalContext` carries the tables and
cached helpers (numeric matrices for distances, subsamples) shared by metrics.

>>> from synthtab.evaluation.base import metric_registry
>>> "column_shapes" in metric_registry.names() or True
True
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from synthtab.registry import Registry
from synthtab.schema.datetimes import epoch_seconds
from synthtab.schema.spec import ColumnKind

#: Kinds compared as numbers (datetimes in epoch seconds).
ORDERED_KINDS = frozenset({ColumnKind.NUMERIC, ColumnKind.INTEGER, ColumnKind.DATETIME})


class Family(StrEnum):
    """Which question a metric answers."""

    FIDELITY = "fidelity"
    UTILITY = "utility"
    PRIVACY = "privacy"
    VALIDITY = "validity"


class Direction(StrEnum):
    """Whether a higher, lower, or a target score is better."""

    HIGHER = "higher"
    LOWER = "lower"
    TARGET = "target"


@dataclass
class MetricResult:
    """One computed figure, with its per-column/pair details and secondary figures."""

    name: str
    family: Family
    score: float
    direction: Direction
    target: float | None = None
    details: pd.DataFrame | None = None
    extra: dict[str, float] = field(default_factory=dict)
    note: str = ""


def is_numeric(series: pd.Series) -> bool:
    """True for numeric (not boolean) and datetime columns."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return False
    return pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype)


def as_float(series: pd.Series) -> np.ndarray:
    """A column as float64 (datetimes in epoch seconds, nulls NaN)."""
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return epoch_seconds(series)
    return series.astype("float64").to_numpy("float64", na_value=np.nan)


def as_labels(series: pd.Series) -> np.ndarray:
    """A column as strings, nulls as the label '<missing>'."""
    return series.astype("object").where(series.notna(), "<missing>").astype(str).to_numpy()


@dataclass(frozen=True)
class RawTables:
    """The tables as given, before the schema's preparation, and the columns left out
    of the metrics (name -> why); the copied-values check reads them."""

    real: pd.DataFrame
    synthetic: pd.DataFrame
    holdout: pd.DataFrame | None = None
    excluded: dict[str, str] = field(default_factory=dict)


@dataclass
class EvalContext:
    """Everything a metric needs: the tables, target, schema, rng and caches."""

    real: pd.DataFrame
    synthetic: pd.DataFrame
    holdout: pd.DataFrame | None = None
    target: str | None = None
    schema: Any = None
    rng: np.random.Generator = field(default_factory=lambda: np.random.default_rng(0))
    constraints: list[Any] = field(default_factory=list)
    history: dict[str, list[float]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    raw: RawTables | None = None
    cache: dict[str, Any] = field(default_factory=dict, repr=False)
    _matrix_cache: dict[int, tuple[pd.DataFrame, np.ndarray]] = field(
        default_factory=dict, repr=False
    )

    @property
    def numeric_columns(self) -> list[str]:
        """Columns compared as numbers: numbers and datetimes by the schema's kind (a
        0/1 column or a constant one is a label there, whatever its dtype)."""
        return [c for c in self.real.columns if self._compared_as_number(c)]

    @property
    def categorical_columns(self) -> list[str]:
        """Columns compared as labels."""
        return [c for c in self.real.columns if not self._compared_as_number(c)]

    def _compared_as_number(self, column: str) -> bool:
        spec = self.schema[column] if self.schema is not None and column in self.schema else None
        ordered = spec is None or spec.kind in ORDERED_KINDS
        return ordered and is_numeric(self.real[column])

    def frames(self) -> list[pd.DataFrame]:
        """Real, synthetic and (if given) holdout frames."""
        out = [self.real, self.synthetic]
        return out + ([self.holdout] if self.holdout is not None else [])

    def raw_tables(self) -> RawTables:
        """The tables as given (the prepared ones when no raw tables were kept)."""
        return self.raw or RawTables(self.real, self.synthetic, self.holdout)

    def numeric_matrix(self, frame: pd.DataFrame) -> np.ndarray:
        """Min-max scaled numbers (bounds from real) + one-hot labels (union of categories).

        Missing numbers become -1 after scaling so that they sit apart from observed ones.
        """
        # the cache holds the frame itself, so its id cannot be reused by another table
        cached = self._matrix_cache.get(id(frame))
        if cached is None or cached[0] is not frame:
            cached = (frame, self._build_matrix(frame))
            self._matrix_cache[id(frame)] = cached
        return cached[1]

    def _build_matrix(self, frame: pd.DataFrame) -> np.ndarray:
        blocks = []
        for col in self.numeric_columns:
            ref = as_float(self.real[col])
            lo, hi = np.nanmin(ref), np.nanmax(ref)
            scaled = (as_float(frame[col]) - lo) / (hi - lo if hi > lo else 1.0)
            blocks.append(np.nan_to_num(scaled, nan=-1.0)[:, None])
        for col in self.categorical_columns:
            cats = np.unique(np.concatenate([as_labels(f[col]) for f in self.frames()]))
            codes = np.searchsorted(cats, as_labels(frame[col]))
            blocks.append(np.eye(len(cats), dtype="float64")[codes])
        return np.hstack(blocks) if blocks else np.zeros((len(frame), 0))

    def subsample(self, frame: pd.DataFrame, n: int) -> pd.DataFrame:
        """At most ``n`` rows of ``frame``, drawn without replacement with the ctx rng."""
        if len(frame) <= n:
            return frame
        rows = np.sort(self.rng.choice(len(frame), size=n, replace=False))
        return frame.iloc[rows]


class Metric(ABC):
    """A registered metric: ``compute(ctx)`` returns one or more results."""

    name: str = ""
    family: Family = Family.FIDELITY
    direction: Direction = Direction.HIGHER
    target: float | None = None
    #: The closed range its headline score (the first result) lies in; the contract checks it.
    bounds: tuple[float, float] = (0.0, 1.0)

    @abstractmethod
    def compute(self, ctx: EvalContext) -> MetricResult | list[MetricResult]:
        """Compute the metric on ``ctx``."""

    def result(self, score: float, **kwargs: Any) -> MetricResult:
        """A :class:`MetricResult` carrying this metric's name, family and direction."""
        return MetricResult(
            self.name, self.family, float(score), self.direction, self.target, **kwargs
        )


metric_registry: Registry[Metric] = Registry("metric")
