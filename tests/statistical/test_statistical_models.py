"""Statistical properties on the adult census table, with stated tolerances."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from synthtab import Synthesizer

NUMERIC = ["age", "fnlwgt", "education-num", "capital-gain", "capital-loss", "hours-per-week"]


@pytest.fixture(scope="module")
def adult_copula(adult: pd.DataFrame) -> pd.DataFrame:
    return Synthesizer("copula", seed=0).fit(adult).sample(len(adult))


@pytest.fixture(scope="module")
def adult_marginals(adult: pd.DataFrame) -> pd.DataFrame:
    return Synthesizer("marginals", seed=0).fit(adult).sample(len(adult))


def test_copula_keeps_pairwise_spearman_within_005(adult, adult_copula) -> None:
    real = adult[NUMERIC].corr(method="spearman").to_numpy()
    synth = adult_copula[NUMERIC].corr(method="spearman").to_numpy()
    worst = np.abs(real - synth).max()
    assert worst < 0.05, f"largest Spearman difference {worst:.3f}"


def test_copula_keeps_label_numeric_association(adult, adult_copula) -> None:
    rich_real = adult.groupby("income")["education-num"].mean()
    rich_synth = adult_copula.groupby("income")["education-num"].mean()
    assert (rich_synth[">50K"] - rich_synth["<=50K"]) > 0.5 * (
        rich_real[">50K"] - rich_real["<=50K"]
    )


def _total_variation(real: pd.Series, synth: pd.Series) -> float:
    p = real.value_counts(normalize=True)
    q = synth.value_counts(normalize=True)
    return 0.5 * p.subtract(q, fill_value=0).abs().sum()


@pytest.mark.parametrize("which", ["adult_marginals", "adult_copula"])
def test_marginals_keep_every_column_distribution(adult, which, request) -> None:
    synth = request.getfixturevalue(which)
    for column in adult.columns:
        if column in NUMERIC:
            distance = stats.ks_2samp(adult[column], synth[column]).statistic
        else:
            distance = _total_variation(adult[column], synth[column])
        assert distance < 0.05, f"{which} {column}: {distance:.3f}"


def test_marginals_drop_dependence(adult, adult_marginals) -> None:
    corr = adult_marginals[NUMERIC].corr(method="spearman").to_numpy()
    off_diagonal = corr[~np.eye(len(NUMERIC), dtype=bool)]
    assert np.abs(off_diagonal).max() < 0.05


def test_labels_seen_ten_times_survive(adult, adult_copula) -> None:
    for column in adult.select_dtypes(exclude="number").columns:
        counts = adult[column].value_counts()
        assert set(counts[counts >= 10].index) <= set(adult_copula[column]), column
        assert set(adult_copula[column]) <= set(counts.index), column


def test_copula_keeps_the_pattern_of_missing_values() -> None:
    rng = np.random.default_rng(0)
    n = 4000
    income = rng.lognormal(10, 0.5, n).round(0)
    skipped = rng.random(n) < 0.2  # people who skip the income question skip tax too
    tax = (income * 0.2).round(0)
    real = pd.DataFrame(
        {
            "age": rng.integers(18, 90, n),
            "income": np.where(skipped, np.nan, income),
            "tax": np.where(skipped | (rng.random(n) < 0.05), np.nan, tax),
        }
    )
    out = Synthesizer("copula", seed=0).fit(real).sample(20_000)
    real_both = (real["income"].isna() & real["tax"].isna()).mean()
    synth_both = (out["income"].isna() & out["tax"].isna()).mean()
    assert abs(synth_both - real_both) < 0.02
    # Missing together far more often than independence would give (0.2 * 0.24 = 0.048).
    assert synth_both > 0.15
    assert abs(out["tax"].isna().mean() - real["tax"].isna().mean()) < 0.02


def test_trees_keep_point_masses_and_column_shapes(adult: pd.DataFrame) -> None:
    out = Synthesizer("trees", seed=0).fit(adult).sample(len(adult))
    assert abs((out["capital-gain"] == 0).mean() - (adult["capital-gain"] == 0).mean()) < 0.01
    assert abs((out["hours-per-week"] == 40).mean() - (adult["hours-per-week"] == 40).mean()) < 0.02
    for column in NUMERIC:
        assert stats.ks_2samp(adult[column], out[column]).statistic < 0.06, column


def test_trees_keep_one_to_one_relations(adult: pd.DataFrame) -> None:
    out = Synthesizer("trees", seed=0).fit(adult).sample(len(adult))
    seen = set(zip(adult["education"], adult["education-num"], strict=True))
    unseen = np.mean(
        [p not in seen for p in zip(out["education"], out["education-num"], strict=True)]
    )
    assert unseen < 0.01
