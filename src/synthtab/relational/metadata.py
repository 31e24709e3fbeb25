"""What a database is: tables, their primary keys, and the relations between them.

A :class:`Relation` says that the ``child_columns`` of one table hold keys of the
``parent_columns`` of another (or of the same table: a self-reference, such as an
employee's manager). Keys are detected from the values and the names
(:func:`detect_primary_keys`, :func:`detect_relations`) or declared, and
:func:`check_database` reports every problem of a declared database at once.

>>> persons = pd.DataFrame({"id": [1, 2, 3], "boss_id": [None, 1, 1]})
>>> visits = pd.DataFrame({"person_id": [1, 1, 3, 9], "cost": [5.0, 7.5, 2.0, 1.0]})
>>> keys = detect_primary_keys({"persons": persons, "visits": visits})
>>> keys
{'persons': ('id',)}
>>> [str(r) for r in detect_relations({"persons": persons, "visits": visits}, keys)]
['persons.boss_id -> persons.id', 'visits.person_id -> persons.id']
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from synthtab.errors import DataValidationError, InvalidParameterError

Tables = Mapping[str, pd.DataFrame]

#: Shares of a child column's distinct values that must be parent keys for a
#: relation to be detected: with a name that points at the parent, and without one.
NAMED_INCLUSION = 0.5
UNNAMED_INCLUSION = 0.9
#: A relation found by values alone needs this many distinct child values.
MIN_DISTINCT_BY_VALUE = 3


@dataclass(frozen=True)
class Relation:
    """``child.child_columns`` hold keys of ``parent.parent_columns``.

    >>> r = Relation.parse("flights.tailnum -> planes.tailnum")
    >>> r.child, r.child_columns, r.parent, r.parent_columns
    ('flights', ('tailnum',), 'planes', ('tailnum',))
    """

    child: str
    child_columns: tuple[str, ...]
    parent: str
    parent_columns: tuple[str, ...]

    def __post_init__(self) -> None:
        if len(self.child_columns) != len(self.parent_columns) or not self.child_columns:
            raise InvalidParameterError(
                f"The relation {self} must name as many child columns as parent columns "
                "(at least one)."
            )

    def __str__(self) -> str:
        return (
            f"{self.child}.{','.join(self.child_columns)} -> "
            f"{self.parent}.{','.join(self.parent_columns)}"
        )

    @property
    def is_self_reference(self) -> bool:
        """A table whose rows point at rows of the same table (a manager, a parent)."""
        return self.child == self.parent

    @classmethod
    def parse(cls, text: str) -> Relation:
        """Read ``"child.col[,col] -> parent.col[,col]"``."""
        match = re.fullmatch(r"\s*([^.\s]+)\.(\S+)\s*->\s*([^.\s]+)\.(\S+)\s*", text)
        if match is None:
            raise InvalidParameterError(
                f"Cannot read the relation {text!r}; write it as "
                "'child.column -> parent.column' (composite keys: 'child.a,b -> parent.a,b')."
            )
        child, child_cols, parent, parent_cols = match.groups()
        return cls(child, tuple(child_cols.split(",")), parent, tuple(parent_cols.split(",")))

    def to_dict(self) -> dict[str, Any]:
        """JSON form, for model files."""
        return {
            "child": self.child,
            "child_columns": list(self.child_columns),
            "parent": self.parent,
            "parent_columns": list(self.parent_columns),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Relation:
        """Inverse of :meth:`to_dict`."""
        return cls(
            str(data["child"]),
            tuple(data["child_columns"]),
            str(data["parent"]),
            tuple(data["parent_columns"]),
        )


def as_relations(relations: Sequence[Relation | str]) -> list[Relation]:
    """Relations given as :class:`Relation` objects or as ``"a.x -> b.y"`` strings."""
    out = []
    for item in relations:
        if isinstance(item, Relation):
            out.append(item)
        elif isinstance(item, str):
            out.append(Relation.parse(item))
        else:
            raise InvalidParameterError(
                f"A relation must be a Relation or a string 'child.column -> parent.column'; "
                f"got {type(item).__name__} {item!r}."
            )
    return out


# -- detection ------------------------------------------------------------------------


def detect_primary_keys(tables: Tables) -> dict[str, tuple[str, ...]]:
    """The single column of each table that is a key: unique, never missing, whole
    numbers or text, and best named (``id``, ``<table>_id``, ``*_id``, ``code``,
    ``key``); tables without one are left out (declare composite keys)."""
    keys: dict[str, tuple[str, ...]] = {}
    for name, frame in tables.items():
        candidates = [c for c in frame.columns if _is_key_column(frame[c])]
        if candidates:
            best = max(candidates, key=lambda c: (_key_name_score(str(c), name), -_pos(frame, c)))
            if _key_name_score(str(best), name) > 0 or _is_text(frame[best]):
                keys[name] = (str(best),)
                continue
        others = [set(map(str, f.columns)) for t, f in tables.items() if t != name]
        pair = _key_pair(frame, others)
        if pair:
            keys[name] = pair
    return keys


def _key_pair(frame: pd.DataFrame, others: list[set[str]]) -> tuple[str, str] | None:
    """Two never-missing text, whole-number or date columns that are unique together
    (weather's origin and hour) and that another table holds by the same names, the
    earliest such pair; None if there is none."""
    counts = {str(c): frame[c].nunique() for c in frame.columns}
    usable = [
        str(c)
        for c in frame.columns
        if not frame[c].isna().any()
        and not pd.api.types.is_float_dtype(frame[c])
        and not pd.api.types.is_bool_dtype(frame[c])
        and frame[c].nunique() < len(frame)
    ]
    for i, a in enumerate(usable):
        for b in usable[i + 1 :]:
            if counts[a] * counts[b] < len(frame) or not any({a, b} <= o for o in others):
                continue
            if not frame.duplicated([a, b]).any():
                return a, b
    return None


def detect_relations(tables: Tables, primary_keys: Mapping[str, Sequence[str]]) -> list[Relation]:
    """Foreign keys: a child column whose distinct values are mostly keys of a parent,
    by name (``tailnum`` -> ``planes.tailnum``, ``person_id`` -> ``persons.id``; at
    least half of them) or by values alone for text keys (nine in ten). Each column
    refers to one parent: the one its name points at best, then the best covered.
    Composite parent keys are matched by the child columns of the same names."""
    found = []
    for child, frame in tables.items():
        distinct: dict[str, np.ndarray] = {}
        own = tuple(primary_keys.get(child, ()))
        for column in map(str, frame.columns):
            if len(own) == 1 and column == own[0]:
                continue  # a table's own key is not a reference
            scored = [
                (score, parent, tuple(key))
                for parent, key in primary_keys.items()
                if len(key) == 1
                and (
                    score := _reference_score(
                        frame[column], column, parent, key[0], tables, distinct
                    )
                )
            ]
            if scored:
                _, parent, best_key = max(scored, key=lambda item: item[0])
                found.append(Relation(child, (column,), parent, best_key))
            elif len(own) == 1 and _points_at_own_rows(frame, column, own[0], tables):
                found.append(Relation(child, (column,), child, own))
        for parent, key in primary_keys.items():
            if len(key) > 1:
                found += _composite_relation(child, frame, parent, tuple(key), tables[parent])
    return sorted(found, key=str)


def _points_at_own_rows(frame: pd.DataFrame, column: str, key: str, tables: Tables) -> bool:
    """A self-reference named for a role, not a table (``manager_id``, ``parent_id``,
    ``reports_to`` -> ``employees.employee_id``): nine in ten of its values are the
    table's own keys."""
    col = column.lower()
    stem = col.removesuffix("_id")
    stems = {n.lower() for n in tables} | {n.lower().rstrip("s") for n in tables}
    roles = ("reports_to", "parent", "manager", "boss", "supervisor")
    if not (col.endswith("_id") or col in roles) or stem in stems:
        return False
    series, keys = frame[column], frame[key]
    if not _same_key_type(series, keys):
        return False
    distinct = pd.unique(series.dropna())
    if len(distinct) < 2:
        return False
    return float(np.isin(distinct, keys.to_numpy()).mean()) >= UNNAMED_INCLUSION


def _composite_relation(
    child: str, frame: pd.DataFrame, parent: str, key: tuple[str, ...], parent_frame: pd.DataFrame
) -> list[Relation]:
    if child == parent or not set(key) <= set(map(str, frame.columns)):
        return []
    values = frame[list(key)].dropna().drop_duplicates()
    if values.empty:
        return []
    parent_index = pd.MultiIndex.from_frame(parent_frame[list(key)])
    inside = pd.MultiIndex.from_frame(values).isin(parent_index)
    return [Relation(child, key, parent, key)] if inside.mean() >= NAMED_INCLUSION else []


def _reference_score(
    series: pd.Series,
    column: str,
    parent: str,
    key: str,
    tables: Tables,
    cache: dict[str, np.ndarray],
) -> tuple[int, float] | None:
    """(how well the name points at the parent, share of values that are its keys)."""
    parent_keys = tables[parent][key]
    if not _same_key_type(series, parent_keys):
        return None
    if column not in cache:
        cache[column] = pd.unique(series.dropna())
    distinct = cache[column]
    if len(distinct) == 0:
        return None
    inside = float(np.isin(distinct, parent_keys.to_numpy()).mean())
    named = _name_score(column, parent, key)
    if named:
        return (named, inside) if inside >= NAMED_INCLUSION else None
    if _is_text(series) and len(distinct) >= MIN_DISTINCT_BY_VALUE and inside >= UNNAMED_INCLUSION:
        return (0, inside)
    return None


def _name_score(column: str, parent: str, key: str) -> int:
    col, par, key = column.lower(), parent.lower(), key.lower()
    stems = {par, par.rstrip("s"), par[:-3] + "y" if par.endswith("ies") else par}
    if col == key and key not in ("id", "key", "code"):
        return 3
    if any(col in (f"{s}_{key}", f"{s}{key}", f"{s}_id", f"{s}id") for s in stems):
        return 2
    # a second pointer or a self-reference: manager_id, parent_id -> id
    return 1 if key == "id" and col.endswith("_id") else 0


def _is_key_column(series: pd.Series) -> bool:
    if series.isna().any() or len(series) < 2 or not series.is_unique:
        return False
    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_float_dtype(series):
        return False
    return pd.api.types.is_integer_dtype(series) or _is_text(series)


def _key_name_score(column: str, table: str) -> int:
    col, tab = column.lower(), table.lower()
    stems = (tab, tab.rstrip("s"), tab[:-3] + "y" if tab.endswith("ies") else tab)
    # id, school_id or a table named after its key (schools.school, cities.city)
    if col == "id" or col in stems or col in (f"{s}_id" for s in stems):
        return 3
    if col.endswith("_id") or col.endswith("id") or col in ("code", "key", "faa", "tailnum"):
        return 2
    if col.endswith(("code", "key", "num", "no")):
        return 1
    return 0


def _pos(frame: pd.DataFrame, column: object) -> int:
    return list(frame.columns).index(column)


def _is_text(series: pd.Series) -> bool:
    return bool(pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series))


