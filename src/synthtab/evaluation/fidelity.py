"""Fidelity metrics: how closely synthetic columns and column pairs follow the real ones.

Pair tables (``correlation``, ``association``, ``mutual_information``) come as
long DataFrames with columns ``column_a, column_b, real, synthetic, difference``
covering every ordered pair (diagonal included), so
``details.pivot(index="column_a", columns="column_b", values="real")`` gives the
real matrix and likewise the synthetic and difference matrices.

The overall fidelity score is ``mean(column_shapes, 1 - association)``: the mean
of per-column ``1 - KS`` / ``1 - TVD`` and one minus the mean absolute gap between
the real and synthetic association matrices; both parts lie in [0, 1].

>>> from synthtab.evaluation.base import metric_registry
>>> "column_shapes" in metric_registry
True
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd

from synthtab.evaluation.base import (
    Direction,
    EvalContext,
    Family,
    Metric,
    MetricResult,
    as_float,
    as_labels,
    metric_registry,
)

#: Rows per table for the real-versus-synthetic detection classifier.
DETECTION_ROWS = 5_000
#: Quantile bins used to turn numbers into labels for mutual information.
MI_BINS = 10
#: Statistics compared by the statistics-difference table.
STATISTICS = ["mean", "std", "min", "25%", "50%", "75%", "max", "missing"]
_PAIR_COLUMNS = ["column_a", "column_b", "real", "synthetic", "difference"]


def ks_statistic(real: np.ndarray, synthetic: np.ndarray) -> float:
    """Two-sample KS statistic on the observed values, at least the gap in missing share."""
    from scipy.stats import ks_2samp

    r, s = real[~np.isnan(real)], synthetic[~np.isnan(synthetic)]
    gap = abs(np.isnan(real).mean() - np.isnan(synthetic).mean())
    if len(r) == 0 or len(s) == 0:
        return float(1.0 if len(r) != len(s) else gap)
    return float(max(ks_2samp(r, s, method="asymp").statistic, gap))


def tv_distance(real: np.ndarray, synthetic: np.ndarray) -> float:
    """Total variation distance between two label arrays' frequencies."""
    p = pd.Series(real).value_counts(normalize=True)
    q = pd.Series(synthetic).value_counts(normalize=True)
    p, q = p.align(q, fill_value=0.0)
    return float(0.5 * np.abs(p - q).sum())


def _pair_frame(columns: list[str], real: np.ndarray, synthetic: np.ndarray) -> pd.DataFrame:
    a, b = np.meshgrid(columns, columns, indexing="ij")
    return pd.DataFrame(
        {
            "column_a": a.ravel(),
            "column_b": b.ravel(),
            "real": real.ravel(),
            "synthetic": synthetic.ravel(),
            "difference": (synthetic - real).ravel(),
        }
    )


def _off_diagonal_gap(pairs: pd.DataFrame) -> float:
    off = pairs[pairs["column_a"] != pairs["column_b"]]
    return float(np.nanmean(np.abs(off["difference"]))) if len(off) else 0.0


@metric_registry.register("column_shapes", description="per-column KS / total variation")
class ColumnShapes(Metric):
    """Mean of ``1 - KS`` (numbers, datetimes) and ``1 - TVD`` (labels) over columns."""

    name, family, direction = "column_shapes", Family.FIDELITY, Direction.HIGHER

    def compute(self, ctx: EvalContext) -> MetricResult:
        rows = []
        for col in ctx.real.columns:
            if col in ctx.numeric_columns:
                stat = ks_statistic(as_float(ctx.real[col]), as_float(ctx.synthetic[col]))
                kind = "datetime" if ctx.real[col].dtype.kind == "M" else "numeric"
                rows.append((col, kind, "ks", stat))
            else:
                stat = tv_distance(as_labels(ctx.real[col]), as_labels(ctx.synthetic[col]))
                rows.append((col, "categorical", "tvd", stat))
        details = pd.DataFrame(rows, columns=["column", "kind", "statistic_name", "statistic"])
        details["score"] = 1.0 - details["statistic"]
        return self.result(details["score"].mean(), details=details.set_index("column"))


@metric_registry.register("statistics_difference", description="basic statistics gaps")
class StatisticsDifference(Metric):
    """Normalised gaps in mean, std, min, quartiles, max (by the real std) and missing share."""

    name, family, direction = "statistics_difference", Family.FIDELITY, Direction.LOWER
    bounds = (0.0, math.inf)

    def compute(self, ctx: EvalContext) -> MetricResult:
        cols = ctx.numeric_columns
        if not cols:
            return self.result(0.0, note="no numeric columns")
        real, syn = (
            pd.DataFrame({c: as_float(f[c]) for c in cols}) for f in (ctx.real, ctx.synthetic)
        )
        r_stats, s_stats = (_describe(f) for f in (real, syn))
        scale = r_stats["std"].where(r_stats["std"] > 0, 1.0)
        gaps = (s_stats - r_stats).abs().div(scale, axis=0)
        gaps["missing"] = (s_stats["missing"] - r_stats["missing"]).abs()
        return self.result(
            float(np.nanmean(gaps.to_numpy())),
            details=gaps,
            note="numeric gaps are |synthetic - real| / real std; missing is the share gap",
        )


