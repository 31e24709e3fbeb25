"""A differentially private schema: category sets and numeric bounds from the budget.

Column kinds, dtypes, nullability, decimals and datetime formats are treated as
public structure (what a data owner would publish as a codebook). The facts
learned from the values are released under DP, or taken as declared:

* category sets: noisy counts of each observed label; labels whose count does
  not pass a threshold are suppressed (a stable histogram, (epsilon, delta)-DP),
  and the rows that hold them are dropped before training;
* numeric bounds: noisy counts over public power-of-two bins (epsilon-DP); the
  model clips every value into them;
* the missing share of a generated column (identifier or personal data) is not
  released: such columns come out complete unless the share is declared.

A column whose override is a full ``ColumnSpec``, or a mapping giving its
``categories`` (labels) or both ``minimum`` and ``maximum`` (numbers), is
declared: its facts are public and cost nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from synthtab.encoding.columns import from_canonical, to_canonical
from synthtab.errors import PrivacyBudgetError
from synthtab.privacy.ledger import PrivacyLedger
from synthtab.privacy.mechanisms import dp_bounds, laplace_noise, stable_threshold
from synthtab.schema.spec import ColumnKind, ColumnSpec, TableSchema

CATEGORIES = "categories"
BOUNDS = "bounds"


def declared_columns(schema: TableSchema, overrides: Mapping[str, Any] | None) -> set[str]:
    """Names of the modelled columns whose learned facts the user declared.

    >>> declared_columns(TableSchema(()), {"x": {"minimum": 0, "maximum": 1}})
    {'x'}
    """
    out: set[str] = set()
    for name, value in (overrides or {}).items():
        declares_facts = isinstance(value, Mapping) and (
            "categories" in value
            or "missing_share" in value
            or {"minimum", "maximum"} <= set(value)
        )
        if isinstance(value, ColumnSpec) or declares_facts:
            out.add(name)
    return out


def private_parts(schema: TableSchema, declared: set[str]) -> tuple[list[str], list[str]]:
    """The discrete and continuous modelled columns whose facts must be released."""
    learned = [c for c in schema if not c.kind.is_generated and c.name not in declared]
    return (
        [c.name for c in learned if c.kind.is_discrete],
        [c.name for c in learned if c.kind.is_continuous],
    )


def private_schema(
    schema: TableSchema,
    data: pd.DataFrame,
    ledger: PrivacyLedger,
    *,
    declared: set[str],
    rng: np.random.Generator,
) -> tuple[TableSchema, pd.DataFrame]:
    """Release the undeclared category sets and bounds; relabel suppressed labels.

    Returns the private schema and the rows to train on.
    """
    discrete, continuous = private_parts(schema, declared)
    specs = {c.name: _without_missing_share(c, declared) for c in schema}
    data = data.reset_index(drop=True)
    if discrete:
        eps, delta = ledger.allowance(CATEGORIES)
        released = _release_categories(data[discrete], eps, delta, rng)
        ledger.spend(CATEGORIES, epsilon=eps, delta=delta, mechanism="Laplace stable histogram")
        data = data.copy()
        for name, (labels, weights) in released.items():
            specs[name] = specs[name].with_changes(categories=labels)
            data[name] = _relabel(data[name], labels, weights, rng)
    if continuous:
        eps, _ = ledger.allowance(BOUNDS)
        canonical = np.column_stack([to_canonical(data[n], specs[n]) for n in continuous])
        bounds = dp_bounds(canonical, epsilon=eps, rng=rng)
        ledger.spend(BOUNDS, epsilon=eps, mechanism="Laplace log-scale histogram")
        for name, (low, high) in zip(continuous, bounds, strict=True):
            specs[name] = _with_bounds(specs[name], float(low), float(high))
    return TableSchema(tuple(specs[c.name] for c in schema)), data


def _without_missing_share(spec: ColumnSpec, declared: set[str]) -> ColumnSpec:
    # a generated column's gap rate is learned from the rows: not released under DP,
    # so such a column comes out complete unless its share is declared
    if spec.kind.is_generated and spec.missing_share is not None and spec.name not in declared:
        return spec.with_changes(missing_share=None)
    return spec


def _release_categories(
    frame: pd.DataFrame, epsilon: float, delta: float, rng: np.random.Generator
) -> dict[str, tuple[tuple[Any, ...], np.ndarray]]:
    scale = frame.shape[1] / epsilon
    threshold = stable_threshold(scale=scale, n_columns=frame.shape[1], delta=delta)
    counts = [frame[name].value_counts(dropna=True) for name in frame.columns]
    sizes = [len(c) for c in counts]
    noise = np.split(laplace_noise((sum(sizes),), scale=scale, rng=rng), np.cumsum(sizes)[:-1])
    released: dict[str, tuple[tuple[Any, ...], np.ndarray]] = {}
    empty: list[str] = []
    for name, count, extra in zip(frame.columns, counts, noise, strict=True):
        noisy = count.to_numpy(dtype=np.float64) + extra
        order = [i for i in np.argsort(-noisy, kind="stable") if noisy[i] > threshold]
        if not order:
            empty.append(str(name))
        released[name] = (tuple(count.index[i] for i in order), noisy[order])
    if empty:
        raise PrivacyBudgetError(
            f"No label of column(s) {empty} is frequent enough to be released under this "
            f"budget (noisy count threshold {threshold:.1f}). Declare their categories "
            "(overrides={'col': {'categories': [...]}}), raise epsilon, or drop the column."
        )
    return released


def _relabel(
    column: pd.Series, labels: tuple[Any, ...], weights: np.ndarray, rng: np.random.Generator
) -> pd.Series:
    """Replace suppressed labels by released ones drawn in proportion to ``weights``."""
    suppressed = (column.notna() & ~column.isin(labels)).to_numpy()
    if not suppressed.any():
        return column
    cdf = np.cumsum(weights) / weights.sum()
    picks = np.minimum(
        np.searchsorted(cdf, rng.random(int(suppressed.sum())), side="right"), len(labels) - 1
    )
    out = column.astype(object).copy()
    out[suppressed] = np.asarray(labels, dtype=object)[picks]
    return out.astype(column.dtype)


def _with_bounds(spec: ColumnSpec, low: float, high: float) -> ColumnSpec:
    if spec.kind is ColumnKind.INTEGER:
        low, high = float(np.floor(low)), float(np.ceil(high))
    return spec.with_changes(minimum=low, maximum=max(high, low))


def public_frame(schema: TableSchema, n_rows: int = 256) -> pd.DataFrame:
    """A table built from the schema alone: every label, evenly spaced numbers in the bounds.

    Encoders are fitted on it under DP, so they learn nothing from the real rows
    (frequencies come out uniform, ranges are the private bounds).

    >>> spec = ColumnSpec(name="x", kind="numeric", dtype="float64", minimum=0.0, maximum=1.0)
    >>> public_frame(TableSchema((spec,)), n_rows=3)["x"].tolist()
    [0.0, 0.5, 1.0]
    """
    columns = {}
    for spec in schema:
        if spec.kind.is_generated:
            continue
        if spec.kind.is_discrete:
            codes = np.arange(n_rows) % (len(spec.categories or ()) + int(spec.nullable))
            canonical = np.where(codes == len(spec.categories or ()), -1, codes)
        else:
            low = spec.minimum if spec.minimum is not None else 0.0
            high = spec.maximum if spec.maximum is not None else low
            canonical = np.linspace(low, high, n_rows)
            if spec.nullable:
                canonical[1:-1:7] = np.nan
        columns[spec.name] = from_canonical(canonical, spec).reset_index(drop=True)
    return pd.DataFrame(columns, index=pd.RangeIndex(n_rows))
