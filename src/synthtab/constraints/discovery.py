"""Find exact rules a table obeys by itself, and return them as constraints.

Two kinds so far, each kept only when it holds in every real row where its
columns are present, when at least ``min_support`` rows show it, and when the
columns' ranges alone do not already imply it:

* **orders** between numbers or between datetimes (``opened <= closed``), reduced to
  chains (``a <= b <= c`` gives two rules, not three) and returned top of the chain
  first, so that each :class:`~synthtab.constraints.rules.Inequality` rewrites its
  ``high`` column from an original ``low``;
* **fixed combinations**: label columns (and numbers with few values) that one label
  column determines (``sub_grade -> grade``, adult's ``education`` and
  ``education-num``), as one :class:`~synthtab.constraints.combinations.FixedCombinations`
  per group, so a model can never pair a determinant with a value it never had.

Candidates are found on a sample of rows and confirmed on all of them; every test is a
vectorised comparison or a hashed group count, never a loop over rows.

>>> import pandas as pd
>>> low = [i // 2 for i in range(60)]
>>> df = pd.DataFrame({"low": low, "high": [v + i % 4 for i, v in enumerate(low)]})
>>> discover_rules(df)
[Inequality(low='low', high='high', strict=False)]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthtab.constraints.base import Constraint, numbers_of
from synthtab.constraints.combinations import FixedCombinations
from synthtab.constraints.rules import Inequality
from synthtab.errors import InvalidParameterError
from synthtab.schema import TableSchema, infer_schema
from synthtab.schema.spec import ColumnKind

#: Rows looked at to find candidates; each candidate is then checked on every row.
SAMPLE_ROWS = 2_000
#: A determinant must repeat: at least this many rows per value on average.
MIN_ROWS_PER_VALUE = 5
#: A number joins a fixed combination only with at most this many distinct values.
MAX_DETERMINED_VALUES = 200

_NUMBERS = (ColumnKind.NUMERIC, ColumnKind.INTEGER)


def discover_rules(
    df: pd.DataFrame,
    schema: TableSchema | None = None,
    *,
    min_support: int = 20,
    seed: int = 0,
) -> list[Constraint]:
    """The exact rules ``df`` obeys, as constraints ready for ``Synthesizer(constraints=)``."""
    if isinstance(min_support, bool) or not isinstance(min_support, int) or min_support < 2:
        raise InvalidParameterError(
            f"The 'min_support' option must be an int of at least 2. Got {min_support!r}."
        )
    schema = schema if schema is not None else infer_schema(df)
    if len(df) < min_support:
        return []
    sample = _sample(df, seed)
    groups = combination_rules(df, sample, schema, min_support)
    combined = {c for rule in groups for c in rule.columns}
    orders = order_rules(df, sample, schema, min_support, exclude=combined)
    return [*orders, *groups]


def _sample(df: pd.DataFrame, seed: int) -> pd.DataFrame:
    if len(df) <= SAMPLE_ROWS:
        return df
    rows = np.sort(np.random.default_rng(seed).choice(len(df), SAMPLE_ROWS, replace=False))
    return df.iloc[rows]


# -- orders -------------------------------------------------------------------------------


def order_rules(
    df: pd.DataFrame,
    sample: pd.DataFrame,
    schema: TableSchema,
    min_support: int,
    exclude: frozenset[str] | set[str] = frozenset(),
) -> list[Inequality]:
    """``low <= high`` (or ``<``) rules between numbers and between datetimes, as chains."""
    rules: list[Inequality] = []
    for kinds in (_NUMBERS, (ColumnKind.DATETIME,)):
        names = [
            s.name
            for s in schema
            if s.kind in kinds and not s.kind.is_generated and s.name not in exclude
        ]
        if len(names) >= 2:
            rules += _orders_among(df, sample, schema, names, min_support)
    return rules


def _orders_among(
    df: pd.DataFrame, sample: pd.DataFrame, schema: TableSchema, names: list[str], support: int
) -> list[Inequality]:
    candidates = _ordered_pairs(np.column_stack([numbers_of(sample, c, schema) for c in names]))
    used = sorted({i for pair in candidates for i in pair})
    if not used:
        return []
    full = np.column_stack([numbers_of(df, names[i], schema) for i in used])
    column = {i: k for k, i in enumerate(used)}
    holds = np.zeros((len(names), len(names)), dtype=bool)
    strict = np.zeros_like(holds)
    for i, j in candidates:
        low, high = full[:, column[i]], full[:, column[j]]
        both = ~(np.isnan(low) | np.isnan(high))
        ranges_overlap = np.nanmax(low) > np.nanmin(high)  # else the bounds imply it
        if both.sum() >= support and ranges_overlap and (low[both] <= high[both]).all():
            holds[i, j] = True
            strict[i, j] = bool((low[both] < high[both]).all())
    holds &= ~holds.T  # equal columns order both ways: a formula, not an order
    complete = ~np.isnan(full).any(axis=0)
    edges = _reduced(holds, {i for i in used if complete[column[i]]})
    return [
        Inequality(names[i], names[j], strict=bool(strict[i, j]))
        for i, j in _one_rewrite_per_column(edges, full, column)
    ]


def _ordered_pairs(values: np.ndarray) -> list[tuple[int, int]]:
    """Pairs ``(i, j)`` with ``values[:, i] <= values[:, j]`` wherever both are present."""
    missing = np.isnan(values)
    pairs = []
    for i in range(values.shape[1]):
        with np.errstate(invalid="ignore"):
            fine = (values[:, [i]] <= values) | missing[:, [i]] | missing
        for j in np.flatnonzero(fine.all(axis=0)):
            if j != i:
                pairs.append((i, int(j)))
    return pairs


def _reduced(holds: np.ndarray, complete: set[int]) -> list[tuple[int, int]]:
    """Drop ``a <= c`` when ``a <= b <= c`` for a column ``b`` that is never missing
    (with gaps in ``b``, the rows that lack it still need ``a <= c`` of their own)."""
    edges = []
    for i, j in zip(*np.nonzero(holds), strict=True):
        through = [b for b in complete if holds[i, b] and holds[b, j]]
        if not through:
            edges.append((int(i), int(j)))
    return edges


def _one_rewrite_per_column(
    edges: list[tuple[int, int]], full: np.ndarray, column: dict[int, int]
) -> list[tuple[int, int]]:
    """One rule per ``high`` column (each rule rewrites its high), the tightest low kept,
    ordered so that a rule runs before the rule that rewrites its low."""
    best: dict[int, tuple[int, int]] = {}
    for i, j in edges:
        gap = float(np.nanmedian(full[:, column[j]] - full[:, column[i]]))
        if j not in best or gap < _gap(best[j], full, column):
            best[j] = (i, j)
    chosen = list(best.values())
    depth = {j: _depth(j, best) for j in best}
    return sorted(chosen, key=lambda e: -depth[e[1]])


def _gap(edge: tuple[int, int], full: np.ndarray, column: dict[int, int]) -> float:
    i, j = edge
    return float(np.nanmedian(full[:, column[j]] - full[:, column[i]]))


def _depth(node: int, best: dict[int, tuple[int, int]]) -> int:
    """How many rules lead up to ``node`` (its place in its chain)."""
    depth = 0
    while node in best and depth <= len(best):
        node, depth = best[node][0], depth + 1
    return depth


# -- fixed combinations -------------------------------------------------------------------


def combination_rules(
    df: pd.DataFrame, sample: pd.DataFrame, schema: TableSchema, min_support: int
) -> list[FixedCombinations]:
    """Groups of columns that one label column determines, one rule per group."""
    labels = [
        s.name
        for s in schema
        if s.kind in (ColumnKind.CATEGORICAL, ColumnKind.BOOLEAN) and not s.kind.is_generated
    ]
    numbers = [
        s.name
        for s in schema
        if s.kind in _NUMBERS and df[s.name].nunique() <= MAX_DETERMINED_VALUES
    ]
    if not labels:
        return []
    codes = {c: _codes(df[c]) for c in [*labels, *numbers]}
    sizes = {c: int(v.max()) + 1 for c, v in codes.items()}
    determinants = [
        c for c in labels if sizes[c] >= 2 and len(df) >= MIN_ROWS_PER_VALUE * sizes[c]
    ]
    fixed: dict[str, set[str]] = {}
    for a in determinants:
        for b in codes:
            if b != a and sizes[b] >= 2 and _determines(codes[a], codes[b], sizes[b]):
                fixed.setdefault(a, set()).add(b)
    return _groups(fixed, codes, sizes, len(df), min_support)


def _codes(series: pd.Series) -> np.ndarray:
    """Integer codes of a column's values, a missing value being a value of its own."""
    codes, _ = pd.factorize(series, use_na_sentinel=False)
    return codes.astype(np.int64)


def _determines(a: np.ndarray, b: np.ndarray, b_size: int) -> bool:
    """Every value of ``a`` comes with a single value of ``b`` (a hashed group count)."""
    pairs = np.unique(a * b_size + b)
    return len(pairs) == len(np.unique(a))


def _groups(
    fixed: dict[str, set[str]],
    codes: dict[str, np.ndarray],
    sizes: dict[str, int],
    rows: int,
    support: int,
) -> list[FixedCombinations]:
    """The determinant with the most dependents first takes them; a column joins one
    group only (two rules may not both rewrite it)."""
    if rows < support:
        return []
    taken: set[str] = set()
    rules = []
    for a in sorted(fixed, key=lambda c: (-len(fixed[c]), -sizes[c], c)):
        group = [a, *sorted(fixed[a] - taken)]
        if a in taken or len(group) < 2:
            continue
        taken.update(group)
        rules.append(FixedCombinations(group))
    return rules


__all__ = ["combination_rules", "discover_rules", "order_rules"]