def _describe(frame: pd.DataFrame) -> pd.DataFrame:
    q = frame.quantile([0.25, 0.5, 0.75]).T
    q.columns = ["25%", "50%", "75%"]
    out = pd.DataFrame({"mean": frame.mean(), "std": frame.std(), "min": frame.min()})
    out = out.join(q)
    out["max"], out["missing"] = frame.max(), frame.isna().mean()
    return out[STATISTICS]


@metric_registry.register("correlation", description="Pearson correlation matrix gap")
class Correlation(Metric):
    """Mean absolute gap between the real and synthetic Pearson correlation matrices."""

    name, family, direction = "correlation", Family.FIDELITY, Direction.LOWER
    bounds = (0.0, 2.0)

    def compute(self, ctx: EvalContext) -> MetricResult:
        cols = ctx.numeric_columns
        if len(cols) < 2:
            return self.result(0.0, note="fewer than two numeric columns")
        mats = [
            pd.DataFrame({c: as_float(f[c]) for c in cols}).corr().fillna(0.0).to_numpy()
            for f in (ctx.real, ctx.synthetic)
        ]
        pairs = _pair_frame(cols, *mats)
        return self.result(
            _off_diagonal_gap(pairs),
            details=pairs,
            note="pivot details on column_a/column_b for the real, synthetic, difference panels",
        )


def _codes(values: np.ndarray) -> np.ndarray:
    return np.unique(values, return_inverse=True)[1]


def contingency(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Counts table of two non-negative integer code arrays (one bincount, no loop)."""
    nx, ny = int(x.max()) + 1, int(y.max()) + 1
    return np.bincount(x * ny + y, minlength=nx * ny).reshape(nx, ny)


def cramers_v(x: np.ndarray, y: np.ndarray) -> float:
    """Cramér's V between two integer-coded label arrays (scipy's contingency helper)."""
    from scipy.stats.contingency import association

    table = contingency(x, y)
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    if min(table.shape) < 2:
        return 0.0
    return float(association(table, method="cramer"))


def correlation_ratio(codes: np.ndarray, values: np.ndarray) -> float:
    """Correlation ratio eta of numbers ``values`` given integer class ``codes``."""
    ok = ~np.isnan(values)
    codes, values = codes[ok], values[ok]
    if len(values) == 0 or np.var(values) == 0:
        return 0.0
    counts = np.bincount(codes)
    means = np.bincount(codes, weights=values) / np.maximum(counts, 1)
    between = np.sum(counts * (means - values.mean()) ** 2)
    return float(np.sqrt(between / np.sum((values - values.mean()) ** 2)))


def association_matrix(ctx: EvalContext, frame: pd.DataFrame) -> np.ndarray:
    """Cramér's V (label pairs), eta (mixed pairs), |Pearson| (number pairs)."""
    cols = list(ctx.real.columns)
    num = set(ctx.numeric_columns)
    nums = {c: as_float(frame[c]) for c in num}
    codes = {c: _codes(as_labels(frame[c])) for c in cols if c not in num}
    out = np.eye(len(cols))
    for (i, a), (j, b) in itertools.combinations(enumerate(cols), 2):
        if a in num and b in num:
            ok = ~(np.isnan(nums[a]) | np.isnan(nums[b]))
            with np.errstate(invalid="ignore", divide="ignore"):  # a constant column: 0
                value = abs(np.nan_to_num(np.corrcoef(nums[a][ok], nums[b][ok])[0, 1]))
        elif a in num or b in num:
            label, number = (b, a) if a in num else (a, b)
            value = correlation_ratio(codes[label], nums[number])
        else:
            value = cramers_v(codes[a], codes[b])
        out[i, j] = out[j, i] = value
    return out


@metric_registry.register("association", description="Cramér's V / eta / |r| matrix gap")
class Association(Metric):
    """Mean absolute gap between real and synthetic association matrices."""

    name, family, direction = "association", Family.FIDELITY, Direction.LOWER

    def compute(self, ctx: EvalContext) -> MetricResult:
        cols = list(ctx.real.columns)
        pairs = _pair_frame(cols, *(association_matrix(ctx, f) for f in (ctx.real, ctx.synthetic)))
        return self.result(
            _off_diagonal_gap(pairs),
            details=pairs,
            note="Cramér's V for label pairs, correlation ratio for mixed, |Pearson r| for numbers",
        )


