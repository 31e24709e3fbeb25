"""Statistics of a Parquet dataset larger than memory, by map/reduce with dask.dataframe.

:func:`~synthtab.io.dask.fit_from_dataset` fits a model on a uniform sample,
but a sample misses rare labels and the extremes of numbers. Two passes over
every row fix what the statistical models learn from the marginals:

1. before the fit, every label of each categorical column (ordered by its
   count over all rows) and every numeric column's minimum and maximum become
   the schema, so the encoder knows labels the sample never saw;
2. after the fit, a model that can (its ``refit_marginals`` hook: today
   ``marginals`` and ``copula``) takes its per-feature marginal distributions
   from all rows: the rows are encoded partition by partition and reduced to
   exact quantiles and label counts (:class:`DaskMarginals`). The copula keeps
   the dependence it learned from the sample.

>>> facts = full_scan_facts(frame, sample)  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from synthtab.models.quantiles import QuantileGrid
from synthtab.schema import infer_schema
from synthtab.schema.spec import ColumnKind


def full_scan_facts(
    frame: Any, sample: pd.DataFrame, *, scheduler: Any = "threads"
) -> dict[str, dict[str, Any]]:
    """Schema facts over all rows: label sets (most frequent first) and numeric bounds."""
    import dask

    schema = infer_schema(sample)
    labels = [s.name for s in schema if s.kind is ColumnKind.CATEGORICAL]
    numbers = [s.name for s in schema if s.kind in (ColumnKind.NUMERIC, ColumnKind.INTEGER)]
    parts = frame[labels + numbers].to_delayed()
    # per-partition reductions combined here: no shuffle, so any scheduler will do
    local = dask.compute(
        *[dask.delayed(_part_facts)(p, labels, numbers) for p in parts], scheduler=scheduler
    )
    facts: dict[str, dict[str, Any]] = {}
    for k, name in enumerate(labels):
        count = pd.concat([part[0][k] for part in local]).groupby(level=0).sum()
        ordered = count.sort_values(ascending=False, kind="stable").index
        facts[name] = {"categories": tuple(_scalar(v) for v in ordered)}
    for k, name in enumerate(numbers):
        lows = [part[1][k] for part in local if not np.isnan(part[1][k])]
        highs = [part[2][k] for part in local if not np.isnan(part[2][k])]
        if lows:
            facts[name] = {"minimum": float(min(lows)), "maximum": float(max(highs))}
    return facts


def _part_facts(
    part: pd.DataFrame, labels: list[str], numbers: list[str]
) -> tuple[list[pd.Series], list[float], list[float]]:
    counts = [part[c].dropna().value_counts() for c in labels]
    values = [pd.to_numeric(part[c], errors="coerce") for c in numbers]
    return counts, [float(v.min()) for v in values], [float(v.max()) for v in values]


def refit_marginals(synth: Any, frame: Any, *, scheduler: Any = "threads") -> int | None:
    """Give the fitted model the marginals of every row, through its ``refit_marginals``
    hook; returns the row count, or None when the model has no such hook."""
    encoder = synth.encoder_
    width = encoder.layout.width
    meta = pd.DataFrame({str(j): pd.Series(dtype="float64") for j in range(width)})
    encoded = frame.map_partitions(_encode_partition, encoder, synth.seed, meta=meta)
    if not synth.model_.refit_marginals(DaskMarginals(encoded, scheduler)):
        return None
    return int(encoded.shape[0].compute(scheduler=scheduler))


class DaskMarginals:
    """A model's ``MarginalSource`` over a dask frame of encoded rows."""

    def __init__(self, encoded: Any, scheduler: Any) -> None:
        self.encoded = encoded
        self.scheduler = scheduler

    def grid(self, features: Any, grid_size: int) -> QuantileGrid:
        """Exact quantile grids of ``features`` over every row."""
        return _grid(self.encoded[[str(i) for i in features]], grid_size, self.scheduler)

    def category_cdfs(self, features: Any, n_categories: Any) -> list[np.ndarray]:
        """Label shares of the code ``features`` from counts over every row."""
        import dask

        features = list(features)
        if not features:
            return []
        parts = self.encoded[[str(i) for i in features]].to_delayed()
        local = dask.compute(
            *[dask.delayed(_part_codes)(p) for p in parts], scheduler=self.scheduler
        )
        return [
            _cdf(pd.concat([c[k] for c in local]).groupby(level=0).sum(), size)
            for k, size in enumerate(n_categories)
        ]


def _encode_partition(part: pd.DataFrame, encoder: Any, seed: int) -> pd.DataFrame:
    # a missing number is filled from the partition's own values; seeded per partition size
    rng = np.random.default_rng([seed, len(part)])
    values = encoder.encode(part.reset_index(drop=True), rng=rng).values
    return pd.DataFrame(values, columns=[str(j) for j in range(values.shape[1])])


def _grid(encoded: Any, grid_size: int, scheduler: Any) -> QuantileGrid:
    """Exact quantiles on a dense candidate set, in two passes over the partitions.

    Pass 1 takes each partition's own quantiles as candidate values; pass 2 counts,
    in every partition, the values at or below each candidate, which gives the
    exact distribution function there; the grid is its generalised inverse, so
    point masses (labels, a spike at zero) stay exact. (dask's merged
    percentiles mis-order heavily tied columns, so they are not used.)
    """
    import dask

    levels = np.linspace(0.0, 1.0, grid_size)
    parts = encoded.to_delayed()
    local = dask.compute(
        *[dask.delayed(_part_quantiles)(p, levels) for p in parts], scheduler=scheduler
    )
    candidates = [
        np.unique(np.concatenate([q[:, f] for q in local])) for f in range(len(encoded.columns))
    ]
    counted = dask.compute(
        *[dask.delayed(_part_counts)(p, candidates) for p in parts], scheduler=scheduler
    )
    values = np.empty((grid_size, len(candidates)))
    for f, cands in enumerate(candidates):
        below = np.sum([c[f] for c in counted], axis=0)
        cdf = below / below[-1]
        values[:, f] = cands[np.minimum(np.searchsorted(cdf, levels, side="left"), len(cands) - 1)]
    return QuantileGrid(values)


def _part_quantiles(part: pd.DataFrame, levels: np.ndarray) -> np.ndarray:
    if len(part) == 0:
        return np.empty((0, part.shape[1]))
    return np.quantile(part.to_numpy(dtype=np.float64), levels, axis=0)


def _part_counts(part: pd.DataFrame, candidates: list[np.ndarray]) -> list[np.ndarray]:
    values = part.to_numpy(dtype=np.float64)
    return [
        np.searchsorted(np.sort(values[:, f]), cands, side="right")
        for f, cands in enumerate(candidates)
    ]


def _part_codes(part: pd.DataFrame) -> list[pd.Series]:
    return [part[c].round().value_counts() for c in part.columns]


def _cdf(count: pd.Series, n_categories: int) -> np.ndarray:
    codes = np.clip(count.index.to_numpy(dtype=np.int64), 0, n_categories - 1)
    totals = np.bincount(codes, weights=count.to_numpy(dtype=np.float64), minlength=n_categories)
    return np.cumsum(totals) / totals.sum()


def _scalar(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value