def _same_key_type(a: pd.Series, b: pd.Series) -> bool:
    numeric, dates = pd.api.types.is_numeric_dtype, pd.api.types.is_datetime64_any_dtype
    return (numeric(a) and numeric(b)) or (_is_text(a) and _is_text(b)) or (dates(a) and dates(b))


# -- checks ---------------------------------------------------------------------------


def check_database(
    tables: Tables,
    primary_keys: Mapping[str, Sequence[str]],
    relations: Sequence[Relation],
) -> None:
    """Every problem of the declared database at once, as one DataValidationError."""
    problems = [p for name, frame in tables.items() for p in _table_problems(name, frame)]
    for table, key in primary_keys.items():
        problems += _key_problems(tables, table, tuple(key))
    for relation in relations:
        problems += _relation_problems(tables, primary_keys, relation)
    if not problems:
        cycle = find_cycle(tables, relations)
        if cycle:
            problems.append(
                f"the relations form a cycle ({' -> '.join(cycle)}); only a table that refers "
                "to itself may close a loop. Drop one relation of the cycle"
            )
    if problems:
        raise DataValidationError(problems, what="The database")


def _table_problems(name: str, frame: object) -> list[str]:
    if not isinstance(frame, pd.DataFrame):
        return [f"table '{name}' is a {type(frame).__name__}, not a pandas DataFrame"]
    if frame.empty:
        return [f"table '{name}' has no rows"]
    return []


