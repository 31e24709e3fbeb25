"""Utility: do models trained on synthetic rows work on real rows?

Three scenarios per estimator: TSTR (train synthetic, test real holdout), TRTS
(train real, test synthetic) and TRTR (train real, test real holdout, the
reference). Classification targets use logistic regression, random forest,
histogram gradient boosting and k-nearest neighbours with balanced class
weights (KNN cannot take weights: noted); regression targets use R² and MAE.
``utility_score`` = mean over classifiers of TSTR AUC / TRTR AUC, clipped to [0, 1]
(R² ratio for regression).

>>> from synthtab.evaluation.base import metric_registry
>>> "utility" in metric_registry
True
"""

from __future__ import annotations

from typing import Any

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

#: Training rows per scenario (subsampled with the context rng) to bound the time.
UTILITY_ROWS = 10_000
#: A numeric target with more distinct values than this is treated as regression.
REGRESSION_MIN_VALUES = 15


def _features(ctx: EvalContext, frame: pd.DataFrame) -> pd.DataFrame:
    cols = [c for c in ctx.real.columns if c != ctx.target]
    return pd.DataFrame(
        {c: as_float(frame[c]) if c in ctx.numeric_columns else as_labels(frame[c]) for c in cols}
    )


def _preprocessor(ctx: EvalContext) -> Any:
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    nums = [c for c in ctx.numeric_columns if c != ctx.target]
    cats = [c for c in ctx.categorical_columns if c != ctx.target]
    return ColumnTransformer(
        [
            ("numbers", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), nums),
            ("labels", OneHotEncoder(handle_unknown="ignore", sparse_output=False), cats),
        ]
    )


def _estimators(regression: bool, seed: int) -> dict[str, Any]:
    from sklearn import ensemble, linear_model, neighbors

    if regression:
        return {
            "linear": linear_model.Ridge(),
            "random_forest": ensemble.RandomForestRegressor(100, n_jobs=2, random_state=seed),
            "gradient_boosting": ensemble.HistGradientBoostingRegressor(random_state=seed),
            "knn": neighbors.KNeighborsRegressor(),
        }
    return {
        "logistic_regression": linear_model.LogisticRegression(
            class_weight="balanced", max_iter=1000
        ),
        "random_forest": ensemble.RandomForestClassifier(
            100, class_weight="balanced", n_jobs=2, random_state=seed, min_samples_leaf=2
        ),
        "gradient_boosting": ensemble.HistGradientBoostingClassifier(
            class_weight="balanced", random_state=seed
        ),
        "knn": neighbors.KNeighborsClassifier(15),
    }


def _scores(model: Any, x: pd.DataFrame, y: np.ndarray, regression: bool) -> dict[str, float]:
    from sklearn import metrics

    pred = model.predict(x)
    if regression:
        return {"r2": metrics.r2_score(y, pred), "mae": metrics.mean_absolute_error(y, pred)}
    out = {
        "accuracy": metrics.accuracy_score(y, pred),
        "f1_macro": metrics.f1_score(y, pred, average="macro"),
        "roc_auc": np.nan,
    }
    classes = model.classes_
    known = np.isin(y, classes)
    if len(classes) >= 2 and len(np.unique(y[known])) >= 2:
        proba = model.predict_proba(x[known])
        if len(classes) == 2:
            out["roc_auc"] = metrics.roc_auc_score(y[known] == classes[1], proba[:, 1])
        else:
            out["roc_auc"] = metrics.roc_auc_score(
                y[known], proba, multi_class="ovr", labels=classes
            )
    return out


