"""Figures of the privacy and utility results, and of the model's training curves.

The nearest-neighbour histograms reuse the distances the privacy metrics computed
(shared through the context cache); the utility bars read the utility details.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from synthtab.evaluation.base import EvalContext
from synthtab.evaluation.figures_common import (
    HOLDOUT_COLOUR,
    REAL_COLOUR,
    SYNTHETIC_COLOUR,
    Figure,
    Results,
    new_figure,
    short_label,
    to_png,
)

#: Bars per scenario: who trained and who was tested, in the report's colours.
_SCENARIOS = {
    "TRTR": ("train real, test real", REAL_COLOUR),
    "TSTR": ("train synthetic, test real", SYNTHETIC_COLOUR),
    "TRTS": ("train real, test synthetic", HOLDOUT_COLOUR),
}
_METRIC_LABELS = {
    "roc_auc": "ROC AUC",
    "f1_macro": "macro F1",
    "accuracy": "accuracy",
    "r2": "R²",
    "mae": "mean absolute error",
}


def distances(ctx: EvalContext, results: Results) -> Figure | None:
    """Histograms of nearest-neighbour distances: DCR, and the ONS memorisation view."""
    if ctx.holdout is None:
        return None
    from synthtab.evaluation.privacy import distances as shared_distances

    d = shared_distances(ctx)
    syn_train, hold_train, syn_hold = d.syn_train[:, 0], d.hold_train[:, 0], d.syn_hold
    top = float(np.quantile(np.r_[syn_train, hold_train, syn_hold], 0.99))
    bins = np.linspace(0.0, top if top > 0 else 1.0, 40)
    fig = new_figure(12.0, 4.2)
    left, right = fig.subplots(1, 2, sharey=True)
    _hist(left, syn_train, "synthetic → closest training row", SYNTHETIC_COLOUR, bins)
    _hist(left, hold_train, "holdout → closest training row", HOLDOUT_COLOUR, bins)
    left.set_title("Distance to closest record (DCR)", fontsize=11)
    _hist(right, syn_train, "synthetic → closest training row", SYNTHETIC_COLOUR, bins)
    _hist(right, syn_hold, "synthetic → closest holdout row", REAL_COLOUR, bins)
    right.set_title("Memorisation: to training vs to holdout", fontsize=11)
    for ax in (left, right):
        ax.set_xlabel("Euclidean distance (scaled numbers, one-hot labels)")
        ax.legend(fontsize=8, frameon=False)
    left.set_ylabel("share of rows")
    fig.suptitle("Nearest-neighbour distances", fontsize=13)
    share = results.get("dcr_share_closer_to_train")
    memo = results.get("memorisation")
    facts = [f"{d.note}"]
    if share is not None:
        facts.append(f"share of synthetic rows closer to training than holdout {share.score:.3f}")
    if memo is not None:
        facts.append(f"one-sided Mann-Whitney p = {memo.score:.3g}")
    caption = (
        "Left: synthetic rows should sit no closer to the training rows than unseen real rows "
        "do (the grey holdout curve). Right: a synthetic row no nearer to the training rows "
        "than to the holdout has not memorised them; a pile near 0 on the left of either "
        f"panel flags copies. {'; '.join(facts)}. Distances above the 99th percentile are "
        "not drawn."
    )
    return Figure("privacy", "Nearest-neighbour distances", caption, to_png(fig), "distances")


def _hist(ax: Any, values: np.ndarray, label: str, colour: str, bins: np.ndarray) -> None:
    weights = np.full(len(values), 1.0 / max(len(values), 1))
    ax.hist(values, bins, weights=weights, color=colour, alpha=0.45, label=label)
    ax.hist(values, bins, weights=weights, color=colour, histtype="step", linewidth=1.5)


def utility_bars(ctx: EvalContext, results: Results) -> Figure | None:
    """TRTR, TSTR and TRTS scores per estimator, one panel per measure."""
    result = results.get("utility_score")
    if result is None or result.details is None or result.details.empty:
        return None
    details: pd.DataFrame = result.details
    regression = "r2" in details.columns
    measures = ["r2", "mae"] if regression else ["roc_auc", "f1_macro"]
    estimators = list(dict.fromkeys(details["estimator"]))
    fig = new_figure(12.0, 4.4)
    axes = fig.subplots(1, len(measures))
    x = np.arange(len(estimators))
    for ax, measure in zip(axes, measures, strict=True):
        table = details.pivot(index="estimator", columns="scenario", values=measure)
        table = table.reindex(estimators)
        for k, (scenario, (label, colour)) in enumerate(_SCENARIOS.items()):
            if scenario in table.columns:
                bars = ax.bar(x + (k - 1) * 0.27, table[scenario], 0.27, color=colour, label=label)
                ax.bar_label(bars, fmt="%.2f", fontsize=7, padding=1)
        ax.set_xticks(x, [short_label(e.replace("_", " "), 20) for e in estimators])
        ax.set_ylabel(_METRIC_LABELS[measure])
        ax.set_xlabel("classifier" if not regression else "regressor")
        ax.set_title(_METRIC_LABELS[measure], fontsize=11)
        if measure in ("roc_auc", "f1_macro"):
            ax.set_ylim(0.0, 1.08)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside upper right", ncols=3, frameon=False, fontsize=9)
    fig.suptitle(f"Utility: models predicting '{ctx.target}'", fontsize=13)
    caption = (
        "The synthetic (orange) bar near the real (blue) one means models trained on synthetic "
        "rows do about as well on real rows as models trained on real rows. "
        f"Utility score {result.score:.3f} (mean TSTR/TRTR ratio). {result.note}."
    )
    return Figure("utility", "TSTR and TRTR per estimator", caption, to_png(fig), "utility")


def training_curves(ctx: EvalContext, results: Results) -> Figure | None:
    """The losses the model recorded while fitting, one line per recorded series."""
    series = {k: np.asarray(v, dtype="float64") for k, v in ctx.history.items() if len(v)}
    if not series:
        return None
    fig = new_figure(9.0, 4.0)
    ax = fig.subplots()
    for name, values in series.items():
        ax.plot(np.arange(1, len(values) + 1), values, label=short_label(name, 30), linewidth=1.5)
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.set_title("Training loss", fontsize=12)
    ax.legend(fontsize=8, frameon=False)
    ax.grid(alpha=0.3)
    caption = (
        f"Loss per epoch recorded by the model while it was fitted ({', '.join(series)}). "
        "A curve still falling at the end suggests more epochs would help."
    )
    return Figure("training", "Training loss", caption, to_png(fig), "training")
