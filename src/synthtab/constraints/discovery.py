"""Find exact rules a table obeys by itself, and return them as constraints.

Five kinds so far, each kept only when it holds in every real row where its
columns are present, when at least ``min_support`` rows show it, and when the
columns' ranges alone do not already imply it:

* **formulas**: a number that is a constant rate of another (``charge = 0.17 *
  minutes``) or the sum of two (``total = net + tax``; a difference is a sum the other
  way round), to the rounding the column shows, as a
  :class:`~synthtab.constraints.formula.Formula` (the column is then computed);

* **missingness**: a column missing exactly when another is, or exactly when a label
  column has one value (``annual_income_joint`` when the application is individual), as
  a :class:`~synthtab.constraints.missing.MissingWhen`;
* **grids**: a number that is always ``offset + k * step`` (prices in steps of 5, hours in
  quarters), as a :class:`~synthtab.constraints.grid.Grid`;
* **orders** between numbers or between datetimes (``opened <= closed``), reduced to
  chains (``a <= b <= c`` gives two rules, not three) and returned top of the chain
  first, so that each :class:`~synthtab.constraints.rules.Inequality` rewrites its
  ``high`` column from an original ``low``;
* **lookups**: label columns (and numbers with few values) that one column determines
  (``sub_grade -> grade``, adult's ``education-num -> education``, a plan's fee), as one
  :class:`~synthtab.constraints.lookup.Lookup` per determinant: the model learns the
  determinant only, and the others are looked up from it, so a row can never pair a
  determinant with a value it never had.

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
from synthtab.constraints.formula import RELATIVE_SLACK, Formula
from synthtab.constraints.grid import Grid
from synthtab.constraints.lookup import Lookup
from synthtab.constraints.missing import MissingWhen
from synthtab.constraints.rules import Inequality
from synthtab.errors import InvalidParameterError
from synthtab.schema import TableSchema, infer_schema
from synthtab.schema.spec import ColumnKind, ColumnSpec

#: Rows looked at to find candidates; each candidate is then checked on every row.
SAMPLE_ROWS = 2_000
#: A determinant must repeat: at least this many rows per value on average.
MIN_ROWS_PER_VALUE = 5
#: An order is a rule only if random pairings of the two columns break it this often
#: (else the columns' shapes imply it: voice-mail counts near 0 below call minutes near 200).
MIN_SHUFFLED_BREAKS = 0.05
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
    formulas = formula_rules(df, sample, schema, min_support, exclude=combined)
    computed = {rule.column for rule in formulas}
    orders = order_rules(df, sample, schema, min_support, exclude=combined | computed)
    rewritten = combined | computed | {rule.high for rule in orders}
    missing = missing_rules(df, schema, min_support, exclude=rewritten)
    gridded = grid_rules(df, schema, min_support, exclude=rewritten | {r.column for r in missing})
    # formulas and missingness first: their transforms read the original columns and
    # their inverses run last, on the decoded ones; grids last: an order's transform reads
    # its low as it is, and on the way back the grid is restored before the order
    return [*missing, *formulas, *orders, *groups, *gridded]


def _sample(df: pd.DataFrame, seed: int) -> pd.DataFrame:
    if len(df) <= SAMPLE_ROWS:
        return df
    rows = np.sort(np.random.default_rng(seed).choice(len(df), SAMPLE_ROWS, replace=False))
    return df.iloc[rows]


# -- grids ----------------------------------------------------------------------------------


def grid_rules(
    df: pd.DataFrame,
    schema: TableSchema,
    min_support: int,
    exclude: frozenset[str] | set[str] = frozenset(),
) -> list[Grid]:
    """Numbers whose values are all ``offset + k * step`` with a step coarser than their
    rounding: the greatest common divisor of the gaps between the distinct values."""
    rules = []
    for spec in schema:
        if spec.kind not in _NUMBERS or spec.kind.is_generated or spec.name in exclude:
            continue
        decimals = 0 if spec.kind is ColumnKind.INTEGER else spec.decimals
        values = np.unique(numbers_of(df, spec.name, schema))
        values = values[~np.isnan(values)]
        shown = int(df[spec.name].notna().sum())
        if decimals is None or len(values) < 3 or shown < min_support:
            continue
        scaled = np.rint(values * 10.0**decimals).astype(np.int64)
        step = int(np.gcd.reduce(scaled - scaled[0]))
        if step > 1:
            offset = (int(scaled[0]) % step) / 10.0**decimals
            rules.append(Grid(spec.name, step / 10.0**decimals, offset=offset))
    return rules


# -- missingness ---------------------------------------------------------------------------

#: Label columns with more values than this are not tried as a condition of missingness.
MAX_CONDITION_LABELS = 50


def missing_rules(
    df: pd.DataFrame,
    schema: TableSchema,
    min_support: int,
    exclude: frozenset[str] | set[str] = frozenset(),
) -> list[MissingWhen]:
    """Columns missing exactly when another is, or when a label column has one value:
    equal missing masks found by hashing each mask, not by comparing every pair."""
    modelled = [s.name for s in schema if not s.kind.is_generated]
    gaps = {c: df[c].isna().to_numpy() for c in modelled}
    shown = {c: m for c, m in gaps.items() if min_support <= m.sum() <= len(df) - min_support}
    leaders: dict[bytes, str] = {}
    followers: list[MissingWhen] = []
    for name, mask in shown.items():
        leader = leaders.setdefault(np.packbits(mask).tobytes(), name)
        if leader != name and name not in exclude:
            followers.append(MissingWhen(name, leader))
    labels = _label_masks(df, schema, modelled)
    by_label: list[MissingWhen] = []
    for key, name in leaders.items():
        found = labels.get(key)
        if found is not None and found[0] != name and name not in exclude:
            by_label.append(MissingWhen(name, found[0], label=found[1]))
    changed = {r.column for r in [*followers, *by_label]}
    by_label = [r for r in by_label if r.when not in changed]
    # a follower's inverse reads its leader once the leader's own rule has run: the
    # inverses run last rule first, so the followers come first
    return [*followers, *by_label]


def _label_masks(
    df: pd.DataFrame, schema: TableSchema, names: list[str]
) -> dict[bytes, tuple[str, object]]:
    """``(column, label)`` for the hashed mask of every value of every small label column."""
    masks: dict[bytes, tuple[str, object]] = {}
    for name in names:
        spec = schema[name]
        labels = spec.categories or ()
        if not spec.kind.is_discrete or len(labels) > MAX_CONDITION_LABELS:
            continue
        values = df[name].to_numpy()
        for label in labels:
            masks.setdefault(np.packbits(values == label).tobytes(), (name, label))
    return masks


# -- formulas ----------------------------------------------------------------------------

#: Rows of the sample a sum is first tried on, before the whole sample and all rows.
_FIRST_ROWS = 32
#: Significant digits tried for a constant rate, fewest first (0.17 before 0.1700004).
_RATE_DIGITS = range(1, 9)


def formula_rules(
    df: pd.DataFrame,
    sample: pd.DataFrame,
    schema: TableSchema,
    min_support: int,
    exclude: frozenset[str] | set[str] = frozenset(),
) -> list[Formula]:
    """Columns that are a constant rate of another or the sum of two others."""
    names = [s.name for s in schema if s.kind in _NUMBERS and not s.kind.is_generated]
    if len(names) < 2:
        return []
    values = np.column_stack([numbers_of(sample, c, schema) for c in names])
    rules: list[Formula] = []
    computed: set[int] = set()
    inputs: set[int] = set()
    for t, name in enumerate(names):
        if name in exclude or t in inputs or np.nanstd(values[:, t]) == 0:
            continue
        step = schema[name].rounding_step
        free = [i for i in range(len(names)) if i != t and i not in computed]
        found = _rate(values, t, free, step) or _sum(values, t, free, step)
        if found is None or _reverse_is_simpler(values, t, found, schema[names[found[0][0]]], step):
            continue
        rule = Formula(name, [names[i] for i in found[0]], found[1], step=step)
        if _confirmed(rule, df, schema, min_support):
            rules.append(rule)
            computed.add(t)
            inputs.update(found[0])
    return rules


def _within(target: np.ndarray, formula: np.ndarray, step: float) -> bool:
    """Whether the target is the formula to its rounding wherever both are present."""
    present = ~(np.isnan(target) | np.isnan(formula))
    if present.sum() < 2:
        return False
    slack = step / 2 + RELATIVE_SLACK * np.maximum(1.0, np.abs(formula[present]))
    return bool((np.abs(target[present] - formula[present]) <= slack).all())


def _rate(
    values: np.ndarray, t: int, free: list[int], step: float
) -> tuple[list[int], list[float]] | None:
    """``target = k * x`` for a constant ``k`` with the fewest significant digits."""
    y = values[:, t]
    for i in free:
        x = values[:, i]
        usable = ~(np.isnan(x) | np.isnan(y)) & (x != 0)
        if usable.sum() < 2 or np.nanstd(x) == 0:
            continue
        k = float(np.median(y[usable] / x[usable]))
        for digits in _RATE_DIGITS:
            rate = float(f"{k:.{digits}g}")
            if rate != 0 and _within(y, rate * x, step):
                return [i], [rate]
    return None


def _reverse_is_simpler(
    values: np.ndarray,
    t: int,
    found: tuple[list[int], list[float]],
    spec: ColumnSpec,
    step: float,
) -> bool:
    """A rate found both ways is kept the way its constant is shorter: ``charge = 0.17 *
    minutes``, not ``minutes = 5.882 * charge`` (both can be exact to their roundings);
    at equal length, the finer-rounded column is the computed one (a charge in cents)."""
    (inputs, (rate,)) = found if len(found[0]) == 1 else ([], (0.0,))
    if not inputs:
        return False
    back = _rate(values, inputs[0], [t], spec.rounding_step)
    if back is None:
        return False
    shorter, same = _digits(back[1][0]) < _digits(rate), _digits(back[1][0]) == _digits(rate)
    return shorter or (same and spec.rounding_step < step)


def _digits(value: float) -> int:
    return len(f"{value:.8g}".replace("-", "").replace(".", "").strip("0"))


def _sum(
    values: np.ndarray, t: int, free: list[int], step: float
) -> tuple[list[int], list[float]] | None:
    """``target = a + b``: tried on a few rows for every pair, then on the whole sample."""
    y, first = values[:, t], values[:_FIRST_ROWS]
    for n, i in enumerate(free):
        others = free[n + 1 :]
        if not others:
            break
        sums = first[:, [i]] + first[:, others]
        slack = step / 2 + RELATIVE_SLACK * np.maximum(1.0, np.abs(sums))
        with np.errstate(invalid="ignore"):
            close = (
                (np.abs(first[:, [t]] - sums) <= slack) | np.isnan(sums) | np.isnan(first[:, [t]])
            )
        for j in np.asarray(others)[close.all(axis=0)]:
            if _within(y, values[:, i] + values[:, j], step):
                return [i, int(j)], [1.0, 1.0]
    return None


def _confirmed(rule: Formula, df: pd.DataFrame, schema: TableSchema, support: int) -> bool:
    """The formula holds on every row, enough rows show it, and the computed column is
    present only where its inputs are (it is computed from them after sampling)."""
    target = numbers_of(df, rule.column, schema)
    formula = rule.predicted({c: numbers_of(df, c, schema) for c in rule.inputs})
    shown = ~(np.isnan(target) | np.isnan(formula))
    orphans = ~np.isnan(target) & np.isnan(formula)
    return shown.sum() >= support and not orphans.any() and _within(target, formula, rule.step)


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
        exact = both.sum() >= support and ranges_overlap and (low[both] <= high[both]).all()
        if exact and _breaks_when_shuffled(low[both], high[both]):
            holds[i, j] = True
            strict[i, j] = bool((low[both] < high[both]).all())
    holds &= ~holds.T  # equal columns order both ways: a formula, not an order
    complete = ~np.isnan(full).any(axis=0)
    edges = _reduced(holds, {i for i in used if complete[column[i]]})
    return [
        Inequality(names[i], names[j], strict=bool(strict[i, j]))
        for i, j in _one_rewrite_per_column(edges, full, column)
    ]


def _breaks_when_shuffled(low: np.ndarray, high: np.ndarray) -> bool:
    """Whether pairing each low with another row's high breaks the order often enough
    for the order to be a property of the pairs, not of the two distributions."""
    shuffled = np.random.default_rng(len(low)).permutation(high)
    return bool(np.mean(low > shuffled) >= MIN_SHUFFLED_BREAKS)


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
    """One rule per ``high`` column (each rule rewrites its high), the tightest low kept
    (the smallest median gap), ordered so that a rule runs before the rule that
    rewrites its low."""
    gaps = {(i, j): float(np.nanmedian(full[:, column[j]] - full[:, column[i]])) for i, j in edges}
    best: dict[int, tuple[int, int]] = {}
    for edge in edges:
        if edge[1] not in best or gaps[edge] < gaps[best[edge[1]]]:
            best[edge[1]] = edge
    return sorted(best.values(), key=lambda edge: -_depth(edge[1], best))


def _depth(node: int, best: dict[int, tuple[int, int]]) -> int:
    """How many rules lead up to ``node`` (its place in its chain)."""
    depth = 0
    while node in best and depth <= len(best):
        node, depth = best[node][0], depth + 1
    return depth


# -- lookups (fixed combinations) ---------------------------------------------------------

#: A determinant's values seen in only one row may hold at most this share of the rows
#: (a value seen once determines anything, and proves nothing).
MAX_SINGLETON_SHARE = 0.05


def combination_rules(
    df: pd.DataFrame, sample: pd.DataFrame, schema: TableSchema, min_support: int
) -> list[Lookup]:
    """Columns that one column determines, one :class:`Lookup` per determinant."""
    labels = [
        s.name
        for s in schema
        if s.kind in (ColumnKind.CATEGORICAL, ColumnKind.BOOLEAN) and not s.kind.is_generated
    ]
    numbers = [
        s.name
        for s in schema
        if s.kind in _NUMBERS
        and not s.kind.is_generated
        and df[s.name].nunique() <= MAX_DETERMINED_VALUES
    ]
    if not labels or len(df) < min_support:
        return []
    codes = {c: _codes(df[c]) for c in [*labels, *numbers]}
    sizes = {c: int(v.max()) + 1 for c, v in codes.items()}
    fixed: dict[str, set[str]] = {}
    for a in (c for c in codes if _can_determine(codes[c], sizes[c], len(df))):
        for b in codes:
            if b != a and sizes[b] >= 2 and _determines(codes[a], codes[b], sizes[b]):
                fixed.setdefault(a, set()).add(b)
    # the combinations of the real rows are the allowed ones: the rule can check any table
    return [rule.observe(df) for rule in _lookups(fixed, set(numbers), sizes)]


def _codes(series: pd.Series) -> np.ndarray:
    """Integer codes of a column's values, a missing value being a value of its own."""
    codes, _ = pd.factorize(series, use_na_sentinel=False)
    return codes.astype(np.int64)


