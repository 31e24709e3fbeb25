"""Columns grouped by their dependence: normalised mutual information, then clustering.

Each learned column becomes one integer code per row (a label's code, a
number's quantile bin, joined with its missing indicator); the normalised
mutual information of every pair of columns is measured on a row subsample,
and columns are clustered by average linkage on ``1 - NMI``. Columns whose
dependence reaches ``min_dependence`` end up in one group.

>>> rng = np.random.default_rng(0)
>>> a = rng.integers(0, 4, 2000).astype(float)
>>> values = np.column_stack([a, a * 10 + rng.normal(0, 0.1, 2000), rng.normal(size=2000)])
>>> from synthtab.encoding.layout import Activation, Layout, Span
>>> layout = Layout((Span("a", "category", 1, Activation.LINEAR, n_categories=4),
...                  Span("b", "value", 1, Activation.LINEAR),
...                  Span("c", "value", 1, Activation.LINEAR)))
>>> units = column_units(layout)
>>> dependence_groups(dependence(values, layout, units, rng), min_dependence=0.1)
[[0, 1], [2]]
"""

from __future__ import annotations

import numpy as np

from synthtab.encoding.layout import Layout

#: Rows on which dependence is measured (more changes the groups little and costs time).
DEPENDENCE_ROWS = 5_000
#: Quantile bins of a number when its dependence is measured.
NUMBER_BINS = 10


def column_units(layout: Layout) -> list[list[int]]:
    """Encoded feature indices of each column, columns in order of first appearance."""
    names = list(dict.fromkeys(span.column for span in layout.spans))
    return [layout.indices_of(name) for name in names]


def column_codes(values: np.ndarray, layout: Layout, unit: list[int]) -> np.ndarray:
    """One integer code per row for a column: labels as codes, numbers in quantile bins."""
    parts = []
    for feature in unit:
        x = values[:, feature]
        if layout.spans[feature].discrete:
            parts.append(np.round(x).astype(np.int64))
            continue
        edges = np.unique(np.quantile(x, np.linspace(0, 1, NUMBER_BINS + 1)[1:-1]))
        parts.append(np.searchsorted(edges, x, side="right"))
    joined = np.column_stack(parts)
    return np.unique(joined, axis=0, return_inverse=True)[1].ravel()


def dependence(
    values: np.ndarray, layout: Layout, units: list[list[int]], rng: np.random.Generator
) -> np.ndarray:
    """Normalised mutual information of every pair of columns (1 on the diagonal).

    ``I(a, b)`` over the arithmetic mean of ``H(a)`` and ``H(b)`` (scikit-learn's
    default normalisation); a constant column depends on nothing.
    """
    rows = values
    if values.shape[0] > DEPENDENCE_ROWS:
        rows = values[rng.choice(values.shape[0], DEPENDENCE_ROWS, replace=False)]
    codes = [column_codes(rows, layout, unit) for unit in units]
    sizes = [int(c.max()) + 1 for c in codes]
    entropy = [_entropy(np.bincount(c)) for c in codes]
    k = len(units)
    nmi = np.eye(k)
    for i in range(k):
        for j in range(i + 1, k):  # pairs of columns, each a bincount over all rows
            mean = (entropy[i] + entropy[j]) / 2
            if min(entropy[i], entropy[j]) <= 0:
                continue
            joint = _entropy(np.bincount(codes[i] * sizes[j] + codes[j]))
            nmi[i, j] = nmi[j, i] = max(entropy[i] + entropy[j] - joint, 0.0) / mean
    return nmi


def _entropy(counts: np.ndarray) -> float:
    p = counts[counts > 0] / counts.sum()
    return float(-(p * np.log(p)).sum())


def dependence_groups(nmi: np.ndarray, *, min_dependence: float) -> list[list[int]]:
    """Columns clustered by average linkage on ``1 - nmi``, cut at ``1 - min_dependence``.

    Groups come largest first, each listing its columns in their original order.
    """
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    k = nmi.shape[0]
    if k == 1:
        return [[0]]
    distance = np.clip(1.0 - (nmi + nmi.T) / 2, 0.0, 1.0)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    labels = fcluster(tree, t=1.0 - min_dependence, criterion="distance")
    groups = [[int(i) for i in np.flatnonzero(labels == g)] for g in np.unique(labels)]
    return sorted(groups, key=lambda g: (-len(g), g[0]))
