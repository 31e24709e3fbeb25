"""Figures of the joint structure: PCA and t-SNE projections, and a pair plot.

Both subsample (these methods grow quadratically, or draw unreadable clouds of
points), and the captions say how many rows were drawn.
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import SubFigure

from synthtab.evaluation.base import EvalContext, as_float
from synthtab.evaluation.figures_common import (
    REAL_COLOUR,
    SYNTHETIC_COLOUR,
    Figure,
    Results,
    add_real_synthetic_legend,
    new_figure,
    row_sample,
    short_label,
    to_png,
)

#: Rows per table in the PCA and t-SNE projections.
PROJECTION_ROWS = 1_000
#: Components kept by the PCA that t-SNE starts from (it is much faster on fewer).
TSNE_INPUT_DIMS = 30
#: t-SNE iterations (scikit-learn's default is 1,000; the layout is settled well before).
TSNE_ITERATIONS = 500
#: Numeric columns in the pair plot, and rows per table drawn in it.
PAIR_COLUMNS = 5
PAIR_ROWS = 500


def projections(ctx: EvalContext, results: Results) -> Figure | None:
    """Real and synthetic rows projected by PCA and by t-SNE, side by side."""
    from sklearn.decomposition import PCA

    from synthtab.random import integer_seed

    real = ctx.numeric_matrix(ctx.real)
    syn = ctx.numeric_matrix(ctx.synthetic)
    if real.shape[1] < 2 or min(len(real), len(syn)) < 5:
        return None
    real = real[row_sample(ctx, len(real), PROJECTION_ROWS)]
    syn = syn[row_sample(ctx, len(syn), PROJECTION_ROWS)]
    both = np.vstack([real, syn])
    is_syn = np.r_[np.zeros(len(real), bool), np.ones(len(syn), bool)]
    seed = integer_seed(ctx.rng)
    pca = PCA(n_components=2, random_state=seed).fit(real)
    reduced = PCA(n_components=min(TSNE_INPUT_DIMS, *both.shape), random_state=seed).fit_transform(
        both
    )
    perplexity = float(min(30.0, (len(both) - 1) / 3))
    tsne = _tsne(reduced, perplexity, seed)
    fig = new_figure(12.0, 5.6)
    ax_pca, ax_tsne = fig.subplots(1, 2)
    order = ctx.rng.permutation(len(both))  # interleave so neither table hides the other
    share = pca.explained_variance_ratio_
    _scatter(ax_pca, pca.transform(both), is_syn, order)
    ax_pca.set(xlabel=f"PC 1 ({share[0]:.0%} of real variance)", ylabel=f"PC 2 ({share[1]:.0%})")
    ax_pca.set_title("PCA (fitted on the real rows)", fontsize=11)
    _scatter(ax_tsne, tsne, is_syn, order)
    ax_tsne.set(xlabel="t-SNE 1", ylabel="t-SNE 2")
    ax_tsne.set_title("t-SNE (real and synthetic together)", fontsize=11)
    add_real_synthetic_legend(fig)
    fig.suptitle("Real and synthetic rows in two dimensions", fontsize=13)
    caption = (
        f"{len(real):,} real and {len(syn):,} synthetic rows drawn at random (numbers min-max "
        "scaled by the real range, labels one-hot). Where synthetic points cover the real "
        "ones and leave no separate islands, the joint structure is kept; t-SNE ran on the "
        f"first {reduced.shape[1]} principal components with perplexity {perplexity:.0f} "
        f"for {TSNE_ITERATIONS} iterations."
    )
    return Figure("fidelity", "PCA and t-SNE projections", caption, to_png(fig), "projections")


def _tsne(points: np.ndarray, perplexity: float, seed: int) -> np.ndarray:
    """Barnes-Hut t-SNE, 500 iterations, on one OpenMP thread.

    On a busy 2-core machine its OpenMP gradient loop ran 6x slower on two threads
    than on one (34 s against 5.8 s for 2,000 rows); the limit is lifted on return.
    """
    from sklearn.manifold import TSNE
    from threadpoolctl import threadpool_limits

    model = TSNE(2, perplexity=perplexity, init="pca", max_iter=TSNE_ITERATIONS, random_state=seed)
    with threadpool_limits(limits=1, user_api="openmp"):
        return model.fit_transform(points)


def _scatter(ax: Axes, points: np.ndarray, is_syn: np.ndarray, order: np.ndarray) -> None:
    colours = np.where(is_syn, SYNTHETIC_COLOUR, REAL_COLOUR)[order]
    ax.scatter(points[order, 0], points[order, 1], c=colours, s=5, alpha=0.5, linewidths=0)


def pair_plot(ctx: EvalContext, results: Results) -> Figure | None:
    """Scatter plots of up to five numeric columns: real on the left, synthetic on the right."""
    cols = [c for c in ctx.numeric_columns if ctx.real[c].dtype.kind != "M"][:PAIR_COLUMNS]
    if len(cols) < 2:
        return None
    frames = {}
    for name, frame in (("real", ctx.real), ("synthetic", ctx.synthetic)):
        rows = row_sample(ctx, len(frame), PAIR_ROWS)
        frames[name] = np.column_stack([as_float(frame[c])[rows] for c in cols])
    limits = [_limits(as_float(ctx.real[c])) for c in cols]
    side = 1.3 * len(cols)
    fig = new_figure(2 * side + 0.6, side + 0.8)
    left, right = cast(Any, fig.subfigures(1, 2, wspace=0.04))  # two, side by side
    for sub, name, colour in ((left, "real", REAL_COLOUR), (right, "synthetic", SYNTHETIC_COLOUR)):
        _pair_grid(sub, frames[name], cols, limits, colour)
        sub.suptitle(f"{name.capitalize()} ({len(frames[name]):,} rows)", color=colour)
    fig.suptitle("Pair plot of the numeric columns", fontsize=13)
    caption = (
        f"The first {len(cols)} numeric columns, {PAIR_ROWS:,} rows at most per table drawn at "
        "random; diagonal: histograms; both sides share the axis ranges (the real 0.5–99.5 % "
        "range), so the clouds can be compared panel by panel."
    )
    return Figure("fidelity", "Pair plot", caption, to_png(fig), "pair_plot")


def _limits(values: np.ndarray) -> tuple[float, float]:
    observed = values[~np.isnan(values)]
    if len(observed) == 0:
        return (0.0, 1.0)
    lo, hi = (float(v) for v in np.quantile(observed, [0.005, 0.995]))
    pad = 0.05 * (hi - lo) if hi > lo else 0.5
    return (lo - pad, hi + pad)


def _pair_grid(
    sub: SubFigure,
    data: np.ndarray,
    cols: list[str],
    limits: list[tuple[float, float]],
    colour: str,
) -> None:
    k = len(cols)
    axes = sub.subplots(k, k, squeeze=False)
    for (i, j), ax in np.ndenumerate(axes):
        x, y = data[:, j], data[:, i]
        if i == j:
            ax.hist(x[~np.isnan(x)], bins=20, range=limits[j], color=colour, alpha=0.7)
            ax.set_yticks([])
        else:
            ax.scatter(x, y, s=3, alpha=0.35, color=colour, linewidths=0)
            ax.set_ylim(limits[i])
        ax.set_xlim(limits[j])
        ax.tick_params(labelsize=6)
        ax.locator_params(nbins=3)
        if i == k - 1:
            ax.set_xlabel(short_label(cols[j], 12), fontsize=8)
        else:
            ax.set_xticklabels([])
        if j == 0 and i != j:
            ax.set_ylabel(short_label(cols[i], 12), fontsize=8)
        elif i != j:
            ax.set_yticklabels([])
