"""How well synthetic histories keep the real ones: lengths, timing, dynamics, coherence,
and whether a history (as a whole) can be told apart or traced back.

Per table: the Kolmogorov-Smirnov distance between the real and synthetic sequence
lengths and time gaps; per numeric column: the lag-1 autocorrelation within histories
(real and synthetic), and the KS distance of per-entity means and standard deviations;
per label column: the total variation distance between the real and synthetic
frequencies of consecutive pairs of labels (transitions). Entity-level detection: a
classifier on per-history summaries (length, each number's mean, spread, first and
last value and mean change, each label's commonest values' shares, the entity's own
columns), cross-validated ROC AUC (0.5 when it cannot tell). Privacy per entity: with
a holdout of real histories never trained on, the share of synthetic histories whose
summary is closer to a training history's than to a holdout one's (0.5 ideal).

>>> rng = np.random.default_rng(0)
>>> n = rng.integers(3, 9, 300)
>>> long = pd.DataFrame({"id": np.repeat(np.arange(300), n),
...                      "t": np.concatenate([np.arange(k) for k in n]),
...                      "v": np.repeat(rng.normal(size=300), n) + rng.normal(0, .1, n.sum())})
>>> scores = sequence_scores(long, long, entity="id", order_by="t").scores
>>> scores["length_ks"], scores["gap_ks"], round(scores["entity_detection_auc"], 1)
(0.0, 0.0, 0.5)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.stats import ks_2samp
from threadpoolctl import threadpool_limits

from synthtab.sequences.history import Histories, order_values, split_histories

#: Labels per column whose per-history shares enter the history summaries.
TOP_LABELS = 5


@dataclass
class SequenceScores:
    """Table-level scores (``scores``) and one row per event column (``columns``)."""

    scores: dict[str, float]
    columns: pd.DataFrame = field(default_factory=pd.DataFrame)

    def summary(self) -> str:
        """The scores as aligned text, one a line, then the column table."""
        lines = [f"{k:<28} {v:8.3f}" for k, v in self.scores.items()]
        return "\n".join(lines) + "\n\n" + self.columns.to_string(index=False, float_format="%.3f")


def sequence_scores(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    *,
    entity: str,
    order_by: str,
    holdout: pd.DataFrame | None = None,
    seed: int = 0,
) -> SequenceScores:
    """Compare two long tables of histories (see the module docstring)."""
    r = split_histories(real, entity=entity, order_by=order_by)
    s = split_histories(
        synthetic[list(real.columns)], entity=entity, order_by=order_by, static=r.static
    )
    scores = {
        "length_ks": _ks(r.lengths, s.lengths),
        "gap_ks": _ks(_gaps(r), _gaps(s)),
    }
    columns = _column_scores(r, s)
    if not columns.empty:
        for name in ("lag1_gap", "entity_mean_ks", "entity_sd_ks", "transition_tv"):
            values = columns[name].dropna()
            if len(values):
                scores[f"worst_{name}"] = float(values.max())
    reference = _summaries(r, r)
    scores["entity_detection_auc"] = _detection(reference, _summaries(s, r), seed)
    if holdout is not None:
        h = split_histories(
            holdout[list(real.columns)], entity=entity, order_by=order_by, static=r.static
        )
        scores["entity_dcr_share"] = _dcr_share(reference, _summaries(h, r), _summaries(s, r), seed)
    return SequenceScores(scores, columns)


def _ks(a: np.ndarray, b: np.ndarray) -> float:
    a, b = np.asarray(a, float), np.asarray(b, float)
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    if not len(a) or not len(b):
        return float("nan")
    return float(ks_2samp(a, b).statistic)


def _gaps(h: Histories) -> np.ndarray:
    t = order_values(h.events[h.order_by])
    return np.diff(t)[h.steps[1:] >= 1]


def _numeric(h: Histories) -> list[str]:
    return [
        c
        for c in h.events.columns
        if c != h.order_by
        and pd.api.types.is_numeric_dtype(h.events[c])
        and not pd.api.types.is_bool_dtype(h.events[c])
    ]


def _labels(h: Histories) -> list[str]:
    numeric = set(_numeric(h))
    return [c for c in h.events.columns if c != h.order_by and c not in numeric]


def _lag1(h: Histories, column: str) -> float:
    x = h.events[column].to_numpy(dtype=float)
    later = np.flatnonzero(h.steps >= 1)
    a, b = x[later], x[later - 1]
    ok = ~(np.isnan(a) | np.isnan(b))
    if ok.sum() < 3 or np.std(a[ok]) == 0 or np.std(b[ok]) == 0:
        return float("nan")
    return float(np.corrcoef(a[ok], b[ok])[0, 1])


def _per_entity(h: Histories, column: str, how: str) -> np.ndarray:
    owner = np.repeat(np.arange(len(h.lengths)), h.lengths)
    return h.events[column].groupby(owner).agg(how).to_numpy(dtype=float)


def _transitions(h: Histories, column: str) -> pd.Series:
    values = h.events[column].astype(object).where(h.events[column].notna(), "<missing>")
    later = np.flatnonzero(h.steps >= 1)
    pairs = (
        pd.Series(values.to_numpy()[later - 1].astype(str))
        + " -> "
        + pd.Series(values.to_numpy()[later].astype(str))
    )
    return pairs.value_counts(normalize=True)


def _column_scores(r: Histories, s: Histories) -> pd.DataFrame:
    rows = []
    for c in _numeric(r):
        real_lag, fake_lag = _lag1(r, c), _lag1(s, c)
        rows.append(
            {
                "column": c,
                "lag1_real": real_lag,
                "lag1_synthetic": fake_lag,
                "lag1_gap": abs(real_lag - fake_lag),
                "entity_mean_ks": _ks(_per_entity(r, c, "mean"), _per_entity(s, c, "mean")),
                "entity_sd_ks": _ks(_per_entity(r, c, "std"), _per_entity(s, c, "std")),
                "transition_tv": np.nan,
            }
        )
    for c in _labels(r):
        p, q = _transitions(r, c), _transitions(s, c)
        tv = 0.5 * float(p.sub(q, fill_value=0.0).abs().sum())
        rows.append({"column": c, "transition_tv": tv})
    return pd.DataFrame(rows)


def _summaries(h: Histories, reference: Histories) -> pd.DataFrame:
    """One row per history, in the reference's terms (its columns and commonest labels)."""
    owner = np.repeat(np.arange(len(h.lengths)), h.lengths)
    parts = {"length": h.lengths.astype(float)}
    for c in _numeric(reference):
        values = h.events[c].astype(float)
        by = values.groupby(owner)
        parts[f"{c}:mean"] = by.mean().to_numpy()
        parts[f"{c}:sd"] = by.std().fillna(0.0).to_numpy()
        parts[f"{c}:first"] = by.first().to_numpy()
        parts[f"{c}:last"] = by.last().to_numpy()
        parts[f"{c}:change"] = (
            values.diff().where(h.steps >= 1).abs().groupby(owner).mean().fillna(0.0).to_numpy()
        )
    for c in _labels(reference):
        top = reference.events[c].value_counts().index[:TOP_LABELS]
        for label in top:
            parts[f"{c}={label}"] = (h.events[c] == label).groupby(owner).mean().to_numpy()
    for c in reference.static:
        column = h.entities[c]
        if pd.api.types.is_numeric_dtype(reference.entities[c]):
            parts[c] = column.to_numpy(dtype=float)
        else:
            top = reference.entities[c].value_counts().index[:TOP_LABELS]
            for label in top:
                parts[f"{c}={label}"] = (column == label).to_numpy(dtype=float)
    return pd.DataFrame(parts)


