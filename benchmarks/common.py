"""What the benchmarks share: the tables, their splits, and a classifier scored on a real holdout.

Tables (``TABLES``): adult (../shared/data), scikit-learn's breast cancer, and two mixed
tables shipped inside statsmodels, ``fair`` and ``randhie`` (see bench_default.py).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.compose import make_column_transformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import precision_score, recall_score, roc_auc_score
from sklearn.model_selection import train_test_split
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


def split_adult(
    real: pd.DataFrame, rows: int | None = None, seed: int = 0
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The 80/20 split stratified on the target; ``rows`` caps the training rows (quick runs).

    With ``rows``, the holdout is cut to a quarter of it, so the split stays 80/20.
    """
    return split_table(real, TARGET, rows=rows, seed=seed)


def split_table(
    real: pd.DataFrame, target: str, rows: int | None = None, seed: int = 0
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``split_adult`` for any table: 80/20 stratified on ``target``, ``rows`` caps training."""
    train, holdout = train_test_split(real, test_size=0.2, stratify=real[target], random_state=seed)
    if rows is not None and rows < len(train):
        train = _stratified_head(train, rows, seed, target)
        holdout = _stratified_head(holdout, max(rows // 4, 50), seed, target)
    return train, holdout


def _stratified_head(
    frame: pd.DataFrame, rows: int, seed: int, target: str = TARGET
) -> pd.DataFrame:
    return train_test_split(frame, train_size=rows, stratify=frame[target], random_state=seed)[0]


def unseen_pair_share(
    synthetic: pd.DataFrame, real: pd.DataFrame, first: str, second: str
) -> float:
    """Share of synthetic rows whose (first, second) pair never occurs in the real rows."""
    seen = pd.MultiIndex.from_frame(real[[first, second]].drop_duplicates())
    return float(np.mean(~pd.MultiIndex.from_frame(synthetic[[first, second]]).isin(seen)))


@dataclass(frozen=True)
class Table:
    """A benchmark table, its binary target and the exact relations to check."""

    name: str
    load: Callable[[], pd.DataFrame]
    target: str
    positive: object
    relations: Callable[[pd.DataFrame, pd.DataFrame], dict[str, float]]


def _cancer() -> pd.DataFrame:
    from sklearn.datasets import load_breast_cancer

    frame = load_breast_cancer(as_frame=True).frame
    frame["target"] = np.where(frame["target"] == 1, "benign", "malignant")
    return frame


def _fair() -> pd.DataFrame:
    import statsmodels.api as sm

    frame = sm.datasets.fair.load_pandas().data
    labels = ["rate_marriage", "religious", "occupation", "occupation_husb"]
    frame[labels] = frame[labels].astype(int).astype(str)
    frame["affair"] = np.where(frame.pop("affairs") > 0, "yes", "no")
    return frame


def _randhie() -> pd.DataFrame:
    import statsmodels.api as sm

    frame = sm.datasets.randhie.load_pandas().data
    labels = ["lncoins", "idp", "hlthg", "hlthf", "hlthp"]
    frame[labels] = frame[labels].round(3).astype(str)
    frame["visit"] = np.where(frame.pop("mdvis") > 0, "yes", "no")
    return frame


def _adult_relations(real: pd.DataFrame, synth: pd.DataFrame) -> dict[str, float]:
    return {"unseen education pairs": unseen_pair_share(synth, real, "education", "education-num")}


def _randhie_relations(real: pd.DataFrame, synth: pd.DataFrame) -> dict[str, float]:
    def several(frame: pd.DataFrame) -> float:
        return float(((frame[["hlthg", "hlthf", "hlthp"]] == "1").sum(axis=1) > 1).mean())

    return {"rows with >1 health dummy (real)": several(real), "(synthetic)": several(synth)}


def _none(real: pd.DataFrame, synth: pd.DataFrame) -> dict[str, float]:
    return {}


TABLES = {
    "adult": Table("adult", load_adult, "income", ">50K", _adult_relations),
    "cancer": Table("breast cancer", _cancer, "target", "malignant", _none),
    "fair": Table("fair (statsmodels)", _fair, "affair", "yes", _none),
    "randhie": Table("randhie (statsmodels)", _randhie, "visit", "yes", _randhie_relations),
}


def synthetic_scores(
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    synthetic: pd.DataFrame,
    real_auc: float,
    target: str = TARGET,
    positive: object = POSITIVE,
    *,
    seed: int = 0,
) -> dict[str, float | None]:
    """Fidelity and privacy from ``synthtab.evaluate``; train-on-synthetic AUC on the holdout.

    Keys: shapes (column shapes, 1 best), corr_diff (mean correlation difference, 0 best),
    detection (real-versus-synthetic classifier AUC, 0.5 best), fidelity (synthtab's
    overall fidelity score), tstr_auc and auc_ratio (``holdout_scores`` AUC of a model
    trained on the synthetic rows, and its ratio to ``real_auc``), dcr_share (share of
    synthetic rows closer to training than to holdout rows, 0.5 ideal), dcr and
    dcr_holdout (median distance of synthetic and of holdout rows to their closest
    training row), mwu_p (the memorisation test's p-value, small: memorised), copies
    (exact copies of training rows) and copies_holdout (the holdout's own rate, for
    scale), and the anonymeter risks. ``target`` and ``positive`` default to adult's;
    ``seed`` is evaluate's. When the synthetic rows hold one class of ``target`` only,
    tstr_auc and auc_ratio are None.
    """
    from synthtab import evaluate

    synthetic = synthetic[list(train.columns)]
    if synthetic[target].nunique() < 2:
        # A model that collapsed onto one class leaves nothing to train a classifier on:
        # no TSTR AUC, and evaluate runs without its (target-based) utility metrics.
        scores = evaluate(train, synthetic, holdout=holdout, figures=False, seed=seed).scores
        tstr = None
    else:
        scores = evaluate(
            train, synthetic, target=target, holdout=holdout, figures=False, seed=seed
        ).scores
        tstr = holdout_scores(synthetic, holdout, target, positive)["auc"]
    return {
        "shapes": scores["column_shapes"],
        "corr_diff": scores["correlation"],
        "detection": scores["detection"],
        "fidelity": scores["fidelity_score"],
        "tstr_auc": tstr,
        "auc_ratio": None if tstr is None else tstr / real_auc,
        "dcr_share": scores["dcr_share_closer_to_train"],
        "dcr": scores["dcr"],
        "dcr_holdout": scores["dcr.holdout_median"],
        "mwu_p": scores["memorisation"],
        "copies": scores["exact_copy_rate"],
        "copies_holdout": scores["exact_copy_rate.holdout_rate"],
        "singling_out": scores.get("singling_out_risk"),
        "linkability": scores.get("linkability_risk"),
        "inference": scores.get("inference_risk"),
    }


def declared_facts(real: pd.DataFrame, *, exact_bounds: bool) -> dict[str, dict[str, object]]:
    """Facts declared public (adult's codebook): every label, and each number's range.

    ``exact_bounds`` declares the observed minimum and maximum; otherwise generous bounds
    (0 to the next power of ten), as a codebook would state them.
    """
    facts: dict[str, dict[str, object]] = {}
    for name in real.columns:
        column = real[name]
        if not pd.api.types.is_numeric_dtype(column):
            facts[name] = {"categories": sorted(column.dropna().unique().tolist())}
        elif exact_bounds:
            facts[name] = {"minimum": float(column.min()), "maximum": float(column.max())}
        else:
            facts[name] = {"minimum": 0, "maximum": float(10 ** len(str(int(column.max()))))}
    return facts


def mean_sd(values: Sequence[float], spec: str = ".3f") -> str:
    """``mean +- sd`` of repeated figures (the mean alone for one value)."""
    spread = f" +- {np.std(values, ddof=1):{spec}}" if len(values) > 1 else ""
    return f"{np.mean(values):{spec}}{spread}"


def format_table(rows: Sequence[dict[str, object]], columns: Sequence[tuple[str, str, str]]) -> str:
    """Rows as aligned text: ``columns`` are (header, key, format spec); missing keys print '-'.

    >>> print(format_table([{"name": "trees", "fit_s": 0.51}], [("fit s", "fit_s", ".1f")]))
    fit s
      0.5
    """
    cells = [
        [header for header, _, _ in columns],
        *[
            ["-" if row.get(key) is None else format(row[key], spec) for _, key, spec in columns]
            for row in rows
        ],
    ]
    widths = [max(len(line[i]) for line in cells) for i in range(len(columns))]
    lines = []
    for line in cells:
        texts = [
            text.ljust(width) if spec == "" else text.rjust(width)
            for text, width, (_, _, spec) in zip(line, widths, columns, strict=True)
        ]
        lines.append("  ".join(texts))
    return "\n".join(lines)


def parse_settings(parser: argparse.ArgumentParser, items: list[str]) -> dict[str, object]:
    """``name=value`` pairs, values in JSON (8, 0.5, "data"); a parser error names a bad one."""
    params = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            parser.error(f"--set {item!r}: write name=value, e.g. --set pac=8")
        try:
            params[name] = json.loads(value)
        except json.JSONDecodeError:
            parser.error(f"--set {item!r}: the value must be JSON, e.g. label_sampling='\"data\"'")
    return params
