"""Tables of known quality for the metric contract, shared by every metric's test.

Each metric runs on three synthetic tables: the training rows themselves (perfect
fidelity, no privacy), the training rows with every column shuffled on its own
(the same marginals, no dependence), and fresh rows of the same population (what
an ideal generator gives).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthtab import Positive
from synthtab.evaluation.api import build_context
from synthtab.evaluation.base import Direction, EvalContext, Metric, MetricResult

N = 600
TOLERANCE = 0.03  # noise of the classifier-based figures on 600 rows


def population(n: int, seed: int) -> pd.DataFrame:
    """Correlated numbers, a label that follows them, a target, gaps and a constant."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    y = 0.8 * x + 0.6 * rng.normal(size=n)
    return pd.DataFrame(
        {
            "id": rng.choice(10**7, n, replace=False),  # a key: left out, checked for copies
            "x": x.round(3),
            "fee": (0.2 * x.round(3)).round(4),  # a rate of x: an exact rule to discover
            "y": np.where(rng.random(n) < 0.1, np.nan, y.round(3)),
            "side": np.where(x + 0.3 * rng.normal(size=n) > 0, "right", "left"),
            "count": rng.poisson(np.exp(0.5 * x + 1)),
            "plan": ["basic"] * n,  # a constant column is a one-label column, not an error
            "target": np.where(x + y + 0.5 * rng.normal(size=n) > 0, "yes", "no"),
        }
    )


def shuffled(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({c: frame[c].to_numpy()[rng.permutation(len(frame))] for c in frame})


def known_quality_contexts() -> dict[str, EvalContext]:
    """One evaluation context per synthetic table of known quality (see the docstring)."""
    real, holdout = population(N, 0), population(N, 1)
    synthetic = {"identical": real, "independent": shuffled(real, 2), "fresh": population(N, 3)}
    return {
        name: build_context(
            real, table, target="target", holdout=holdout, seed=0, constraints=[Positive("count")]
        )
        for name, table in synthetic.items()
    }


def headline(metric: Metric, ctx: EvalContext) -> MetricResult | None:
    results = metric.compute(ctx)
    results = results if isinstance(results, list) else [results]
    return results[0] if results else None


def at_least_as_good(a: float, b: float, metric: Metric) -> bool:
    """Whether score ``a`` is no worse than ``b`` in the metric's direction."""
    if metric.direction is Direction.HIGHER:
        return a >= b - TOLERANCE
    if metric.direction is Direction.LOWER:
        return a <= b + TOLERANCE
    assert metric.target is not None, f"{metric.name} aims at a target but names none"
    return abs(a - metric.target) <= abs(b - metric.target) + TOLERANCE
