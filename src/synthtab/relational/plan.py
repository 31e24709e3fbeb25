"""How one table of a database is modelled: which of its columns a single-table
synthesizer learns, and which the relational layer adds or fills in.

For a table the plan adds, beside its own columns,

* ``count:<child>.<columns>``: how many rows of a child table point at each row,
  learned with the row's own columns, so a wide-body plane gets more flights;
* ``<columns>.<parent column>``: the columns of the parent row a foreign key points
  at (the *context*), so children are drawn as children of such a parent;
* ``link:<columns>``: whether a foreign key points at a parent, at no row
  (``orphan``) or is missing, where real rows show either;
* ``depth:<column>``: for a table that refers to itself, how deep each row sits
  below a row that points nowhere (an employee under a manager under the head).

A table's own single-column key is not learned: fresh keys are made
(:class:`~synthtab.relational.keys.KeySpec`). A foreign key into a synthesized
parent with such a key is filled in by matching; into a parent with a key of real
columns (weather's origin and hour) it is learned, then set from the matched parent;
into a reference table (kept as it is) it is learned as a label.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from synthtab.relational.keys import KeySpec
from synthtab.relational.metadata import Relation

LINKED, ORPHAN, MISSING = "parent", "orphan", "missing"


@dataclass
class LinkPlan:
    """One foreign key of a table, and how it is produced."""

    relation: Relation
    kind: str  # "generated" | "natural" | "reference" | "self"
    state_column: str | None = None
    context: list[tuple[str, str]] = field(default_factory=list)  # (context name, parent col)
    linked_share: float = 1.0
    orphan_keys_per_row: float = 1.0  # distinct orphan keys per orphan row

    def to_dict(self) -> dict[str, Any]:
        return {
            "relation": self.relation.to_dict(),
            "kind": self.kind,
            "state_column": self.state_column,
            "context": [list(pair) for pair in self.context],
            "linked_share": self.linked_share,
            "orphan_keys_per_row": self.orphan_keys_per_row,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LinkPlan:
        return cls(
            Relation.from_dict(data["relation"]),
            str(data["kind"]),
            data["state_column"],
            [(str(a), str(b)) for a, b in data["context"]],
            float(data["linked_share"]),
            float(data["orphan_keys_per_row"]),
        )


@dataclass
class TablePlan:
    """What is learned and what is filled in for one table."""

    name: str
    columns: list[str]
    dtypes: dict[str, str]
    n_rows: int
    key: tuple[str, ...] = ()
    key_spec: KeySpec | None = None  # set when the key is made fresh, not learned
    links: list[LinkPlan] = field(default_factory=list)
    counts: dict[str, str] = field(default_factory=dict)  # relation text -> count column
    count_totals: dict[str, int] = field(default_factory=dict)  # relation text -> real children

    @property
    def depth_column(self) -> str | None:
        selfs = [link for link in self.links if link.kind == "self"]
        return f"depth:{selfs[0].relation.child_columns[0]}" if selfs else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "columns": self.columns,
            "dtypes": self.dtypes,
            "n_rows": self.n_rows,
            "key": list(self.key),
            "key_spec": self.key_spec.to_dict() if self.key_spec else None,
            "links": [link.to_dict() for link in self.links],
            "counts": self.counts,
            "count_totals": self.count_totals,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TablePlan:
        spec = data["key_spec"]
        return cls(
            str(data["name"]),
            list(data["columns"]),
            dict(data["dtypes"]),
            int(data["n_rows"]),
            tuple(data["key"]),
            KeySpec.from_dict(spec) if spec else None,
            [LinkPlan.from_dict(item) for item in data["links"]],
            dict(data["counts"]),
            {str(k): int(v) for k, v in data.get("count_totals", {}).items()},
        )


def make_plan(
    name: str,
    frame: pd.DataFrame,
    key: Sequence[str],
    relations: Sequence[Relation],
    kinds: Mapping[str, str],
) -> TablePlan:
    """The plan of table ``name``; ``kinds`` says per parent table whether its key is
    ``generated``, ``natural`` or a ``reference`` table's."""
    key = tuple(key)
    generated = len(key) == 1 and kinds.get(name) == "generated"
    plan = TablePlan(
        name,
        [str(c) for c in frame.columns],
        {str(c): str(t) for c, t in frame.dtypes.items()},
        len(frame),
        key,
        KeySpec.learn(frame[key[0]]) if generated else None,
    )
    for relation in relations:
        if relation.parent == name and "reference" not in (
            kinds.get(relation.child),
            kinds.get(name),
        ):
            plan.counts[str(relation)] = f"count:{relation.child}.{_cols(relation)}"
        if relation.child == name:
            kind = "self" if relation.is_self_reference else kinds[relation.parent]
            plan.links.append(LinkPlan(relation, kind))
    return plan


def _cols(relation: Relation) -> str:
    return ",".join(relation.child_columns)


def link_states(frame: pd.DataFrame, relation: Relation, parent: pd.DataFrame) -> np.ndarray:
    """Per child row: ``parent``, ``orphan`` (a key no parent row has) or ``missing``."""
    values = frame[list(relation.child_columns)]
    missing = values.isna().any(axis=1).to_numpy()
    keys = pd.MultiIndex.from_frame(parent[list(relation.parent_columns)])
    inside = pd.MultiIndex.from_frame(values).isin(keys)
    return np.where(missing, MISSING, np.where(inside, LINKED, ORPHAN)).astype(object)


