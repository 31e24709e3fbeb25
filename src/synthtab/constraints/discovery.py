"""Find exact rules a table obeys by itself, and return them as constraints.

Six kinds, each kept only when it holds in every real row where its
columns are present, when at least ``min_support`` rows show it, and when the
columns' ranges alone do not already imply it:

* **formulas**: a number that is a constant rate of another (``charge = 0.17 *
  minutes``), the sum of two or three (``total = net + tax``), a difference (``due =
  total - paid``) or a product (``amount = price * quantity``), to the rounding the
  column shows, as a :class:`~synthtab.constraints.formula.Formula` (the column is then
  computed; a computed column may feed another formula);
* **parts of datetimes**: a number that is the year, month, day, hour ... of a datetime
  column, as a :class:`~synthtab.constraints.datepart.DatePart` (computed from it);

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
from synthtab.constraints.datepart import PARTS, DatePart, date_part
from synthtab.constraints.formula import RELATIVE_SLACK, Formula
from synthtab.constraints.grid import Grid
from synthtab.constraints.lookup import Lookup
from synthtab.constraints.missing import MissingWhen
from synthtab.constraints.rules import Inequality
from synthtab.errors import InvalidParameterError
from synthtab.schema import TableSchema, infer_schema
from synthtab.schema.spec import ColumnKind

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
    parts = date_part_rules(df, sample, schema, min_support)
    dated = {rule.column for rule in parts}  # the datetime itself stays free for orders
    groups = combination_rules(df, sample, schema, min_support, exclude=dated)
    combined = dated | {c for rule in groups for c in rule.columns}
    formulas = formula_rules(df, sample, schema, min_support, exclude=combined)
    computed = {rule.column for rule in formulas}
    orders = order_rules(df, sample, schema, min_support, exclude=combined | computed)
    rewritten = combined | computed | {rule.high for rule in orders}
    missing = missing_rules(df, schema, min_support, exclude=rewritten)
    gridded = grid_rules(df, schema, min_support, exclude=rewritten | {r.column for r in missing})
    # formulas and missingness first: their transforms read the original columns and
    # their inverses run last, on the decoded ones; grids last: an order's transform reads
    # its low as it is, and on the way back the grid is restored before the order
    return [*missing, *formulas, *orders, *groups, *parts, *gridded]


def _sample(df: pd.DataFrame, seed: int) -> pd.DataFrame:
    if len(df) <= SAMPLE_ROWS:
        return df
    rows = np.sort(np.random.default_rng(seed).choice(len(df), SAMPLE_ROWS, replace=False))
    return df.iloc[rows]


# -- parts of datetimes ---------------------------------------------------------------------


def date_part_rules(
    df: pd.DataFrame,
    sample: pd.DataFrame,
    schema: TableSchema,
    min_support: int,
) -> list[DatePart]:
    """Numbers that are a part of a datetime (``year`` of ``time_hour``), present exactly
    where the datetime is: tried on the sample, confirmed on every row; a number takes
    the first datetime and part that fit, and is then computed from it."""
    dates = [s.name for s in schema if s.kind is ColumnKind.DATETIME and not s.kind.is_generated]
    numbers = [s.name for s in schema if s.kind in _NUMBERS and not s.kind.is_generated]
    rules: list[DatePart] = []
    for date in dates:
        seconds = numbers_of(sample, date, schema)
        parts = {p: date_part(seconds, p, _zone_of(schema, date)) for p in PARTS}
        for name in [n for n in numbers if n not in {r.column for r in rules}]:
            value = numbers_of(sample, name, schema)
            if np.nanstd(value) == 0:
                continue
            part = next((p for p, v in parts.items() if _same_part(value, v)), None)
            if part is not None and _part_confirmed(df, schema, name, date, part, min_support):
                rules.append(DatePart(name, date, part=part))
    return rules


def _same_part(value: np.ndarray, part: np.ndarray) -> bool:
    """Equal wherever either is present (a gap in one only is a mismatch)."""
    return bool(np.array_equal(value, part, equal_nan=True))


def _zone_of(schema: TableSchema, date: str) -> object:
    return getattr(pd.api.types.pandas_dtype(schema[date].dtype), "tz", None)


def _part_confirmed(
    df: pd.DataFrame, schema: TableSchema, name: str, date: str, part: str, support: int
) -> bool:
    value = numbers_of(df, name, schema)
    truth = date_part(numbers_of(df, date, schema), part, _zone_of(schema, date))
    shown = int((~np.isnan(value)).sum())
    return shown >= support and _same_part(value, truth)


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

#: Rows of the sample (those with the fewest gaps) every candidate is tried on first.
_PROBE_ROWS = 8
#: Significant digits tried for a constant rate, fewest first (0.17 before 0.1700004).
_RATE_DIGITS = range(1, 9)
#: At most this many three-term candidates are checked per target (small integers can
#: make many sums agree on a few rows).
_MAX_CANDIDATES = 20_000

#: A search: (sample values, probe rows, target, free columns, step) -> candidates, each
#: (inputs, coefficients, operator), simplest first.
_Candidate = tuple[list[int], list[float], str]


def formula_rules(
    df: pd.DataFrame,
    sample: pd.DataFrame,
    schema: TableSchema,
    min_support: int,
    exclude: frozenset[str] | set[str] = frozenset(),
) -> list[Formula]:
    """Columns that are a formula of others, the simplest kind first over all columns:
    a constant rate, a sum of two, of three, a difference, a product. A computed column
    may feed a later formula (``due = total - paid`` with ``total = net + tax``); the
    list is returned so that its inverse runs after the one computing it."""
    names = [s.name for s in schema if s.kind in _NUMBERS and not s.kind.is_generated]
    if len(names) < 2:
        return []
    values = np.column_stack([numbers_of(sample, c, schema) for c in names])
    probe = values[np.argsort(np.isnan(values).sum(axis=1), kind="stable")[:_PROBE_ROWS]]
    found: dict[int, Formula] = {}  # target -> its rule
    uses: dict[int, list[int]] = {}  # target -> its inputs
    for search in (_rates, _pair_sums, _triple_sums, _differences, _products):
        for t, name in enumerate(names):
            if name in exclude or t in found or np.nanstd(values[:, t]) == 0:
                continue
            step = schema[name].rounding_step
            free = [
                i
                for i in range(len(names))
                if i != t and names[i] not in exclude and t not in _ancestors(i, uses)
            ]
            for used, ks, operator in search(values, probe, t, free, step):
                if search is _rates and _reverse_is_simpler(values, t, used[0], ks[0], schema[
                        names[used[0]]].rounding_step, step):  # fmt: skip
                    break
                rule = Formula(name, [names[i] for i in used], ks, step=step, operator=operator)
                if _confirmed(rule, df, schema, min_support):
                    found[t], uses[t] = rule, used
                    break
    # the inverses run last rule first, and each must run after those computing its inputs
    return [found[t] for t in _inputs_first(uses)][::-1]


def _ancestors(column: int, uses: dict[int, list[int]]) -> set[int]:
    """Every column ``column`` is computed from, directly or through other formulas."""
    seen: set[int] = set()
    todo = list(uses.get(column, ()))
    while todo:
        c = todo.pop()
        if c not in seen:
            seen.add(c)
            todo.extend(uses.get(c, ()))
    return seen


def _inputs_first(uses: dict[int, list[int]]) -> list[int]:
    """The computed columns ordered so that each comes after the computed ones it reads."""
    return sorted(uses, key=lambda t: len(_ancestors(t, uses) & set(uses)))


def _close(target: np.ndarray, formula: np.ndarray, step: float) -> np.ndarray:
    """Per candidate column of ``formula``: the target equals it to its rounding in every
    row where both are present, and at least two rows show it."""
    y = target.reshape(len(target), *([1] * (formula.ndim - 1)))
    present = ~(np.isnan(y) | np.isnan(formula))
    slack = step / 2 + RELATIVE_SLACK * np.maximum(1.0, np.abs(np.nan_to_num(formula)))
    with np.errstate(invalid="ignore"):
        fine = (np.abs(y - formula) <= slack) | ~present
    return fine.all(axis=0) & (present.sum(axis=0) >= min(2, len(target)))


def _within(target: np.ndarray, formula: np.ndarray, step: float) -> bool:
    """Whether the target is the formula to its rounding wherever both are present."""
    return bool(_close(target, formula, step))


def _rates(
    values: np.ndarray, probe: np.ndarray, t: int, free: list[int], step: float
) -> list[_Candidate]:
    """``target = k * x``: the ``k`` with the fewest significant digits that fits."""
    return [([i], [k], "sum") for i, k in _constant_rates(values, probe, t, free, step, None)]


def _products(
    values: np.ndarray, probe: np.ndarray, t: int, free: list[int], step: float
) -> list[_Candidate]:
    """``target = k * a * b`` (a price times a quantity, a rate times an amount)."""
    a, b = np.triu_indices(len(free), 1)
    pairs = [(free[i], free[j]) for i, j in zip(a, b, strict=True)]
    found = _constant_rates(values, probe, t, list(range(len(pairs))), step, pairs)
    return [([*pairs[p]], [k, 1.0], "product") for p, k in found]


def _constant_rates(
    values: np.ndarray,
    probe: np.ndarray,
    t: int,
    columns: list[int],
    step: float,
    pairs: list[tuple[int, int]] | None,
) -> list[tuple[int, float]]:
    """``(column, k)`` with ``target = k * x`` (``x`` a column, or the product of a pair):
    a ``k`` must fit every probe row (the intersection of each row's interval of ``k``
    is not empty) before the shortest such ``k`` is tried on the sample."""

    def x_of(rows: np.ndarray, chosen: list[int]) -> np.ndarray:
        if pairs is None:
            return rows[:, chosen]
        left, right = zip(*(pairs[c] for c in chosen), strict=True) if chosen else ((), ())
        return rows[:, list(left)] * rows[:, list(right)]

    if not columns:
        return []
    x, y = x_of(probe, columns), probe[:, [t]]
    usable = ~(np.isnan(x) | np.isnan(y)) & (x != 0)
    half = step / 2 + RELATIVE_SLACK * np.maximum(1.0, np.abs(np.nan_to_num(y)))
    with np.errstate(invalid="ignore", divide="ignore"):
        ends = np.stack([(y - half) / x, (y + half) / x])
    low = np.where(usable, ends.min(axis=0), -np.inf).max(axis=0)
    high = np.where(usable, ends.max(axis=0), np.inf).min(axis=0)
    fits = (low <= high) & (usable.sum(axis=0) >= (len(probe) + 1) // 2)
    found = []
    for c in np.flatnonzero(fits):
        column = x_of(values, [columns[c]])[:, 0]
        target = values[:, t]
        shown = ~(np.isnan(column) | np.isnan(target)) & (column != 0)
        if shown.sum() < 2 or np.nanstd(column) == 0:
            continue
        k = float(np.median(target[shown] / column[shown]))
        for digits in _RATE_DIGITS:
            rate = float(f"{k:.{digits}g}")
            if rate != 0 and _within(target, rate * column, step):
                found.append((columns[c], rate))
                break
    return found


def _reverse_is_simpler(
    values: np.ndarray, t: int, x: int, rate: float, x_step: float, step: float
) -> bool:
    """A rate found both ways is kept the way its constant is shorter: ``charge = 0.17 *
    minutes``, not ``minutes = 5.882 * charge`` (both can be exact to their roundings);
    at equal length, the finer-rounded column is the computed one (a charge in cents)."""
    back = _constant_rates(values, values[:_PROBE_ROWS], x, [t], x_step, None)
    if not back:
        return False
    shorter, same = _digits(back[0][1]) < _digits(rate), _digits(back[0][1]) == _digits(rate)
    return shorter or (same and x_step < step)


def _digits(value: float) -> int:
    return len(f"{value:.8g}".replace("-", "").replace(".", "").strip("0"))


def _pair_sums(
    values: np.ndarray, probe: np.ndarray, t: int, free: list[int], step: float
) -> list[_Candidate]:
    """``target = a + b``."""
    return _two_terms(values, probe, t, free, step, sign=1.0)


def _differences(
    values: np.ndarray, probe: np.ndarray, t: int, free: list[int], step: float
) -> list[_Candidate]:
    """``target = a - b`` (tried after every sum: ``total = net + tax`` is preferred to
    ``net = total - tax``)."""
    return _two_terms(values, probe, t, free, step, sign=-1.0)


def _two_terms(
    values: np.ndarray, probe: np.ndarray, t: int, free: list[int], step: float, sign: float
) -> list[_Candidate]:
    terms = probe[:, free]
    fits = _close(probe[:, t], terms[:, :, None] + sign * terms[:, None, :], step)
    if sign > 0:
        fits = np.triu(fits, 1)
    np.fill_diagonal(fits, False)
    candidates = []
    for i, j in zip(*np.nonzero(fits), strict=True):
        a, b = free[i], free[j]
        if _within(values[:, t], values[:, a] + sign * values[:, b], step):
            candidates.append(([a, b], [1.0, sign], "sum"))
    return candidates


def _triple_sums(
    values: np.ndarray, probe: np.ndarray, t: int, free: list[int], step: float
) -> list[_Candidate]:
    """``target = a + b + c``: the pair sums of one probe row are sorted once, and for
    each ``a`` the pairs matching ``target - a`` there are found by binary search, then
    checked on every probe row and the sample (no loop over triples)."""
    terms, y = probe[:, free], probe[:, t]
    if len(free) < 3 or np.isnan(y[0]):
        return []
    j, k = np.triu_indices(len(free), 1)
    sums = terms[0, j] + terms[0, k]
    order = np.argsort(np.where(np.isnan(sums), np.inf, sums), kind="stable")
    order = order[~np.isnan(sums[order])]
    j, k, sums = j[order], k[order], sums[order]
    half = step / 2 + RELATIVE_SLACK * max(1.0, abs(float(y[0])))
    residual = y[0] - terms[0]
    lo = np.searchsorted(sums, residual - half, "left")
    hi = np.searchsorted(sums, residual + half, "right")
    counts = np.where(np.isnan(residual), 0, hi - lo)
    first = np.repeat(np.arange(len(free)), counts)[:_MAX_CANDIDATES]
    hit = (np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts))[
        :_MAX_CANDIDATES
    ] + np.repeat(lo, counts)[:_MAX_CANDIDATES]
    i, j, k = first, j[hit], k[hit]
    distinct = (i < j) & (j < k)
    i, j, k = i[distinct], j[distinct], k[distinct]
    fits = _close(y, terms[:, i] + terms[:, j] + terms[:, k], step)
    candidates = []
    for a, b, c in zip(i[fits], j[fits], k[fits], strict=True):
        inputs = [free[a], free[b], free[c]]
        if _within(values[:, t], values[:, inputs].sum(axis=1), step):
            candidates.append((inputs, [1.0, 1.0, 1.0], "sum"))
    return candidates


def _confirmed(rule: Formula, df: pd.DataFrame, schema: TableSchema, support: int) -> bool:
    """The formula holds on every row, enough rows show it (with a target other than 0),
    and the computed column is present only where its inputs are (it is computed from
    them after sampling)."""
    target = numbers_of(df, rule.column, schema)
    formula = rule.predicted({c: numbers_of(df, c, schema) for c in rule.inputs})
    shown = ~(np.isnan(target) | np.isnan(formula)) & (target != 0)  # 0 = 0 + 0 shows nothing
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
    df: pd.DataFrame,
    sample: pd.DataFrame,
    schema: TableSchema,
    min_support: int,
    exclude: frozenset[str] | set[str] = frozenset(),
) -> list[Lookup]:
    """Columns that one column determines, one :class:`Lookup` per determinant."""
    free = [s for s in schema if not s.kind.is_generated and s.name not in exclude]
    labels = [s.name for s in free if s.kind in (ColumnKind.CATEGORICAL, ColumnKind.BOOLEAN)]
    numbers = [
        s.name
        for s in free
        if s.kind in _NUMBERS and df[s.name].nunique() <= MAX_DETERMINED_VALUES
    ]
    if not labels or len(df) < min_support:
        return []
    codes = {c: _codes(df[c]) for c in [*labels, *numbers]}
    sizes = {c: int(v.max()) + 1 for c, v in codes.items()}
    some = slice(None, None, max(1, len(df) // SAMPLE_ROWS))
    fixed: dict[str, set[str]] = {}
    for a in (c for c in codes if _can_determine(codes[c], sizes[c], len(df), min_support)):
        # a number determines labels only: between two numbers a formula says more
        dependents = labels if a in numbers else codes
        for b in dependents:
            if b == a or sizes[b] < 2:
                continue
            # a subset of rows first: what fails there fails on all of them
            if _determines(codes[a][some], codes[b][some], sizes[b]) and _determines(
                codes[a], codes[b], sizes[b]
            ):
                fixed.setdefault(a, set()).add(b)
    # the combinations of the real rows are the allowed ones: the rule can check any table
    return [rule.observe(df) for rule in _lookups(fixed, set(numbers), sizes)]


def _codes(series: pd.Series) -> np.ndarray:
    """Integer codes of a column's values, a missing value being a value of its own."""
    codes, _ = pd.factorize(series, use_na_sentinel=False)
    return codes.astype(np.int64)


def _can_determine(codes: np.ndarray, size: int, rows: int, support: int) -> bool:
    """Whether a column's values repeat enough for what they fix to be a rule, and
    enough rows hold a value other than its commonest (9,999 zeros and one 1 prove
    nothing)."""
    if size < 2 or rows < MIN_ROWS_PER_VALUE * size:
        return False
    counts = np.bincount(codes, minlength=size)
    singletons = counts[counts == 1].sum()
    return bool(singletons <= MAX_SINGLETON_SHARE * rows and rows - counts.max() >= support)


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
