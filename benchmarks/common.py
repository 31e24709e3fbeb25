"""What the benchmarks share: the adult table and a classifier scored on a real holdout."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sklearn.compose import make_column_transformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import precision_score, recall_score, roc_auc_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OrdinalEncoder

ADULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "adult.csv"
TARGET, POSITIVE = "income", ">50K"


def load_adult() -> pd.DataFrame:
    """The adult census table from ../shared/data."""
    return pd.read_csv(ADULT)


def fit_classifier(train: pd.DataFrame, target: str = TARGET, positive: str = POSITIVE) -> Pipeline:
    """Gradient boosting on ordinal-coded labels and raw numbers."""
    labels = train.drop(columns=target).select_dtypes(exclude="number").columns.tolist()
    model = make_pipeline(
        make_column_transformer(
            (OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1), labels),
            remainder="passthrough",
        ),
        HistGradientBoostingClassifier(random_state=0),
    )
    return model.fit(train.drop(columns=target), train[target] == positive)


def holdout_scores(
    train: pd.DataFrame, test: pd.DataFrame, target: str = TARGET, positive: str = POSITIVE
) -> dict[str, float]:
    """ROC AUC, recall and precision of the positive class on the real holdout."""
    model = fit_classifier(train, target, positive)
    features, truth = test.drop(columns=target), test[target] == positive
    predicted = model.predict(features)
    return {
        "auc": roc_auc_score(truth, model.predict_proba(features)[:, 1]),
        "recall": recall_score(truth, predicted),
        "precision": precision_score(truth, predicted, zero_division=0),
    }
