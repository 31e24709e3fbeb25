"""Native conditioning of sequential trees: exact rejection inside the chain, on adult."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import ks_2samp

from synthtab import ClassMix, Condition, Synthesizer
from synthtab.errors import InvalidParameterError
from synthtab.models import trees


@pytest.fixture(scope="module")
def fitted(adult: pd.DataFrame) -> Synthesizer:
    return Synthesizer("trees", seed=0).fit(adult)


def test_the_engine_hands_trees_the_condition_as_encoded_bounds(fitted: Synthesizer) -> None:
    assert fitted._engine()._native(Condition({"income": ">50K"}))


@pytest.mark.parametrize("label", [">50K", "<=50K"])
def test_class_conditional_marginals_match_the_real_ones(
    adult: pd.DataFrame, fitted: Synthesizer, label: str
) -> None:
    out = fitted.sample(10_000, conditions=Condition({"income": label}))
    real = adult[adult["income"] == label]
    assert (out["income"] == label).all()
    for column in ("age", "hours-per-week"):
        assert ks_2samp(out[column], real[column]).statistic < 0.1, column


def test_conditioned_rows_follow_the_model_conditioned_by_rejection(fitted: Synthesizer) -> None:
    """Inside the chain or after it, rejection gives the same distribution."""
    cond = Condition({"sex": "Female", "income": ">50K"})
    native = fitted.sample(4000, conditions=cond)
    plain = fitted.sample(200_000, seed=3)
    plain = plain[cond.mask(plain, fitted.schema_)]
    assert len(plain) > 2000
    for column in ("age", "hours-per-week", "education-num"):
        assert ks_2samp(native[column], plain[column]).statistic < 0.05, column


def test_ranges_and_labels_hold_on_every_row(fitted: Synthesizer) -> None:
    cond = Condition({"age": (30, 40), "sex": "Female", "income": ">50K"})
    out = fitted.sample(3000, conditions=cond)
    assert out["age"].between(30, 40).all()
    assert (out["sex"] == "Female").all() and (out["income"] == ">50K").all()


def test_class_mix_gives_the_asked_counts(fitted: Synthesizer) -> None:
    out = fitted.sample(4000, conditions=ClassMix("income", {">50K": 0.5, "<=50K": 0.5}))
    assert out["income"].value_counts().to_dict() == {">50K": 2000, "<=50K": 2000}


def test_a_first_column_is_drawn_with_no_rejection(adult: pd.DataFrame) -> None:
    small = adult.sample(3000, random_state=0)
    model = Synthesizer("trees", seed=0, first=["income"]).fit(small).model_
    income = next(s for s in model.steps_ if model.layout_.spans[s.target].column == "income")
    assert model.steps_[0] is income
    rows = trees._chain_within(
        model.steps_, 1000, {income.target: (0.5, 1.5)}, np.random.default_rng(0)
    )
    assert len(rows) == 1000 and (rows[:, income.target] == 1).all()


def test_an_unreachable_interval_falls_back_to_plain_rows(fitted: Synthesizer) -> None:
    steps = fitted.model_.steps_
    out = trees.sample_within(steps, 50, {steps[0].target: (1e9, 2e9)}, np.random.default_rng(0))
    assert out.shape == (50, len(steps))


def test_first_names_a_learned_column(adult: pd.DataFrame) -> None:
    with pytest.raises(
        InvalidParameterError, match=r"names columns the model does not learn: \['incme'\]"
    ):
        Synthesizer("trees", seed=0, first=["incme"]).fit(adult.head(500))
