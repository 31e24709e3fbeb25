"""The report's figures: every builder run once, in reading order, as PNG records.

:func:`build_figures` is what :func:`synthtab.evaluate` calls. Builders live in
``figures_fidelity`` (marginals, correlations, statistics), ``figures_structure``
(PCA/t-SNE, pair plot) and ``figures_results`` (distances, utility, training).
Real rows are blue, synthetic rows orange, holdout rows grey, in every figure.

>>> import pandas as pd
>>> from synthtab.evaluation import evaluate
>>> real = pd.DataFrame({"x": [1.0, 2.0, 3.0, 5.0] * 10, "y": [2.0, 1.0, 4.0, 3.0] * 10})
>>> [f.name for f in evaluate(real, real).figures]
['marginals', 'correlations', 'statistics', 'projections', 'pair_plot']
"""

from __future__ import annotations

import time
from collections.abc import Callable

from synthtab.evaluation.base import EvalContext, MetricResult
from synthtab.evaluation.figures_common import (
    DPI,
    HOLDOUT_COLOUR,
    REAL_COLOUR,
    SYNTHETIC_COLOUR,
    Figure,
    Results,
)
from synthtab.evaluation.figures_fidelity import correlations, marginals, statistics
from synthtab.evaluation.figures_results import distances, training_curves, utility_bars
from synthtab.evaluation.figures_structure import pair_plot, projections

__all__ = [
    "BUILDERS",
    "DPI",
    "HOLDOUT_COLOUR",
    "REAL_COLOUR",
    "SYNTHETIC_COLOUR",
    "Figure",
    "build_figures",
]

Builder = Callable[[EvalContext, Results], Figure | None]

#: Every figure, in the order the report shows them (the HTML groups them by section).
BUILDERS: dict[str, Builder] = {
    "marginals": marginals,
    "correlations": correlations,
    "statistics": statistics,
    "projections": projections,
    "pair_plot": pair_plot,
    "utility": utility_bars,
    "distances": distances,
    "training": training_curves,
}


def build_figures(ctx: EvalContext, results: list[MetricResult]) -> list[Figure]:
    """Draw every figure that the tables and results allow.

    A builder with nothing to draw (no target, no holdout, no loss history, fewer
    than two numeric columns) is left out. Seconds per figure go to
    ``ctx.cache["figure_seconds"]``.

    Parameters
    ----------
    ctx : the evaluation context the metrics ran on.
    results : the metric results; figures read their details instead of recomputing.

    Returns
    -------
    list of Figure, each with ``section``, ``title``, ``caption``, ``png`` and ``name``.

    Examples
    --------
    >>> figures = build_figures(ctx, results)  # doctest: +SKIP
    >>> figures[0].title  # doctest: +SKIP
    'Column distributions'
    """
    by_name = {r.name: r for r in results}
    seconds: dict[str, float] = {}
    figures = []
    for name, builder in BUILDERS.items():
        started = time.perf_counter()
        figure = builder(ctx, by_name)
        seconds[name] = round(time.perf_counter() - started, 3)
        if figure is not None:
            figures.append(figure)
    ctx.cache["figure_seconds"] = seconds
    return figures
