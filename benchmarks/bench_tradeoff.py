"""Utility against privacy on adult, for the statistical models and tree settings.

Run from the repository root:  .venv/bin/python benchmarks/bench_tradeoff.py
80/20 stratified split. Utility: a gradient-boosting classifier trained on the
synthetic rows, ROC AUC on the real holdout, as a ratio to training on the real
rows. Privacy: the share of synthetic rows closer to a training subsample (the
holdout's size) than to the holdout (0.5 ideal; ties count one half), on
min-max scaled numbers and one-hot labels; and the exact-copy rate against the
holdout's own rate. It prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from common import TARGET, holdout_scores, load_adult
from sklearn.compose import make_column_transformer
from sklearn.model_selection import train_test_split
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder

from synthtab import Synthesizer

SETTINGS = [
    ("copula", {}),
    ("marginals", {}),
    ("trees", {"min_leaf": 5, "smoothing": 0.0}),
    ("trees", {"min_leaf": 10, "smoothing": 1.0}),
    ("trees", {"min_leaf": 30, "smoothing": 1.0}),
    ("trees", {"min_leaf": 50, "smoothing": 1.0}),
    ("trees", {"min_leaf": 100, "smoothing": 1.0}),
    ("trees", {"min_leaf": 50, "smoothing": 2.0}),
]


def auc(train: pd.DataFrame, test: pd.DataFrame) -> float:
    """ROC AUC on the real holdout of a classifier trained on ``train``."""
    return holdout_scores(train, test)["auc"]


def closer_to_train(synth: pd.DataFrame, train: pd.DataFrame, holdout: pd.DataFrame) -> float:
    rng = np.random.default_rng(0)
    train = train.iloc[rng.choice(len(train), len(holdout), replace=False)]
    numbers = train.select_dtypes("number").columns.tolist()
    labels = [c for c in train.columns if c not in numbers]
    encode = make_column_transformer(
        (MinMaxScaler(), numbers), (OneHotEncoder(handle_unknown="ignore"), labels)
    ).fit(pd.concat([train, holdout]))
    to_train = NearestNeighbors(n_neighbors=1).fit(encode.transform(train))
    to_holdout = NearestNeighbors(n_neighbors=1).fit(encode.transform(holdout))
    points = encode.transform(synth)
    d_train = to_train.kneighbors(points)[0][:, 0]
    d_holdout = to_holdout.kneighbors(points)[0][:, 0]
    return float(np.mean((d_train < d_holdout) + 0.5 * (d_train == d_holdout)))


def copy_rate(rows: pd.DataFrame, train: pd.DataFrame) -> float:
    return len(rows.merge(train.drop_duplicates(), how="inner")) / len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    real = load_adult()
    train, holdout = train_test_split(real, test_size=0.2, stratify=real[TARGET], random_state=0)
    base = auc(train, holdout)
    pairs = set(zip(real["education"], real["education-num"], strict=True))
    print(
        f"adult: {len(train):,} train / {len(holdout):,} holdout; AUC trained on real rows "
        f"{base:.3f}; holdout rows that copy a training row: {copy_rate(holdout, train):.2%}\n"
    )
    print(
        f"{'model':<34}{'fit+sample s':>13}{'AUC':>7}{'ratio':>7}{'DCR share':>11}"
        f"{'copies':>8}{'edu pairs':>11}"
    )
    for model, params in SETTINGS:
        started = time.perf_counter()
        synth = Synthesizer(model, seed=args.seed, **params).fit(train).sample(len(train))
        seconds = time.perf_counter() - started
        score = auc(synth, holdout)
        unseen = np.mean(
            [p not in pairs for p in zip(synth["education"], synth["education-num"], strict=True)]
        )
        label = model + (" " + ",".join(f"{k}={v}" for k, v in params.items()) if params else "")
        print(
            f"{label:<34}{seconds:>13.2f}{score:>7.3f}{score / base:>7.3f}"
            f"{closer_to_train(synth, train, holdout):>11.3f}{copy_rate(synth, train):>8.2%}"
            f"{unseen:>11.2%}"
        )


if __name__ == "__main__":
    main()
