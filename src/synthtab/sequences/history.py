"""A long table of events split into its entities and their ordered events.

An entity's own columns are those constant within every entity (a country's continent);
they, and how many events each entity has, make one row per entity. The other columns,
the order column among them, are the events, sorted by entity and then by order.

>>> long = pd.DataFrame({"who": ["b", "a", "a", "b", "a"], "t": [2, 3, 1, 1, 2],
...                      "kind": ["x", "y", "y", "x", "y"], "v": [5.0, 3.0, 1.0, 4.0, 2.0]})
>>> h = split_histories(long, entity="who", order_by="t")
>>> h.static, h.lengths.tolist(), h.events["v"].tolist()
(['kind'], [3, 2], [1.0, 2.0, 3.0, 4.0, 5.0])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from synthtab.encoding.columns import to_canonical
from synthtab.errors import DataValidationError
from synthtab.schema import ColumnKind, infer_schema

#: The entity table's column holding how many events each entity has.
LENGTH = "events"


@dataclass(frozen=True)
class Histories:
    """Entities (one row each: their own columns and :data:`LENGTH`) and their events."""

    entity: str
    order_by: str
    keys: pd.Series  # the real key of each entity, in the entity table's order
    static: list[str]  # columns constant within each entity
    entities: pd.DataFrame
    events: pd.DataFrame  # sorted by entity then order; no entity or static column
    lengths: np.ndarray

    @property
    def offsets(self) -> np.ndarray:
        """Position of each entity's first event in :attr:`events`."""
        return np.concatenate([[0], np.cumsum(self.lengths)[:-1]]).astype(np.int64)

    @property
    def steps(self) -> np.ndarray:
        """Each event's position in its history (0 for the first)."""
        return np.arange(len(self.events)) - np.repeat(self.offsets, self.lengths)


def order_values(column: pd.Series) -> np.ndarray:
    """The order column as numbers that sort like it (datetimes as epoch seconds)."""
    spec = infer_schema(column.to_frame())[str(column.name)]
    if spec.kind not in (ColumnKind.DATETIME, ColumnKind.NUMERIC, ColumnKind.INTEGER):
        spec = infer_schema(column.to_frame(), overrides={str(column.name): "numeric"})[
            str(column.name)
        ]
    return np.asarray(to_canonical(column, spec), dtype=np.float64)


def split_histories(
    data: pd.DataFrame,
    *,
    entity: str,
    order_by: str,
    entity_columns: pd.DataFrame | None = None,
    static: Sequence[str] | None = None,
) -> Histories:
    """Split ``data`` into entities and events (see the module docstring).

    ``entity_columns``: a table of the entities' own columns (keyed by ``entity``),
    joined to the entity rows. ``static``: the entities' own columns among ``data``'s,
    as a fitted model knows them (each entity's first value is taken), instead of
    those found constant here.
    """
    check_long_table(data, entity, order_by)
    codes, uniques = pd.factorize(data[entity], sort=True)
    order = np.lexsort((order_values(data[order_by]), codes))
    data = data.iloc[order].reset_index(drop=True)
    codes = codes[order]
    lengths = np.bincount(codes, minlength=len(uniques))
    others = [c for c in data.columns if c not in (entity, order_by)]
    static = _constant_within(data, codes, others) if static is None else list(static)
    first = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    entities = data.loc[first, static].reset_index(drop=True)
    keys = data.loc[first, entity].reset_index(drop=True)
    if entity_columns is not None:
        entities = _join_entity_columns(entities, keys, entity_columns, entity)
    entities[LENGTH] = lengths.astype(np.int64)
    events = data.drop(columns=[entity, *static])
    return Histories(entity, order_by, keys, static, entities, events, lengths)


def check_long_table(data: object, entity: str, order_by: str) -> None:
    """Every problem with a long table at once, as one :class:`DataValidationError`."""
    if not isinstance(data, pd.DataFrame):
        raise DataValidationError(
            [f"expected a pandas DataFrame, got {type(data).__name__}"], what="The history table"
        )
    problems = []
    for option, column in (("entity", entity), ("order_by", order_by)):
        if column not in data.columns:
            problems.append(
                f"the {option} column {column!r} is not in the table (columns: "
                f"{list(map(str, data.columns))[:20]})"
            )
        elif data[column].isna().any():
            problems.append(
                f"the {option} column {column!r} is missing in {int(data[column].isna().sum())} "
                "rows; every event needs its entity and its place in the order"
            )
    if entity == order_by:
        problems.append(f"entity and order_by are the same column {entity!r}")
    if data.empty:
        problems.append("the table has no rows")
    if len(data.columns) > len(set(map(str, data.columns))):
        problems.append("column names repeat")
    if LENGTH in data.columns:
        problems.append(f"a column is named {LENGTH!r}, the name of the length of each history")
    if problems:
        raise DataValidationError(problems, what="The history table")


def _constant_within(data: pd.DataFrame, codes: np.ndarray, columns: Sequence[str]) -> list[str]:
    """Columns with one value (a gap counts as one) in every entity."""
    if not columns:
        return []
    distinct = data[list(columns)].groupby(codes, sort=False).nunique(dropna=False).max()
    return [c for c in columns if distinct[c] <= 1]


def _join_entity_columns(
    entities: pd.DataFrame, keys: pd.Series, table: pd.DataFrame, entity: str
) -> pd.DataFrame:
    problems = []
    if not isinstance(table, pd.DataFrame) or entity not in table.columns:
        problems.append(f"the entity table must be a DataFrame with the key column {entity!r}")
    elif table[entity].duplicated().any():
        problems.append(f"the entity table repeats keys in {entity!r}")
    else:
        clash = sorted(set(table.columns) & set(entities.columns))
        if clash:
            problems.append(
                f"the entity table repeats columns of the history table: {clash}; rename "
                "them in one of the two tables"
            )
    if problems:
        raise DataValidationError(problems, what="The entity table")
    extra = table.set_index(entity).reindex(keys.to_numpy()).reset_index(drop=True)
    # a column none of these entities has (no plane of theirs in the table) tells nothing
    return pd.concat([entities, extra.dropna(axis=1, how="all")], axis=1)