def _can_determine(codes: np.ndarray, size: int, rows: int) -> bool:
    """Whether a column's values repeat enough for what they fix to be a rule."""
    if size < 2 or rows < MIN_ROWS_PER_VALUE * size:
        return False
    counts = np.bincount(codes, minlength=size)
    return bool(counts[counts == 1].sum() <= MAX_SINGLETON_SHARE * rows)


def _determines(a: np.ndarray, b: np.ndarray, b_size: int) -> bool:
    """Every value of ``a`` comes with a single value of ``b`` (a hashed group count)."""
    pairs = np.unique(a * b_size + b)
    return len(pairs) == len(np.unique(a))


def _lookups(
    fixed: dict[str, set[str]], numbers: set[str], sizes: dict[str, int]
) -> list[Lookup]:
    """The determinant with the most dependents first takes them; among equals a number
    (its order survives in the model: ``education-num`` gives ``education``, not the
    other way round), then the one with more values. A column joins one rule only."""
    taken: set[str] = set()
    rules = []
    for a in sorted(fixed, key=lambda c: (-len(fixed[c]), c not in numbers, -sizes[c], c)):
        targets = sorted(fixed[a] - taken)
        if a in taken or not targets:
            continue
        taken.update([a, *targets])
        rules.append(Lookup(a, targets))
    return rules


__all__ = [
    "combination_rules",
    "discover_rules",
    "formula_rules",
    "grid_rules",
    "missing_rules",
    "order_rules",
]