def _key_problems(tables: Tables, table: str, key: tuple[str, ...]) -> list[str]:
    if table not in tables:
        return [f"a primary key is declared for table '{table}', which is not given"]
    frame = tables[table]
    missing = [c for c in key if c not in frame.columns]
    if missing:
        return [f"the primary key of table '{table}' names missing column(s) {missing}"]
    values = frame[list(key)]
    problems = []
    gaps = int(values.isna().any(axis=1).sum())
    if gaps:
        problems.append(f"the primary key {list(key)} of table '{table}' is missing in {gaps} rows")
    dup = values[values.duplicated(keep=False)]
    if len(dup):
        shown = dup.drop_duplicates().head(3).to_dict("records")
        problems.append(
            f"the primary key {list(key)} of table '{table}' repeats in {len(dup)} rows "
            f"(e.g. {shown}); a key must be unique: declare another key or drop the repeats"
        )
    return problems


def _relation_problems(
    tables: Tables, primary_keys: Mapping[str, Sequence[str]], relation: Relation
) -> list[str]:
    problems = []
    for table, columns in (
        (relation.child, relation.child_columns),
        (relation.parent, relation.parent_columns),
    ):
        if table not in tables:
            problems.append(f"the relation {relation} names table '{table}', which is not given")
            continue
        missing = [c for c in columns if c not in tables[table].columns]
        if missing:
            problems.append(
                f"the relation {relation} names column(s) {missing} that table '{table}' lacks"
            )
    if problems:
        return problems
    if tuple(primary_keys.get(relation.parent, ())) != relation.parent_columns:
        problems.append(
            f"the relation {relation} points at {list(relation.parent_columns)}, which is not "
            f"the primary key of table '{relation.parent}' "
            f"({list(primary_keys.get(relation.parent, ())) or 'none declared'}); declare it "
            "with primary_keys={...}"
        )
    for c, p in zip(relation.child_columns, relation.parent_columns, strict=True):
        child, parent = tables[relation.child][c], tables[relation.parent][p]
        if not _same_key_type(child, parent):
            problems.append(
                f"the relation {relation} joins {relation.child}.{c} ({child.dtype}) to "
                f"{relation.parent}.{p} ({parent.dtype}); cast one so both hold numbers or "
                "both hold text"
            )
    return problems


def find_cycle(tables: Tables, relations: Sequence[Relation]) -> list[str]:
    """A loop of parent links between different tables, or ``[]``."""
    parents: dict[str, set[str]] = {name: set() for name in tables}
    for r in relations:
        if not r.is_self_reference:
            parents.setdefault(r.child, set()).add(r.parent)
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for parent in sorted(parents.get(node, ())):
            if state.get(parent) == 1:
                return [*path[path.index(parent) :], parent]
            if parent not in state:
                cycle = visit(parent)
                if cycle:
                    return cycle
        state[node] = 2
        path.pop()
        return []

    for name in sorted(parents):
        if name not in state:
            cycle = visit(name)
            if cycle:
                return cycle
    return []


def parents_first(tables: Tables, relations: Sequence[Relation]) -> list[str]:
    """The tables in an order where every parent comes before its children."""
    order: list[str] = []
    remaining = list(tables)
    links = [r for r in relations if not r.is_self_reference]
    while remaining:
        ready = [t for t in remaining if all(r.parent in order for r in links if r.child == t)]
        order += ready
        remaining = [t for t in remaining if t not in ready]
    return order
