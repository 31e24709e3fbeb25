"""How well a synthetic database keeps the real one's keys and relations.

Per relation: whether every synthetic foreign key resolves (referential integrity),
the share of orphan and missing keys against the real ones, and the distance
between the real and the synthetic distributions of children per parent (the
Kolmogorov-Smirnov statistic); per pair of a parent's and a child's numeric columns,
their rank correlation on the joined rows, real against synthetic; and per relation,
how well a classifier tells real from synthetic child rows joined to their parent's
columns (parent-child detection, 0.5 when it cannot).

>>> parents = pd.DataFrame({"id": [1, 2, 3]})
>>> kids = pd.DataFrame({"id": [1, 1, 2, 7]})
>>> r = Relation("kids", ("id",), "parents", ("id",))
>>> db = {"parents": parents, "kids": kids}
>>> scores = relation_scores(db, db, [r]).iloc[0]
>>> [float(scores[k]) for k in ("orphan_real", "children_ks", "integrity")]
[0.25, 0.0, 1.0]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy.stats import ks_2samp, spearmanr

from synthtab.relational.metadata import Relation
from synthtab.relational.plan import MISSING, ORPHAN, children_per_row, link_states

Tables = Mapping[str, pd.DataFrame]


def relation_scores(real: Tables, synthetic: Tables, relations: Sequence[Relation]) -> pd.DataFrame:
    """One row per relation: orphan and missing shares, children-per-parent KS, and the
    share of the synthetic keys that point at a parent wherever the real ones do
    (``integrity``: 1.0 when every synthetic key that is not meant as an orphan resolves)."""
    rows = []
    for relation in relations:
        real_states = link_states(real[relation.child], relation, real[relation.parent])
        fake_states = link_states(synthetic[relation.child], relation, synthetic[relation.parent])
        rows.append(
            {
                "relation": str(relation),
                "orphan_real": float(np.mean(real_states == ORPHAN)),
                "orphan_synthetic": float(np.mean(fake_states == ORPHAN)),
                "missing_real": float(np.mean(real_states == MISSING)),
                "missing_synthetic": float(np.mean(fake_states == MISSING)),
                "children_ks": _children_ks(real, synthetic, relation),
                "integrity": _integrity(real_states, fake_states),
            }
        )
    return pd.DataFrame(rows)


def _children_ks(real: Tables, synthetic: Tables, relation: Relation) -> float:
    counts = [
        children_per_row(t[relation.parent], relation.parent_columns, t[relation.child], relation)
        for t in (real, synthetic)
    ]
    return float(ks_2samp(*counts).statistic)


def _integrity(real_states: np.ndarray, fake_states: np.ndarray) -> float:
    """1 - the synthetic orphan share beyond the real one."""
    excess = np.mean(fake_states == ORPHAN) - np.mean(real_states == ORPHAN)
    return float(1.0 - max(excess, 0.0))


def cross_table_correlations(
    real: Tables,
    synthetic: Tables,
    relation: Relation,
    pairs: Sequence[tuple[str, str]],
) -> pd.DataFrame:
    """Spearman correlation of (parent column, child column) pairs on the joined rows."""
    rows = []
    for parent_col, child_col in pairs:
        values = [
            _joined_correlation(t, relation, parent_col, child_col) for t in (real, synthetic)
        ]
        rows.append(
            {
                "relation": str(relation),
                "parent_column": parent_col,
                "child_column": child_col,
                "real": values[0],
                "synthetic": values[1],
                "difference": abs(values[0] - values[1]),
            }
        )
    return pd.DataFrame(rows)


def _joined_correlation(
    tables: Tables, relation: Relation, parent_col: str, child_col: str
) -> float:
    child = tables[relation.child][[*relation.child_columns, child_col]].copy()
    child.columns = [*relation.parent_columns, "__child"]
    parent = tables[relation.parent][[*relation.parent_columns, parent_col]]
    joined = child.merge(parent, on=list(relation.parent_columns), how="inner").dropna()
    joined = joined.rename(columns={parent_col: "__parent"})
    if len(joined) < 3:
        return float("nan")
    x = _numbers(joined["__parent"])
    y = _numbers(joined["__child"])
    return float(spearmanr(x, y).statistic)


def _numbers(series: pd.Series) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(series):
        return series.to_numpy(dtype=float)
    return pd.factorize(series)[0].astype(float)


def parent_child_detection(
    real: Tables,
    synthetic: Tables,
    relations: Sequence[Relation],
    *,
    primary_keys: Mapping[str, Sequence[str]] | None = None,
    seed: int = 0,
    max_rows: int = 5_000,
) -> pd.DataFrame:
    """One row per relation: the ROC AUC of a gradient-boosting classifier telling real
    from synthetic child rows joined to their parent's columns (keys left out), 0.5 when
    it cannot. A synthetic child that fits its own table but not its parent (a wide-body
    plane on a short hop) is found here, not in either table alone. The folds keep each
    parent's children together: otherwise a parent's exact values (one of 20 budgets)
    would tell its children apart, whatever the children are."""
    keys: dict[str, set[str]] = {t: set(k) for t, k in (primary_keys or {}).items()}
    for r in relations:  # every key column: its values are labels, not data
        keys.setdefault(r.child, set()).update(r.child_columns)
        keys.setdefault(r.parent, set()).update(r.parent_columns)
    rng = np.random.default_rng(seed)
    rows = []
    for relation in relations:
        pair = [_joined_rows(t, relation, keys, rng, max_rows) for t in (real, synthetic)]
        rows.append(
            {"relation": str(relation), "detection_auc": _grouped_auc(pair[0], pair[1], seed)}
        )
    return pd.DataFrame(rows)


def _grouped_auc(
    real: tuple[pd.DataFrame, np.ndarray], synthetic: tuple[pd.DataFrame, np.ndarray], seed: int
) -> float:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.model_selection import StratifiedGroupKFold, cross_val_score

    from synthtab.evaluation.api import build_context

    (real_rows, real_groups), (fake_rows, fake_groups) = real, synthetic
    if real_rows.shape[1] == 0 or min(len(np.unique(g)) for g in (real_groups, fake_groups)) < 3:
        return float("nan")  # nothing to compare, or too few parents to fold
    ctx = build_context(real_rows, fake_rows, seed=seed)
    x = np.vstack([ctx.numeric_matrix(ctx.real), ctx.numeric_matrix(ctx.synthetic)])
    y = np.r_[np.zeros(len(real_rows)), np.ones(len(fake_rows))]
    groups = np.r_[real_groups, fake_groups + real_groups.max() + 1]
    folds = StratifiedGroupKFold(3, shuffle=True, random_state=seed)
    model = HistGradientBoostingClassifier(max_iter=100, random_state=seed)
    aucs = cross_val_score(model, x, y, cv=folds, groups=groups, scoring="roc_auc")
    return max(float(np.mean(aucs)), 0.5)  # below 0.5 is chance too


def _joined_rows(
    tables: Tables,
    relation: Relation,
    keys: Mapping[str, set[str]],
    rng: np.random.Generator,
    max_rows: int,
) -> tuple[pd.DataFrame, np.ndarray]:
    """Child rows with their parent's columns (``parent.<column>``), no key columns, at
    most ``max_rows`` of them; and each row's parent as a number (the folds' groups)."""
    child, parent = tables[relation.child], tables[relation.parent]
    drop_child = {*relation.child_columns, *keys.get(relation.child, ())}
    drop_parent = {*relation.parent_columns, *keys.get(relation.parent, ())}
    right = parent.rename(columns={c: f"parent.{c}" for c in parent.columns})
    right = right.assign(__parent=np.arange(len(right)))
    left_on = list(relation.child_columns)
    right_on = [f"parent.{c}" for c in relation.parent_columns]
    joined = child.merge(right, left_on=left_on, right_on=right_on, how="inner")
    if len(joined) > max_rows:
        joined = joined.iloc[np.sort(rng.choice(len(joined), max_rows, replace=False))]
    keep = [c for c in child.columns if c not in drop_child]
    keep += [f"parent.{c}" for c in parent.columns if c not in drop_parent]
    return joined[keep].reset_index(drop=True), joined["__parent"].to_numpy()
