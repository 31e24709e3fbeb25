"""Does rebalancing help? Minority recall and precision on adult's real holdout.

Run from the repository root:  .venv/bin/python benchmarks/bench_rebalance.py
80/20 stratified split; a gradient-boosting classifier is trained on the real
training rows, then on the training rows rebalanced to 50/50 by each strategy,
and tested on the same real holdout. It prints figures; it asserts nothing.
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
from sklearn.compose import make_column_transformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import precision_score, recall_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OrdinalEncoder

from synthtab import rebalance

ADULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "adult.csv"
TARGET, MINORITY = "income", ">50K"


def score(train: pd.DataFrame, test: pd.DataFrame) -> dict[str, float]:
    labels = train.drop(columns=TARGET).select_dtypes(exclude="number").columns.tolist()
    model = make_pipeline(
        make_column_transformer(
            (OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1), labels),
            remainder="passthrough",
        ),
        HistGradientBoostingClassifier(random_state=0),
    )
    model.fit(train.drop(columns=TARGET), train[TARGET] == MINORITY)
    predicted = model.predict(test.drop(columns=TARGET))
    truth = test[TARGET] == MINORITY
    proba = model.predict_proba(test.drop(columns=TARGET))[:, 1]
    return {
        "recall": recall_score(truth, predicted),
        "precision": precision_score(truth, predicted),
        "auc": roc_auc_score(truth, proba),
    }


def main() -> None:
    real = pd.read_csv(ADULT)
    train, test = train_test_split(real, test_size=0.2, stratify=real[TARGET], random_state=0)
    print(
        f"adult: {len(train):,} training rows ({(train[TARGET] == MINORITY).mean():.1%} "
        f"{MINORITY}), {len(test):,} holdout rows\n"
    )
    print(f"{'training set':<22}{'seconds':>9}{'recall':>9}{'precision':>11}{'AUC':>8}")
    base = score(train, test)
    print(
        f"{'real (imbalanced)':<22}{'':>9}{base['recall']:>9.3f}{base['precision']:>11.3f}"
        f"{base['auc']:>8.3f}"
    )
    for strategy in ("smotenc", "copula"):
        started = time.perf_counter()
        balanced = rebalance(train, TARGET, strategy=strategy, ratio=1.0, seed=0)
        seconds = time.perf_counter() - started
        result = score(balanced, test)
        print(
            f"{'rebalanced: ' + strategy:<22}{seconds:>9.1f}{result['recall']:>9.3f}"
            f"{result['precision']:>11.3f}{result['auc']:>8.3f}"
        )


if __name__ == "__main__":
    main()
