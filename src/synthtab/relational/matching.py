"""Which synthetic parent each synthetic child row belongs to.

A child table is sampled with its parent's columns beside its own (the *context*
it was fitted with), and each parent comes with a learned number of children.
:func:`match_to_slots` gives every child row a parent slot so that each parent
receives exactly its count, and a child lands on a parent whose columns agree with
the context it was drawn with: both sides are put on one numeric scale, sorted
along their main direction of variation into blocks of equal size, and inside each
block the assignment of least total distance is solved exactly.

>>> rng = np.random.default_rng(0)
>>> parents = pd.DataFrame({"size": [1.0, 10.0, 100.0]})
>>> children = pd.DataFrame({"size": [99.0, 1.5, 11.0, 98.0]})
>>> match_to_slots(children, parents, np.array([1, 1, 2]), rng=rng).tolist()
[2, 0, 1, 2]
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from scipy.stats import rankdata

#: Rows per exactly solved assignment block (cost grows with its cube).
BLOCK = 96
#: Labels beyond this many per column are grouped by frequency rank.
MAX_ONE_HOT = 24


def slots_for(counts: np.ndarray, total: int, rng: np.random.Generator) -> np.ndarray:
    """Parent index of each of ``total`` slots: parent ``i`` appears about in
    proportion to ``counts[i]``, exactly ``counts[i]`` times when they sum to ``total``."""
    counts = np.clip(np.nan_to_num(np.asarray(counts, dtype=float)), 0, None)
    if counts.sum() <= 0:
        return rng.integers(0, len(counts), total) if len(counts) else np.zeros(0, int)
    scaled = counts * (total / counts.sum())
    whole = np.floor(scaled).astype(int)
    short = total - int(whole.sum())
    if short > 0:  # hand the remaining slots out by the fractional parts
        extra = rng.choice(len(counts), short, replace=False, p=_share(scaled - whole))
        whole[extra] += 1
    return np.repeat(np.arange(len(counts)), whole)


def _share(weights: np.ndarray) -> np.ndarray:
    weights = np.clip(weights, 1e-12, None)
    return weights / weights.sum()


def match_to_slots(
    children: pd.DataFrame,
    parents: pd.DataFrame,
    counts: np.ndarray,
    *,
    rng: np.random.Generator,
) -> np.ndarray:
    """The parent row index of every child row, each parent used ``counts`` times
    (rescaled when the counts do not add up to the children); columns shared by both
    frames decide who goes where."""
    slots = slots_for(counts, len(children), rng)
    columns = [c for c in children.columns if c in parents.columns]
    if not columns or len(slots) < 2:
        return rng.permutation(slots)
    child_x, parent_x = _embed(children[columns], parents[columns].iloc[slots])
    direction = _main_direction(np.vstack([child_x, parent_x]))
    child_order = np.argsort(child_x @ direction, kind="stable")
    slot_order = np.argsort(parent_x @ direction, kind="stable")
    out = np.empty(len(children), dtype=int)
    for start in range(0, len(children), BLOCK):
        c = child_order[start : start + BLOCK]
        s = slot_order[start : start + BLOCK]
        diff = child_x[c][:, None, :] - parent_x[s][None, :, :]
        rows, cols = linear_sum_assignment(np.einsum("ijk,ijk->ij", diff, diff))
        out[c[rows]] = slots[s[cols]]
    return out


def _embed(left: pd.DataFrame, right: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Both frames on one scale: numbers as normal scores of their joint ranks, labels
    one-hot; a missing value is its own label."""
    n = len(left)
    blocks = []
    for column in left.columns:
        both = pd.concat([left[column], right[column]], ignore_index=True)
        blocks.append(_embed_column(both))
    joint = np.hstack(blocks) if blocks else np.zeros((n + len(right), 0))
    return joint[:n], joint[n:]


def _embed_column(values: pd.Series) -> np.ndarray:
    gaps = values.isna().to_numpy()
    numbers = _as_numbers(values)
    if numbers is not None:
        ranks = rankdata(np.where(gaps, 0.0, numbers)) / (len(values) + 1)
        scores = np.where(gaps, 0.0, (ranks - 0.5) * np.sqrt(12.0))  # unit variance
        return np.column_stack([scores, gaps.astype(float)]) if gaps.any() else scores[:, None]
    labels = values.astype(object).where(~gaps, "\0missing")
    codes, uniques = pd.factorize(labels)
    if len(uniques) > MAX_ONE_HOT:  # keep the commonest labels apart, group the rest
        frequency = np.bincount(codes)
        rank = np.argsort(np.argsort(-frequency))
        codes = np.minimum(rank[codes], MAX_ONE_HOT - 1)
    return np.eye(int(codes.max()) + 1)[codes] * np.sqrt(0.5)


def _as_numbers(values: pd.Series) -> np.ndarray | None:
    if pd.api.types.is_bool_dtype(values):
        return None
    if pd.api.types.is_numeric_dtype(values):
        return values.to_numpy(dtype=float, na_value=np.nan)
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.astype("int64").to_numpy(dtype=float)
    return None


def _main_direction(x: np.ndarray) -> np.ndarray:
    """The first principal direction (a few power iterations on the covariance)."""
    centered = x - x.mean(axis=0)
    cov = centered.T @ centered
    v = np.ones(x.shape[1]) / np.sqrt(x.shape[1])
    for _ in range(30):
        w = cov @ v
        norm = np.linalg.norm(w)
        if norm == 0:
            return v
        v = w / norm
    return v
