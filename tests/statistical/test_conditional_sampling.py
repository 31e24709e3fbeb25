"""Conditional sampling on adult: native for the copula, rejection for the rest."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthtab import ClassMix, Condition, Synthesizer
from synthtab.errors import SamplingError


@pytest.fixture(scope="module")
def copula(adult: pd.DataFrame) -> Synthesizer:
    return Synthesizer("copula", seed=0).fit(adult)


def test_copula_conditions_natively_on_a_one_in_30000_label(copula: Synthesizer) -> None:
    rare = Condition({"native-country": "Holand-Netherlands"})
    assert copula._engine()._native(rare) is not None
    out = copula.sample(2000, conditions=rare)
    assert (out["native-country"] == "Holand-Netherlands").all()


def test_rejection_gives_up_on_the_same_label_with_a_clear_error(adult) -> None:
    marginals = Synthesizer("marginals", seed=0).fit(adult)
    with pytest.raises(SamplingError, match="acceptance rate"):
        marginals.sample(2000, conditions=Condition({"native-country": "Holand-Netherlands"}))


def test_class_conditional_means_follow_the_real_ones(adult, copula) -> None:
    for label in (">50K", "<=50K"):
        real = adult[adult["income"] == label]
        out = copula.sample(5000, conditions=Condition({"income": label}))
        for column in ("age", "education-num", "hours-per-week"):
            assert abs(out[column].mean() - real[column].mean()) < 0.1 * real[column].std()


def test_several_conditions_and_ranges_at_once(copula: Synthesizer) -> None:
    cond = Condition({"age": (30, 40), "sex": "Female", "income": ">50K"})
    out = copula.sample(1000, conditions=cond)
    assert out["age"].between(30, 40).all()
    assert (out["sex"] == "Female").all() and (out["income"] == ">50K").all()
    assert out["age"].nunique() == 11  # the whole range, not one value


def test_class_mix_proportions_within_one_point(copula: Synthesizer) -> None:
    mix = ClassMix("income", {">50K": 0.7, "<=50K": 0.3})
    out = copula.sample(10_000, conditions=mix)
    assert abs((out["income"] == ">50K").mean() - 0.7) < 0.01


def test_native_draws_match_rejection_draws_in_distribution(adult, copula) -> None:
    cond = Condition({"education": "Masters"})
    native = copula.sample(4000, conditions=cond)
    unconditional = copula.sample(100_000)
    rejected = unconditional[unconditional["education"] == "Masters"]
    assert len(rejected) > 1500
    for column in ("age", "hours-per-week"):
        gap = abs(native[column].mean() - rejected[column].mean())
        assert gap < 0.1 * rejected[column].std(), column
    share_rich = [(f["income"] == ">50K").mean() for f in (native, rejected)]
    assert abs(share_rich[0] - share_rich[1]) < 0.04


def test_datetime_range_condition_is_native() -> None:
    rng = np.random.default_rng(0)
    when = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 1000, 800), "D")
    real = pd.DataFrame({"when": when.strftime("%Y-%m-%d"), "x": rng.normal(size=800).round(3)})
    synth = Synthesizer("copula").fit(real)
    cond = Condition({"when": ("2021-01-01", "2021-01-31")})
    assert synth._engine()._native(cond) is not None
    out = synth.sample(500, conditions=cond)
    assert out["when"].between("2021-01-01", "2021-01-31").all()