def hierarchy_depth(keys: pd.Series, pointers: pd.Series) -> np.ndarray:
    """How many steps each row is below a row that points nowhere (depth 0); rows in
    a loop count as depth 0 too."""
    position = pd.Series(np.arange(len(keys)), index=keys.to_numpy())
    up = position.reindex(pointers.to_numpy()).to_numpy()  # parent row or NaN
    depth = np.zeros(len(keys), dtype=np.int64)
    current = up.copy()
    for _ in range(len(keys)):
        alive = ~np.isnan(current)
        if not alive.any():
            return depth
        depth[alive] += 1
        current[alive] = up[current[alive].astype(int)]
    return np.where(np.isnan(current), depth, 0)  # what never reached a root is a loop


def training_frame(
    plan: TablePlan,
    tables: Mapping[str, pd.DataFrame],
    plans: Mapping[str, TablePlan],
    relations: Sequence[Relation],
) -> pd.DataFrame:
    """The columns the single-table synthesizer of ``plan.name`` learns; fills in the
    links' context, states and shares on ``plan``."""
    real = tables[plan.name]
    out = real.drop(columns=list(plan.key)) if plan.key_spec else real.copy()
    for link in plan.links:
        out = _add_link(out, real, link, tables, plans)
    for relation in relations:
        column = plan.counts.get(str(relation))
        if column:
            out[column] = children_per_row(real, plan.key, tables[relation.child], relation)
    return out.reset_index(drop=True)


def children_per_row(
    parent: pd.DataFrame, key: Sequence[str], child: pd.DataFrame, relation: Relation
) -> np.ndarray:
    """How many child rows point at each parent row."""
    pointers = child[list(relation.child_columns)].dropna()
    pointers.columns = list(key)
    counts = pointers.groupby(list(key)).size()
    index = pd.MultiIndex.from_frame(parent[list(key)]) if len(key) > 1 else parent[key[0]]
    return counts.reindex(index).fillna(0).to_numpy(dtype=np.int64)


def _add_link(
    out: pd.DataFrame,
    real: pd.DataFrame,
    link: LinkPlan,
    tables: Mapping[str, pd.DataFrame],
    plans: Mapping[str, TablePlan],
) -> pd.DataFrame:
    relation = link.relation
    if link.kind == "reference":
        return out
    parent = tables[relation.parent]
    states = link_states(real, relation, parent)
    link.linked_share = float(np.mean(states == LINKED))
    orphans = states == ORPHAN
    if orphans.any():
        distinct = real.loc[orphans, list(relation.child_columns)].drop_duplicates()
        link.orphan_keys_per_row = len(distinct) / int(orphans.sum())
    if link.kind == "generated" or link.kind == "self":
        out = out.drop(columns=list(relation.child_columns))
    if (states != LINKED).any():
        link.state_column = f"link:{_cols(relation)}"
        out[link.state_column] = states
    parent_plan = plans[relation.parent]
    pointers = {  # keys made fresh say nothing about the row
        c
        for up in parent_plan.links
        if up.kind in ("generated", "self")
        for c in up.relation.child_columns
    }
    shown = [
        c
        for c in parent_plan.columns
        if not (parent_plan.key_spec and c in parent_plan.key) and c not in pointers
    ]
    view, inherited = _parent_view(parent_plan, tables, plans)
    shown += inherited
    joined = _parent_rows(real, relation, view)[shown]
    link.context = [(f"{_cols(relation)}.{c}", c) for c in shown]
    joined.columns = [name for name, _ in link.context]
    out = pd.concat([out.reset_index(drop=True), joined.reset_index(drop=True)], axis=1)
    if link.kind == "self":
        keys, pointers = real[relation.parent_columns[0]], real[relation.child_columns[0]]
        out[f"depth:{relation.child_columns[0]}"] = hierarchy_depth(keys, pointers)
    return out


def _parent_view(
    parent_plan: TablePlan, tables: Mapping[str, pd.DataFrame], plans: Mapping[str, TablePlan]
) -> tuple[pd.DataFrame, list[str]]:
    """The parent's rows with the columns of their own parents (the child's
    grandparents) that the parent's model learned, so a grandparent's column still
    shapes the grandchildren (a customer's age, its transactions' amounts). One level
    up only: deeper ancestors act through the columns in between."""
    parent = tables[parent_plan.name]
    pieces, names = [parent.reset_index(drop=True)], []
    for up in parent_plan.links:
        if up.kind not in ("generated", "natural"):
            continue
        own = set(plans[up.relation.parent].columns)
        direct = [(name, c) for name, c in up.context if c in own]
        rows = _parent_rows(parent, up.relation, tables[up.relation.parent])[[c for _, c in direct]]
        rows.columns = [name for name, _ in direct]
        pieces.append(rows.reset_index(drop=True))
        names += rows.columns.tolist()
    return pd.concat(pieces, axis=1), names


def _parent_rows(real: pd.DataFrame, relation: Relation, parent: pd.DataFrame) -> pd.DataFrame:
    """The parent row of every child row (all missing where there is none)."""
    left = real[list(relation.child_columns)].copy()
    left.columns = list(relation.parent_columns)
    right = parent.drop_duplicates(list(relation.parent_columns))
    return left.merge(right, how="left", on=list(relation.parent_columns), validate="m:1")