def _binned(ctx: EvalContext, frame: pd.DataFrame) -> dict[str, np.ndarray]:
    out = {}
    for col in ctx.real.columns:
        if col in ctx.numeric_columns:
            ref = as_float(ctx.real[col])
            edges = np.unique(np.nanquantile(ref, np.linspace(0, 1, MI_BINS + 1)[1:-1]))
            values = as_float(frame[col])
            out[col] = np.where(np.isnan(values), len(edges) + 1, np.searchsorted(edges, values))
        else:
            out[col] = _codes(as_labels(frame[col]))
    return out


@metric_registry.register("mutual_information", description="pairwise mutual information gap")
class MutualInformation(Metric):
    """Mean absolute gap in pairwise mutual information (numbers in real-quantile bins)."""

    name, family, direction = "mutual_information", Family.FIDELITY, Direction.LOWER
    bounds = (0.0, math.inf)

    def compute(self, ctx: EvalContext) -> MetricResult:
        from sklearn.metrics import mutual_info_score

        cols = list(ctx.real.columns)
        mats = []
        for frame in (ctx.real, ctx.synthetic):
            binned, mat = _binned(ctx, frame), np.zeros((len(cols), len(cols)))
            for (i, a), (j, b) in itertools.combinations_with_replacement(enumerate(cols), 2):
                table = contingency(binned[a], binned[b])
                mat[i, j] = mat[j, i] = mutual_info_score(None, None, contingency=table)
            mats.append(mat)
        return self.result(
            _off_diagonal_gap(_pair_frame(cols, *mats)),
            details=_pair_frame(cols, *mats),
            note=f"mutual information in nats; numbers cut into {MI_BINS} real-quantile bins",
        )


@metric_registry.register("conditional_distributions", description="KS within target classes")
class ConditionalDistributions(Metric):
    """Mean ``1 - KS`` of each numeric column within each class of the (label) target."""

    name, family, direction = "conditional_distributions", Family.FIDELITY, Direction.HIGHER

    def compute(self, ctx: EvalContext) -> list[MetricResult]:
        if ctx.target is None or ctx.target in ctx.numeric_columns:
            return []
        real_y, syn_y = as_labels(ctx.real[ctx.target]), as_labels(ctx.synthetic[ctx.target])
        rows = []
        for label in np.unique(real_y):
            for col in ctx.numeric_columns:
                r = as_float(ctx.real[col])[real_y == label]
                s = as_float(ctx.synthetic[col])[syn_y == label]
                rows.append((str(label), col, ks_statistic(r, s) if len(s) else 1.0))
        if not rows:
            return []
        details = pd.DataFrame(rows, columns=["class", "column", "ks"])
        details["score"] = 1.0 - details["ks"]
        return [
            self.result(
                details["score"].mean(),
                details=details,
                note=f"numeric columns within each class of '{ctx.target}'",
            )
        ]


@metric_registry.register("detection", description="real-vs-synthetic classifier ROC AUC")
class Detection(Metric):
    """Cross-validated ROC AUC of a gradient-boosting classifier telling real from synthetic."""

    name, family, direction, target = "detection", Family.FIDELITY, Direction.TARGET, 0.5

    def compute(self, ctx: EvalContext) -> MetricResult:
        from sklearn.ensemble import HistGradientBoostingClassifier
        from sklearn.model_selection import StratifiedKFold, cross_val_score

        from synthtab.random import integer_seed

        real = ctx.subsample(ctx.real, DETECTION_ROWS)
        syn = ctx.subsample(ctx.synthetic, DETECTION_ROWS)
        x = np.vstack([ctx.numeric_matrix(real), ctx.numeric_matrix(syn)])
        y = np.r_[np.zeros(len(real)), np.ones(len(syn))]
        seed = integer_seed(ctx.rng)
        model = HistGradientBoostingClassifier(max_iter=100, random_state=seed)
        folds = StratifiedKFold(3, shuffle=True, random_state=seed)
        aucs = cross_val_score(model, x, y, cv=folds, scoring="roc_auc")
        # Below 0.5 only happens when synthetic rows duplicate real ones (a twin with the
        # other label sits in the training folds): no better than chance, so clip to 0.5.
        raw = float(np.mean(aucs))
        auc = max(raw, 0.5)
        return self.result(
            auc,
            extra={"raw_auc": raw, "auc_std": float(np.std(aucs)), "quality": 2 * (1 - auc)},
            note=f"3-fold cross-validated; at most {DETECTION_ROWS:,} rows per table; "
            "AUC below 0.5 clipped to 0.5",
        )


def overall_fidelity(results: list[MetricResult]) -> MetricResult | None:
    """``mean(column_shapes, 1 - association)``, in [0, 1]; None when neither was computed."""
    by_name = {r.name: r.score for r in results}
    parts = []
    if "column_shapes" in by_name:
        parts.append(by_name["column_shapes"])
    if "association" in by_name:
        parts.append(1.0 - min(1.0, by_name["association"]))
    if not parts:
        return None
    return MetricResult(
        "fidelity_score",
        Family.FIDELITY,
        float(np.mean(parts)),
        Direction.HIGHER,
        note="mean of column shapes (1 - KS/TVD) and 1 - mean association gap",
    )
