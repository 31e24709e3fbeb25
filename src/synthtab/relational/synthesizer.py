"""MultiTableSynthesizer: a whole database, parents first, children drawn for them.

Every table is learned by its own single-table :class:`~synthtab.Synthesizer`
(any registered model; ``auto`` by default), on the columns its
:class:`~synthtab.relational.plan.TablePlan` gives it: a parent learns how many
children each of its rows has, a child learns its rows together with its parent's
columns. Sampling runs in the same order: a root table is drawn, each row gets a
fresh key and a number of children; a child table is drawn as many times as its
parents ask, and :func:`~synthtab.relational.matching.match_to_slots` hands each
child row to a parent whose columns agree with the ones it was drawn with.

>>> import pandas as pd
>>> rng = np.random.default_rng(0)
>>> shops = pd.DataFrame({"shop_id": range(60), "size": rng.choice(["S", "L"], 60)})
>>> n = np.where(shops["size"] == "L", 6, 1)
>>> sales = pd.DataFrame({"shop_id": np.repeat(shops["shop_id"], n),
...                       "amount": rng.gamma(2.0, 10.0, n.sum()).round(2)})
>>> db = MultiTableSynthesizer(seed=0).fit({"shops": shops, "sales": sales})
>>> [str(r) for r in db.relations_]
['sales.shop_id -> shops.shop_id']
>>> out = db.sample()
>>> out["sales"]["shop_id"].isin(out["shops"]["shop_id"]).all()
np.True_
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Self

import numpy as np
import pandas as pd

from synthtab.errors import (
    DataValidationError,
    InvalidParameterError,
    ModelFileError,
    NotFittedError,
)
from synthtab.models.auto import AUTO, choose_model
from synthtab.persistence import read_model_file, write_model_file
from synthtab.random import SeedTree, check_seed
from synthtab.relational.matching import match_to_slots
from synthtab.relational.metadata import (
    Relation,
    as_relations,
    check_database,
    detect_primary_keys,
    detect_relations,
    parents_first,
)
from synthtab.relational.plan import (
    LINKED,
    MISSING,
    ORPHAN,
    LinkPlan,
    TablePlan,
    make_plan,
    training_frame,
)
from synthtab.relational.tables import frame_from_state, frame_to_state
from synthtab.schema import infer_schema
from synthtab.synthesizer import Synthesizer

Database = dict[str, pd.DataFrame]
_KEY_DRAWS = 8  # redraws of rows whose natural key repeats another row's


class MultiTableSynthesizer:
    """Learn a database of tables linked by foreign keys; sample a new one.

    Parameters
    ----------
    model:
        The single-table model of every table (``"auto"``); ``models`` names another
        for some tables, e.g. ``{"flights": "copula"}``.
    seed:
        One seed for the whole database: same seed, same database.
    primary_keys:
        ``{table: column or [columns]}`` where detection should not decide.
    reference:
        Tables kept as they are (public lookups such as airports): children point
        at their real keys.
    rules:
        Passed to every table's synthesizer (``"auto"`` finds each table's rules).
    """

    def __init__(
        self,
        model: str = "auto",
        *,
        seed: int = 0,
        models: Mapping[str, str] | None = None,
        primary_keys: Mapping[str, str | Sequence[str]] | None = None,
        reference: Sequence[str] | None = None,
        rules: str | None = "auto",
    ) -> None:
        self.model = model
        self.seed = check_seed(seed)
        self.models = dict(models or {})
        self.primary_keys = dict(primary_keys or {})
        self.reference = list(reference or [])
        self.rules = rules

    # -- fit ------------------------------------------------------------------------

    def fit(
        self,
        tables: Mapping[str, pd.DataFrame],
        relations: Sequence[Relation | str] | None = None,
        *,
        declared: Sequence[Relation | str] = (),
    ) -> Self:
        """Learn ``tables`` (name -> DataFrame). ``relations``: exactly these, or when
        None those detected; ``declared``: foreign keys the source itself states (a
        database's constraints), kept first, detection adding only keys on other columns."""
        tables = _check_tables(tables)
        keys = self._keys(tables)
        links = (
            as_relations(relations)
            if relations is not None
            else _with_detected(as_relations(declared), tables, keys)
        )
        for r in links:  # a declared relation names its parent's key
            keys.setdefault(r.parent, r.parent_columns)
        self._check_options(tables)
        check_database(tables, keys, links)
        kinds = {name: self._kind(name, keys.get(name, ())) for name in tables}
        self.relations_ = links
        self.primary_keys_ = {name: tuple(k) for name, k in keys.items()}
        self.order_ = parents_first(tables, links)
        self.plans_ = {
            name: make_plan(name, tables[name], keys.get(name, ()), links, kinds)
            for name in self.order_
        }
        self.synthesizers_: dict[str, Synthesizer] = {}
        self.reference_: Database = {}
        for name in self.order_:
            if name in self.reference:
                self.reference_[name] = tables[name].reset_index(drop=True)
                continue
            frame = training_frame(self.plans_[name], tables, self.plans_, links)
            self.plans_[name].count_totals = {
                relation: int(frame[column].sum())
                for relation, column in self.plans_[name].counts.items()
            }
            self.synthesizers_[name] = self._fit_table(name, frame)
        return self

    def _fit_table(self, name: str, frame: pd.DataFrame) -> Synthesizer:
        model, params = _model_for(self.models.get(name, self.model), self.plans_[name], frame)
        seed = SeedTree(self.seed).child(f"table:{name}").integer_seed()
        depth = self.plans_[name].depth_column
        # a depth is a level, not a quantity: drawn as a label, never smoothed into the next
        kinds = {depth: "categorical"} if depth else None
        try:
            return Synthesizer(model, seed=seed, rules=self.rules, overrides=kinds, **params).fit(
                frame
            )
        except InvalidParameterError as exc:
            if "first" not in params or "'first'" not in str(exc):
                raise
            # a rule derives a state column from another, so the model does not learn it
            return Synthesizer(model, seed=seed, rules=self.rules, overrides=kinds).fit(frame)

    def _keys(self, tables: Database) -> dict[str, tuple[str, ...]]:
        keys = detect_primary_keys(tables)
        for name, key in self.primary_keys.items():
            keys[name] = (key,) if isinstance(key, str) else tuple(key)
        return keys

    def _kind(self, name: str, key: Sequence[str]) -> str:
        if name in self.reference:
            return "reference"
        return "generated" if len(key) == 1 else "natural"

    def _check_options(self, tables: Database) -> None:
        unknown = [
            t for t in [*self.reference, *self.models, *self.primary_keys] if t not in tables
        ]
        if unknown:
            raise InvalidParameterError(
                f"The options name table(s) {sorted(set(unknown))} that are not among the "
                f"tables given ({sorted(tables)})."
            )

    # -- sample ---------------------------------------------------------------------

    def sample(self, scale: float = 1.0, *, seed: int | None = None) -> Database:
        """A synthetic database: root tables ``scale`` times as many rows as the real
        ones, each child table as many rows as its synthetic parents ask for."""
        self._check_fitted()
        if not isinstance(scale, int | float) or not scale > 0:
            raise InvalidParameterError(
                f"The 'scale' option must be a positive number. Got {scale!r}."
            )
        seeds = SeedTree(check_seed(self.seed if seed is None else seed)).child("database")
        self.sample_notes_: list[str] = []
        learned: Database = {}  # what each table's model drew, with its plan's columns
        out: Database = {}
        for name in self.order_:
            if name in self.reference_:
                out[name] = learned[name] = self.reference_[name].copy()
                continue
            plan = self.plans_[name]
            rows = self._draw(plan, learned, scale, seeds.child(f"draw:{name}").integer_seed())
            rng = seeds.rng(f"links:{name}")
            table = rows.copy()
            if plan.key_spec is not None:
                table[plan.key[0]] = plan.key_spec.fresh(len(table), rng=rng)
            for link in plan.links:
                self._fill_link(table, rows, link, learned, out, rng)
            if plan.key and plan.key_spec is None:
                rows, table = self._unique_natural_keys(plan, rows, table, learned, out, rng)
            learned[name] = table if plan.key_spec is None else table[[plan.key[0], *rows.columns]]
            self._calibrate_counts(plan, learned[name], rng)
            out[name] = _restore(table, plan)
        return out

    @staticmethod
    def _calibrate_counts(plan: TablePlan, drawn: pd.DataFrame, rng: np.random.Generator) -> None:
        """Scale each drawn children-per-row column so that the children add up to the
        real number per row of this table: a sum of many skewed draws (most planes fly
        little, a few a lot) misses the real total by several percent, and the child
        table's size would miss with it."""
        for relation, column in plan.counts.items():
            total = plan.count_totals.get(relation)
            if total is None:
                continue
            target = round(total * len(drawn) / max(plan.n_rows, 1))
            drawn[column] = scaled_counts(drawn[column].to_numpy(), target, rng)

    def _draw(self, plan: TablePlan, learned: Database, scale: float, seed: int) -> pd.DataFrame:
        synth = self.synthesizers_[plan.name]
        first = next((link for link in plan.links if link.kind in ("generated", "natural")), None)
        if first is None:
            n = max(1, round(scale * plan.n_rows))
        else:
            parent = self.plans_[first.relation.parent]
            linked = learned[parent.name][parent.counts[str(first.relation)]].clip(lower=0).sum()
            n = max(1, round(float(linked) / max(first.linked_share, 1e-9)))
        return synth.sample(n, seed=seed).reset_index(drop=True)

    def _unique_natural_keys(
        self,
        plan: TablePlan,
        rows: pd.DataFrame,
        table: pd.DataFrame,
        learned: Database,
        out: Database,
        rng: np.random.Generator,
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """A key made of data columns (weather's origin and hour) must not repeat: rows
        whose key is taken are drawn again, a bounded number of times, and those still
        taken are dropped (``sample_notes_`` says how many)."""
        key = list(plan.key)
        synth = self.synthesizers_[plan.name]
        wanted_rows = len(table)
        for attempt in range(_KEY_DRAWS):
            taken = table.duplicated(key) & table[key].notna().all(axis=1)
            if not taken.any():
                break
            keep = ~taken.to_numpy()
            n_new = int(taken.sum()) * min(2 ** (attempt + 1), 16)
            extra = synth.sample(n_new, seed=int(rng.integers(2**31))).reset_index(drop=True)
            extra_table = extra.copy()
            for link in plan.links:
                self._fill_link(extra_table, extra, link, learned, out, rng)
            rows = pd.concat([rows[keep], extra], ignore_index=True)
            table = pd.concat([table[keep], extra_table], ignore_index=True)
            new = ~(table.duplicated(key) & table[key].notna().all(axis=1)).to_numpy()
            wanted = np.flatnonzero(new)[:wanted_rows]  # as many rows as were asked for
            if len(wanted) < wanted_rows:  # still short: keep repeats for the next round
                short = np.flatnonzero(~new)[: wanted_rows - len(wanted)]
                wanted = np.sort(np.concatenate([wanted, short]))
            rows, table = (
                rows.iloc[wanted].reset_index(drop=True),
                table.iloc[wanted].reset_index(drop=True),
            )
        taken = (table.duplicated(key) & table[key].notna().all(axis=1)).to_numpy()
        if taken.any():  # a near-full grid (every station, every hour): give the rest free values
            moved = _free_key_values(table, key, _free_key_column(plan), taken, rng)
            rows[_free_key_column(plan)] = table[_free_key_column(plan)]
            taken = (table.duplicated(key) & table[key].notna().all(axis=1)).to_numpy()
            self.sample_notes_.append(
                f"{plan.name}: {moved} rows whose key ({', '.join(key)}) repeated another row's "
                f"after {_KEY_DRAWS} redraws took a free {_free_key_column(plan)!r} value"
                + (
                    f"; {int(taken.sum())} rows with no free value were dropped."
                    if taken.any()
                    else "."
                )
            )
            rows, table = rows[~taken].reset_index(drop=True), table[~taken].reset_index(drop=True)
        return rows, table

    def _fill_link(
        self,
        table: pd.DataFrame,
        rows: pd.DataFrame,
        link: LinkPlan,
        learned: Database,
        out: Database,
        rng: np.random.Generator,
    ) -> None:
        relation = link.relation
        if link.kind == "reference":
            return
        if link.kind == "self":
            _settle_hierarchy(rows, link, rng)
        states = (
            rows[link.state_column].to_numpy() if link.state_column else np.full(len(rows), LINKED)
        )
        cols, keys = list(relation.child_columns), list(relation.parent_columns)
        if link.kind == "self":
            parents = table  # its own rows, keys already made
            parent_rows = rows
        else:
            parents = out[relation.parent]
            parent_rows = learned[relation.parent]
        count = self.plans_[relation.parent].counts.get(str(relation))
        context = rows[[name for name, _ in link.context]]
        context.columns = [c for _, c in link.context]
        if link.kind == "self":
            picked = _match_hierarchy(rows, link, parent_rows, count, rng)
        else:
            linked = states == LINKED
            picked = np.full(len(rows), -1)
            picked[linked] = match_to_slots(
                context[linked], parent_rows, parent_rows[count].to_numpy(), rng=rng
            )
        _write_keys(table, cols, parents, keys, picked)
        if link.kind in ("generated", "self"):
            orphan = states == ORPHAN
            if orphan.any():
                _write_orphans(
                    table, cols, parents[keys[0]], self.plans_[relation.parent], link, orphan, rng
                )
        missing = states == "missing"
        if missing.any():  # missing stays missing
            for c in cols:
                values = _object_values(table[c])
                values[missing] = None
                table[c] = values

    # -- files ----------------------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the fitted database model to one ``.synth`` file (atomically)."""
        self._check_fitted()
        from synthtab.version import __version__

        manifest = {
            "synthtab_version": __version__,
            "database": {
                "model": self.model,
                "seed": self.seed,
                "models": self.models,
                "primary_keys": {k: list(v) for k, v in self.primary_keys_.items()},
                "reference": self.reference,
                "rules": self.rules,
                "relations": [r.to_dict() for r in self.relations_],
                "order": self.order_,
                "plans": {name: plan.to_dict() for name, plan in self.plans_.items()},
            },
            "tables": {name: s.to_manifest() for name, s in self.synthesizers_.items()},
            "reference_tables": {name: frame_to_state(f) for name, f in self.reference_.items()},
        }
        return write_model_file(path, manifest)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> MultiTableSynthesizer:
        """Read a database model written by :meth:`save`; no code in the file can run."""
        manifest = read_model_file(path)
        if "database" not in manifest:
            raise ModelFileError(
                f"'{path}' holds a one-table model; load it with synthtab.Synthesizer.load."
            )
        try:
            info = manifest["database"]
            db = cls(
                info["model"],
                seed=info["seed"],
                models=info["models"],
                primary_keys=info["primary_keys"],
                reference=info["reference"],
                rules=info["rules"],
            )
            db.relations_ = [Relation.from_dict(r) for r in info["relations"]]
            db.primary_keys_ = {k: tuple(v) for k, v in info["primary_keys"].items()}
            db.order_ = list(info["order"])
            db.plans_ = {k: TablePlan.from_dict(v) for k, v in info["plans"].items()}
            db.reference_ = {
                k: frame_from_state(v) for k, v in manifest["reference_tables"].items()
            }
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelFileError(f"'{path}' is incomplete or damaged ({exc!r}).") from exc
        db.synthesizers_ = {
            name: Synthesizer.from_manifest(state, path)
            for name, state in manifest["tables"].items()
        }
        return db

    def _check_fitted(self) -> None:
        if not hasattr(self, "plans_"):
            raise NotFittedError(
                "This MultiTableSynthesizer is not fitted yet; call fit(tables) or "
                "MultiTableSynthesizer.load(path)."
            )

    def __repr__(self) -> str:
        return f"MultiTableSynthesizer(model={self.model!r}, seed={self.seed!r})"


def _check_tables(tables: object) -> Database:
    if not isinstance(tables, Mapping) or not tables:
        raise DataValidationError(
            [f"expected a dict of table name -> pandas DataFrame, got {type(tables).__name__}"],
            what="The database",
        )
    bad = [
        f"table {name!r} is a {type(f).__name__}, not a pandas DataFrame"
        for name, f in tables.items()
        if not isinstance(f, pd.DataFrame)
    ]
    bad += [
        f"table {name!r} has no rows"
        for name, f in tables.items()
        if isinstance(f, pd.DataFrame) and f.empty
    ]
    bad += [
        f"table name {name!r} is not a non-empty string"
        for name in tables
        if not isinstance(name, str) or not name
    ]
    if bad:
        raise DataValidationError(bad, what="The database")
    return {str(name): frame.reset_index(drop=True) for name, frame in tables.items()}


def _settle_hierarchy(rows: pd.DataFrame, link: LinkPlan, rng: np.random.Generator) -> None:
    """Make the drawn depths and link states of a self-reference agree: the real share
    of tops, at least one (one chief in 2,000 rows is often not drawn, and the first
    level drawn would become the top, every level moving up one), the tops point
    nowhere, and every row below the top points at a row (a rare 'missing' drawn at
    random depths would cut whole branches loose)."""
    column = f"depth:{link.relation.child_columns[0]}"
    depth = rows[column].fillna(0).to_numpy(dtype=int, copy=True)
    if len(depth):  # as many tops as the real share asks for, at least one
        wanted = max(1, round((1.0 - link.linked_share) * len(depth)))
        tops = np.flatnonzero(depth == 0)
        if len(tops) > wanted:
            depth[rng.choice(tops, len(tops) - wanted, replace=False)] = 1
        elif len(tops) < wanted:
            order = np.lexsort((rng.random(len(depth)), depth))
            depth[order[: wanted - len(tops)]] = 0
    rows[column] = depth
    if link.state_column:
        states = rows[link.state_column].to_numpy(dtype=object, copy=True)
        top = depth == 0
        states[~top] = LINKED
        states[top & (states == LINKED)] = MISSING
        rows[link.state_column] = states


def _match_hierarchy(
    rows: pd.DataFrame,
    link: LinkPlan,
    own: pd.DataFrame,
    count: str | None,
    rng: np.random.Generator,
) -> np.ndarray:
    """Each row at depth d > 0 gets a parent among the rows one level up (the nearest
    level up that was drawn), in proportion to their learned number of children."""
    depth = rows[f"depth:{link.relation.child_columns[0]}"].fillna(0).to_numpy(dtype=int, copy=True)
    states = rows[link.state_column].to_numpy() if link.state_column else np.full(len(rows), LINKED)
    picked = np.full(len(rows), -1)
    context = rows[[name for name, _ in link.context]]
    context.columns = [c for _, c in link.context]
    levels = np.unique(depth)
    for level in levels[levels > 0]:
        children = np.flatnonzero((depth == level) & (states == LINKED))
        above = levels[levels < level]
        if not len(children) or not len(above):
            continue
        candidates = np.flatnonzero(depth == above[-1])
        counts = own[count].to_numpy()[candidates] if count else np.ones(len(candidates))
        chosen = match_to_slots(
            context.iloc[children], own.iloc[candidates], counts + 1e-9, rng=rng
        )
        picked[children] = candidates[chosen]
    return picked


def _write_keys(
    table: pd.DataFrame, cols: list[str], parents: pd.DataFrame, keys: list[str], picked: np.ndarray
) -> None:
    found = picked >= 0
    for c, k in zip(cols, keys, strict=True):
        values = _object_values(table[c]) if c in table else np.full(len(table), None, object)
        values[found] = _object_values(parents[k])[picked[found]]
        table[c] = values


def _write_orphans(
    table: pd.DataFrame,
    cols: list[str],
    parent_keys: pd.Series,
    parent_plan: TablePlan,
    link: LinkPlan,
    orphan: np.ndarray,
    rng: np.random.Generator,
) -> None:
    """Fresh keys that no synthetic parent holds, repeated as often as real orphans are."""
    spec = parent_plan.key_spec
    if spec is None:
        return
    n = int(orphan.sum())
    distinct = max(1, round(n * link.orphan_keys_per_row))
    fresh = spec.fresh(distinct, rng=rng, avoid=parent_keys.to_numpy())
    values = _object_values(table[cols[0]])
    values[orphan] = fresh[rng.integers(0, distinct, n)]
    table[cols[0]] = values


def _model_for(model: str, plan: TablePlan, frame: pd.DataFrame) -> tuple[str, dict[str, Any]]:
    """The table's model, and for sequential trees the link states and the hierarchy
    depth drawn first: their shares are then the real ones exactly (drawn late, after
    forty context columns, nycflights13's tailnum orphans came out 0.170 for 0.149)."""
    first = [link.state_column for link in plan.links if link.state_column]
    if plan.depth_column:
        first.insert(0, plan.depth_column)
    if not first:
        return model, {}
    if model == AUTO:
        model = choose_model(infer_schema(frame))[0]
    return (model, {"first": tuple(first)}) if model == "trees" else (model, {})


def _with_detected(
    declared: list[Relation], tables: Database, keys: dict[str, tuple[str, ...]]
) -> list[Relation]:
    for r in declared:
        keys.setdefault(r.parent, r.parent_columns)
    used = {(r.child, c) for r in declared for c in r.child_columns}
    found = [
        r
        for r in detect_relations(tables, keys)
        if not any((r.child, c) in used for c in r.child_columns)
    ]
    return [*declared, *found]


def scaled_counts(counts: np.ndarray, target: int, rng: np.random.Generator) -> np.ndarray:
    """Counts in proportion to ``counts`` that add up to ``target``: floors of the
    scaled counts, the rest given to the largest remainders (ties at random); a zero
    stays zero.

    >>> scaled_counts(np.array([0, 1, 3, 6]), 13, np.random.default_rng(0))
    array([0, 1, 4, 8])
    """
    c = np.clip(np.nan_to_num(np.asarray(counts, dtype=np.float64)), 0, None).round()
    total = c.sum()
    if total <= 0 or target <= 0:
        return c.astype(np.int64)
    exact = c * (target / total)
    base = np.floor(exact)
    short = int(np.rint(target - base.sum()))
    if short > 0:
        remainder = exact - base + rng.random(len(c)) * 1e-9 * (c > 0)
        base[np.argpartition(-remainder, short - 1)[:short]] += 1
    return base.astype(np.int64)


def _free_key_column(plan: TablePlan) -> str:
    """The key column to move a repeated key along: the last one no relation fills."""
    linked = {c for link in plan.links for c in link.relation.child_columns}
    free = [c for c in plan.key if c not in linked]
    return free[-1] if free else plan.key[-1]


def _free_key_values(
    table: pd.DataFrame, key: list[str], column: str, taken: np.ndarray, rng: np.random.Generator
) -> int:
    """Give each row in ``taken`` a value of ``column`` (among those the column holds)
    that no other row with the same rest of the key has, nearest to its own where the
    values are ordered; returns how many rows moved. Loops over the key groups that
    hold a repeat, never over rows."""
    pool = pd.Series(pd.unique(table[column].dropna()))
    ordered = pool.is_monotonic_increasing or _sortable(pool)
    pool = pool.sort_values(ignore_index=True) if ordered else pool
    rest = [c for c in key if c != column]
    groups = (
        table[rest].astype(str).agg("|".join, axis=1) if rest else pd.Series("", index=table.index)
    )
    values = _object_values(table[column])
    moved = 0
    for group in pd.unique(groups[taken]):
        in_group = (groups == group).to_numpy()
        need = np.flatnonzero(in_group & taken)
        used = pd.Series(values[in_group & ~taken])
        free = pool[~pool.isin(used)].to_numpy(dtype=object)
        if not len(free):
            continue
        need = need[: len(free)]
        if ordered:  # the free values nearest the drawn ones, in the same order
            spots = np.searchsorted(free, values[need]) if len(free) > len(need) else None
            start = (
                0
                if spots is None
                else int(np.clip(np.median(spots) - len(need) // 2, 0, len(free) - len(need)))
            )
            order = np.argsort(values[need], kind="stable")
            chosen = free[start : start + len(need)]
            values[need[order]] = chosen
        else:
            values[need] = rng.permutation(free)[: len(need)]
        moved += len(need)
    table[column] = values
    return moved


def _sortable(pool: pd.Series) -> bool:
    try:
        pool.sort_values()
    except TypeError:
        return False
    return True


def _object_values(column: pd.Series) -> np.ndarray:
    """A writable object copy (pandas may hand out read-only views)."""
    return np.array(column.astype(object), dtype=object)


def _restore(table: pd.DataFrame, plan: TablePlan) -> pd.DataFrame:
    """The table's own columns, in their order and (where the values allow) dtypes."""
    out = table[plan.columns].copy()
    for column, dtype in plan.dtypes.items():
        if str(out[column].dtype) != dtype:
            try:
                out[column] = out[column].astype(dtype)
            except (TypeError, ValueError):  # e.g. gaps in whole numbers: keep the values
                out[column] = out[column].infer_objects()
    return out
