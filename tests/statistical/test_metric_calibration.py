"""Calibration: metrics must tell apart data we know to be good, copied or broken."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthtab import Synthesizer
from synthtab.evaluation import evaluate

N = 2_000


@pytest.fixture(scope="module")
def split(adult: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = adult.sample(2 * N, random_state=0)
    return rows.iloc[:N].reset_index(drop=True), rows.iloc[N:].reset_index(drop=True)


def test_identical_data_is_best_on_fidelity_and_worst_on_privacy(split) -> None:
    train, holdout = split
    scores = evaluate(train, train, holdout=holdout, figures=False).scores
    assert scores["column_shapes"] == pytest.approx(1.0)
    assert scores["association"] == pytest.approx(0.0, abs=1e-12)
    assert scores["correlation"] == pytest.approx(0.0, abs=1e-12)
    assert abs(scores["detection"] - 0.5) < 0.05
    assert scores["dcr"] == 0.0
    assert scores["dcr_share_closer_to_train"] > 0.97
    assert scores["exact_copy_rate"] == 1.0
    assert scores["exact_copy_rate.holdout_rate"] < 0.1
    assert scores["memorisation.mannwhitneyu_p"] < 1e-10


def test_bootstrap_copy_is_flagged_as_memorised(split) -> None:
    train, holdout = split
    copy = train.sample(N, replace=True, random_state=1).reset_index(drop=True)
    scores = evaluate(train, copy, holdout=holdout, figures=False).scores
    assert scores["dcr_share_closer_to_train"] > 0.75
    assert scores["memorisation.mannwhitneyu_p"] < 1e-6
    assert scores["memorisation.wilcoxon_p"] < 1e-6
    assert scores["exact_copy_rate"] > 0.9


def test_fresh_real_rows_are_not_flagged(split, adult) -> None:
    train, holdout = split
    fresh = adult.drop(train.index.union(holdout.index), errors="ignore").sample(N, random_state=5)
    scores = evaluate(train, fresh.reset_index(drop=True), holdout=holdout, figures=False).scores
    assert abs(scores["dcr_share_closer_to_train"] - 0.5) < 0.06
    assert scores["memorisation.mannwhitneyu_p"] > 0.001


@pytest.mark.slow
def test_independent_marginals_keep_shapes_but_lose_associations(split) -> None:
    train, holdout = split
    fake = Synthesizer("marginals", seed=0).fit(train).sample(N)
    indep = evaluate(train, fake, figures=False).scores
    same = evaluate(train, holdout, figures=False).scores
    assert indep["column_shapes"] > 0.9
    assert indep["association"] > 3 * same["association"]
    assert indep["mutual_information"] > 3 * same["mutual_information"]
    assert indep["detection"] > same["detection"] + 0.1


@pytest.mark.slow
def test_shuffled_labels_destroy_utility(split) -> None:
    train, holdout = split
    rng = np.random.default_rng(0)
    shuffled = train.assign(income=rng.permutation(train["income"].to_numpy()))
    scores = evaluate(train, shuffled, target="income", holdout=holdout, figures=False).scores
    assert abs(scores["utility_tstr"] - 0.5) < 0.08
    assert scores["utility_trtr"] > 0.8
    assert scores["utility_score"] < 0.65