@metric_registry.register("utility", description="TSTR / TRTS / TRTR with four estimators")
class Utility(Metric):
    """Train-synthetic-test-real against train-real-test-real, per estimator."""

    name, family, direction = "utility", Family.UTILITY, Direction.HIGHER

    def compute(self, ctx: EvalContext) -> list[MetricResult]:
        from sklearn.base import clone
        from sklearn.pipeline import make_pipeline

        from synthtab.random import integer_seed

        if ctx.target is None:
            return []
        y_col = ctx.real[ctx.target]
        regression = ctx.target in ctx.numeric_columns and y_col.nunique() > REGRESSION_MIN_VALUES
        train, test, notes = self._split(ctx, regression)
        syn = ctx.subsample(ctx.synthetic, UTILITY_ROWS)
        syn = syn[syn[ctx.target].notna()]
        data = {"real": train, "synthetic": syn}
        scenarios = {"TRTR": ("real", test), "TSTR": ("synthetic", test), "TRTS": ("real", syn)}
        rows, seed = [], integer_seed(ctx.rng)
        for est_name, est in _estimators(regression, seed).items():
            fitted = {}
            for scenario, (source, test_frame) in scenarios.items():
                if source not in fitted:
                    model = make_pipeline(_preprocessor(ctx), clone(est))
                    fitted[source] = model.fit(
                        _features(ctx, data[source]), self._y(ctx, data[source], regression)
                    )
                x_test = _features(ctx, test_frame)
                y_test = self._y(ctx, test_frame, regression)
                score = _scores(fitted[source], x_test, y_test, regression)
                rows.append({"estimator": est_name, "scenario": scenario, **score})
        details = pd.DataFrame(rows)
        notes.append(f"training rows capped at {UTILITY_ROWS:,}")
        if not regression:
            notes.append("knn has no class weights (unweighted)")
        return self._results(details, regression, "; ".join(notes))

    @staticmethod
    def _y(ctx: EvalContext, frame: pd.DataFrame, regression: bool) -> np.ndarray:
        col = frame[ctx.target]
        if regression:
            return as_float(col)
        # a prefix keeps digit labels ('0', '1') from being read back as numbers by
        # scikit-learn's balanced class weights, which then fail to find the classes
        return np.char.add("class ", as_labels(col).astype(str)).astype(object)

    @staticmethod
    def _split(ctx: EvalContext, regression: bool) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
        from sklearn.model_selection import train_test_split

        from synthtab.random import integer_seed

        real = ctx.real[ctx.real[ctx.target].notna()]
        if ctx.holdout is not None:
            test = ctx.holdout[ctx.holdout[ctx.target].notna()]
            return ctx.subsample(real, UTILITY_ROWS), test, []
        labels = None if regression else as_labels(real[ctx.target])
        if labels is not None and pd.Series(labels).value_counts().min() < 2:
            labels = None
        train, test = train_test_split(
            real, test_size=0.2, stratify=labels, random_state=integer_seed(ctx.rng)
        )
        note = "no holdout given: real rows split 80/20 (stratified) for TRTR/TSTR testing"
        return ctx.subsample(train, UTILITY_ROWS), test, [note]

    def _results(self, details: pd.DataFrame, regression: bool, note: str) -> list[MetricResult]:
        key = "r2" if regression else "roc_auc"
        table = details.pivot(index="estimator", columns="scenario", values=key)
        ratio = np.clip(table["TSTR"] / table["TRTR"], 0.0, 1.0)
        out = [
            MetricResult(
                "utility_score",
                self.family,
                float(np.nanmean(ratio)),
                Direction.HIGHER,
                details=details,
                note=f"mean TSTR/TRTR {key} ratio; {note}",
            )
        ]
        for scenario in ("TSTR", "TRTS", "TRTR"):
            part = details[details["scenario"] == scenario]
            extra = {m: float(part[m].mean()) for m in part.columns[2:]}
            per_estimator = part.set_index("estimator")[key]
            extra |= {f"{e}.{key}": float(v) for e, v in per_estimator.items()}
            out.append(
                MetricResult(
                    f"utility_{scenario.lower()}",
                    self.family,
                    extra[key],
                    Direction.HIGHER,
                    details=part.reset_index(drop=True),
                    extra=extra,
                    note=f"mean {key}",
                )
            )
        return out