def _detection(real: pd.DataFrame, synthetic: pd.DataFrame, seed: int) -> float:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    n = min(len(real), len(synthetic))
    if n < 10:
        return float("nan")
    rng = np.random.default_rng(seed)
    x = pd.concat(
        [
            real.iloc[rng.choice(len(real), n, replace=False)],
            synthetic.iloc[rng.choice(len(synthetic), n, replace=False)],
        ],
        ignore_index=True,
    )
    y = np.r_[np.zeros(n), np.ones(n)]
    model = HistGradientBoostingClassifier(max_iter=100, random_state=seed)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
    # one thread: a few thousand summaries gain nothing from more, and OpenMP threads
    # spinning on a busy machine made this take minutes instead of a second
    with threadpool_limits(1):
        p = cross_val_predict(model, x.to_numpy(float), y, cv=folds, method="predict_proba")
    p = p[:, 1]
    # below 0.5 it cannot tell either (twins in opposite folds pull each other's way)
    return float(max(roc_auc_score(y, p), 0.5))


def _dcr_share(
    train: pd.DataFrame, holdout: pd.DataFrame, synthetic: pd.DataFrame, seed: int
) -> float:
    """Share of synthetic histories nearer a training history than a holdout one (as many
    training as holdout histories, so 0.5 is what a fresh draw of the population gives)."""
    from sklearn.neighbors import NearestNeighbors

    rng = np.random.default_rng(seed)
    n = min(len(train), len(holdout))
    train = train.iloc[rng.choice(len(train), n, replace=False)]
    holdout = holdout.iloc[rng.choice(len(holdout), n, replace=False)]
    center = train.median()
    scale = (train.quantile(0.75) - train.quantile(0.25)).replace(0, 1.0).fillna(1.0)

    def scaled(frame: pd.DataFrame) -> np.ndarray:
        return ((frame - center) / scale).fillna(0.0).to_numpy(float)

    near_train = NearestNeighbors(n_neighbors=1).fit(scaled(train))
    near_holdout = NearestNeighbors(n_neighbors=1).fit(scaled(holdout))
    d_train = near_train.kneighbors(scaled(synthetic))[0][:, 0]
    d_holdout = near_holdout.kneighbors(scaled(synthetic))[0][:, 0]
    ties = d_train == d_holdout
    return float(np.mean(d_train < d_holdout) + 0.5 * np.mean(ties))
