"""Fidelity figures: column marginals, the three correlation panels, statistics gaps.

Each builder takes the context and the results by name and returns a
:class:`~synthtab.evaluation.figures_common.Figure`, or None when the table has
nothing to show (for instance fewer than two numeric columns for correlations).
They read the metrics' details rather than recomputing them.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.image import AxesImage

from synthtab.evaluation.base import EvalContext, as_float, as_labels
from synthtab.evaluation.figures_common import (
    REAL_COLOUR,
    SYNTHETIC_COLOUR,
    Figure,
    Results,
    add_real_synthetic_legend,
    new_figure,
    short_label,
    to_png,
)

#: Columns drawn in the marginal grid, and panels per grid row.
MAX_MARGINAL_COLUMNS = 24
GRID_COLUMNS = 4
#: Categories drawn per label column; the rest are summed as "other".
MAX_CATEGORIES = 8
#: Histogram bins for continuous numbers, and the real quantile range they span.
BINS = 30
RANGE = (0.005, 0.995)
#: Integer columns with at most this many distinct values get one bar per value.
DISCRETE_VALUES = 40
#: Matrices this small get their values written in the cells.
ANNOTATE_UP_TO = 12
#: Statistics tables with at most this many columns get their values written in.
MAX_ANNOTATED_ROWS = 40
_SECONDS_PER_DAY = 86_400.0


def marginals(ctx: EvalContext, results: Results) -> Figure | None:
    """Real and synthetic distribution of each column (at most 24), in a grid."""
    columns = list(ctx.real.columns)[:MAX_MARGINAL_COLUMNS]
    if not columns:
        return None
    shapes = results["column_shapes"].details if "column_shapes" in results else None
    ncols = min(GRID_COLUMNS, len(columns))
    nrows = math.ceil(len(columns) / ncols)
    fig = new_figure(3.4 * ncols, 2.5 * nrows + 0.4)
    axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel()
    for ax, col in zip(axes, columns, strict=False):
        if col in ctx.numeric_columns:
            _numeric_marginal(ax, ctx, col)
        else:
            _label_marginal(ax, ctx, col)
        ax.set_title(_marginal_title(col, shapes), fontsize=10)
        ax.set_ylabel("share of rows", fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in axes[len(columns) :]:
        ax.set_visible(False)
    add_real_synthetic_legend(fig)
    fig.suptitle("Column distributions: real vs synthetic", fontsize=13)
    shown = len(columns)
    more = (
        f" Showing the first {shown} of {ctx.real.shape[1]} columns."
        if shown < len(ctx.real.columns)
        else ""
    )
    caption = (
        "Share of rows per bin (numbers: 30 bins over the real 0.5–99.5 % range, or one bar "
        f"per value for small integer ranges) or per category (the {MAX_CATEGORIES} most "
        "frequent real categories, the rest as 'other'). Panel titles give the KS statistic "
        f"or total variation distance (0 means identical).{more}"
    )
    return Figure("fidelity", "Column distributions", caption, to_png(fig), "marginals")


def _marginal_title(col: str, shapes: pd.DataFrame | None) -> str:
    if shapes is None or col not in shapes.index:
        return short_label(col, 28)
    row = shapes.loc[col]
    return f"{short_label(col, 22)}  ({str(row['statistic_name']).upper()} {row['statistic']:.3f})"


def _numeric_marginal(ax: Axes, ctx: EvalContext, col: str) -> None:
    is_date = ctx.real[col].dtype.kind == "M"
    values = [as_float(f[col]) for f in (ctx.real, ctx.synthetic)]
    if is_date:  # matplotlib's date numbers are days since 1970-01-01
        values = [v / _SECONDS_PER_DAY for v in values]
    bins = _bins(values[0][~np.isnan(values[0])])
    # real filled, synthetic as an outline on top: both stay visible where they overlap
    styles: tuple[tuple[str, Any], ...] = ((REAL_COLOUR, "stepfilled"), (SYNTHETIC_COLOUR, "step"))
    for v, (colour, kind) in zip(values, styles, strict=True):
        observed = v[~np.isnan(v)]
        weights = np.full(len(observed), 1.0 / max(len(v), 1))  # share of all rows
        alpha = 0.45 if kind == "stepfilled" else 1.0
        ax.hist(
            observed, list(bins), weights=weights, color=colour, histtype=kind, alpha=alpha, lw=1.8
        )
    if is_date:
        ax.xaxis_date()
        ax.tick_params(axis="x", labelrotation=30)
    ax.set_xlabel(short_label(col, 28) + (" (date)" if is_date else ""), fontsize=8)


def _bins(real: np.ndarray) -> np.ndarray:
    if len(real) == 0:
        return np.linspace(0.0, 1.0, BINS + 1)
    lo, hi = np.quantile(real, RANGE)
    whole = np.all(real == np.round(real))
    if whole and real.max() - real.min() <= DISCRETE_VALUES:
        return np.arange(real.min() - 0.5, real.max() + 1.0)
    if hi <= lo:
        lo, hi = lo - 0.5, hi + 0.5
    return np.linspace(lo, hi, BINS + 1)


def _label_marginal(ax: Axes, ctx: EvalContext, col: str) -> None:
    real = pd.Series(as_labels(ctx.real[col])).value_counts(normalize=True)
    syn = pd.Series(as_labels(ctx.synthetic[col])).value_counts(normalize=True)
    keep = list(real.index[:MAX_CATEGORIES])
    shares = pd.DataFrame({"real": real, "synthetic": syn}).fillna(0.0)
    top = shares.loc[keep]
    rest = shares.drop(index=keep).sum()
    if rest.sum() > 0:
        top.loc["other"] = rest
    x = np.arange(len(top))
    ax.bar(x - 0.2, top["real"], 0.4, color=REAL_COLOUR, alpha=0.8)
    ax.bar(x + 0.2, top["synthetic"], 0.4, color=SYNTHETIC_COLOUR, alpha=0.9)
    ax.set_xticks(x, [short_label(v, 12) for v in top.index], rotation=35, ha="right")
    ax.set_xlabel(short_label(col, 28), fontsize=8)


def _pivot(details: pd.DataFrame, values: str, order: list[str]) -> pd.DataFrame:
    table = details.pivot(index="column_a", columns="column_b", values=values)
    return table.reindex(index=order, columns=order)


def correlations(ctx: EvalContext, results: Results) -> Figure | None:
    """Pearson correlation matrices of real and synthetic numbers, and their difference."""
    result = results.get("correlation")
    if result is None or result.details is None or result.details.empty:
        return None
    order = [c for c in ctx.numeric_columns if c in set(result.details["column_a"])]
    panels = [
        ("Real", _pivot(result.details, "real", order), 1.0),
        ("Synthetic", _pivot(result.details, "synthetic", order), 1.0),
        ("Difference (synthetic − real)", _pivot(result.details, "difference", order), None),
    ]
    small = len(order) <= ANNOTATE_UP_TO  # three in a row, values written in the cells
    size = 2.0 + 0.45 * len(order) if small else 7.0
    ncols, nrows = (3, 1) if small else (2, 2)
    fig = new_figure(ncols * size + 1.5, nrows * size + 0.6)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    axes[-1].set_visible(small)
    for ax, (title, matrix, limit) in zip(axes, panels, strict=False):
        data = matrix.to_numpy(dtype="float64")
        bound = limit or max(0.25, float(np.nanmax(np.abs(data))))
        image = ax.imshow(data, cmap="RdBu_r", vmin=-bound, vmax=bound)
        _label_matrix(ax, image, order, order, annotate=small)
        ax.set_title(title, fontsize=11)
        fig.colorbar(image, ax=ax, shrink=0.8, label="Pearson r" if limit else "difference in r")
    fig.suptitle("Pearson correlations of the numeric columns", fontsize=13)
    caption = (
        f"Pearson correlation between every pair of the {len(order)} numeric columns, in the "
        f"real and synthetic tables, and synthetic minus real (mean absolute off-diagonal gap "
        f"{result.score:.3f}; 0 means the same linear relations)."
    )
    return Figure("fidelity", "Correlation matrices", caption, to_png(fig), "correlations")


def _label_matrix(
    ax: Axes, image: AxesImage, rows: list[str], cols: list[str], *, annotate: bool
) -> None:
    """Tick labels, and each value written in its cell (white on dark colours)."""
    ax.set_xticks(range(len(cols)), [short_label(c) for c in cols], rotation=45, ha="right")
    ax.set_yticks(range(len(rows)), [short_label(r) for r in rows])
    ax.tick_params(labelsize=8 if max(len(rows), len(cols)) <= 20 else 6)
    if not annotate:
        return
    data = np.asarray(image.get_array(), dtype="float64")
    for (i, j), value in np.ndenumerate(data):
        if np.isfinite(value):
            red, green, blue, _ = image.cmap(image.norm(value))
            dark = 0.299 * red + 0.587 * green + 0.114 * blue < 0.5
            colour = "white" if dark else "black"
            ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=7, color=colour)


def statistics(ctx: EvalContext, results: Results) -> Figure | None:
    """Heatmap of the basic-statistics gaps per numeric column (lighter: smaller gap)."""
    result = results.get("statistics_difference")
    if result is None or result.details is None or result.details.empty:
        return None
    gaps = result.details
    data = gaps.to_numpy(dtype="float64")
    fig = new_figure(2.5 + 0.9 * gaps.shape[1], 1.6 + 0.42 * gaps.shape[0])
    ax = fig.subplots()
    image = ax.imshow(data, cmap="Reds", vmin=0.0, vmax=1.0, aspect="auto")
    names = [str(c) for c in gaps.index], [str(c) for c in gaps.columns]
    _label_matrix(ax, image, *names, annotate=len(gaps) <= MAX_ANNOTATED_ROWS)
    ax.set_xlabel("statistic")
    ax.set_ylabel("numeric column")
    ax.set_title("Statistics difference: the lighter, the smaller", fontsize=12)
    shrink = min(1.0, 10 / len(gaps))  # a tall table would stretch the colour bar with it
    fig.colorbar(image, ax=ax, extend="max", shrink=shrink, label="|synthetic − real| / real std")
    caption = (
        "Absolute gap in each statistic, divided by the real column's standard deviation "
        "(the 'missing' column is the gap in the share of missing values). White is no "
        "difference; the colour saturates at one standard deviation."
    )
    return Figure("fidelity", "Statistics difference", caption, to_png(fig), "statistics")
