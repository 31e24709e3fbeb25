"""The Synthesizer's API: parameters, errors a user meets, conditions."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from synthtab import ClassMix, Condition, Synthesizer
from synthtab.errors import (
    ConditionError,
    DataValidationError,
    InvalidParameterError,
    SamplingError,
    UnknownNameError,
)


def test_unknown_model_suggests_the_close_name() -> None:
    with pytest.raises(
        UnknownNameError, match=re.escape("Unknown model 'copulla'. Did you mean 'copula'?")
    ):
        Synthesizer("copulla")


def test_bad_parameter_value_is_named() -> None:
    with pytest.raises(
        InvalidParameterError,
        match=r"The 'grid_size' parameter of GaussianCopula must be an int in \[2, 100000\]. "
        r"Got 0 instead.",
    ):
        Synthesizer("copula", grid_size=0)


def test_unknown_parameter_suggests_the_close_name() -> None:
    with pytest.raises(
        InvalidParameterError, match=re.escape("has no parameter 'gridsize'. Did you mean")
    ):
        Synthesizer("copula", gridsize=10)


def test_bad_seed_is_named() -> None:
    with pytest.raises(InvalidParameterError, match="'seed' option must be a non-negative int"):
        Synthesizer("copula", seed=-1)


def test_get_and_set_params_round_trip() -> None:
    synth = Synthesizer("copula", seed=3, grid_size=101)
    assert synth.get_params() == {
        "model": "copula",
        "seed": 3,
        "overrides": None,
        "constraints": None,
        "invalid_rows": "raise",
        "privacy": None,
        "rules": "auto",
        "grid_size": 101,
    }
    synth.set_params(model="marginals", seed=4)
    assert synth.get_params()["model"] == "marginals"
    with pytest.raises(InvalidParameterError):
        synth.set_params(grid_size=-5)


def test_fit_needs_a_dataframe() -> None:
    with pytest.raises(DataValidationError, match="expected a pandas DataFrame, got list"):
        Synthesizer().fit([[1, 2]])


@pytest.mark.parametrize("n", [0, -3, 2.5, True])
def test_n_must_be_a_positive_int(n, mixed_frame) -> None:
    synth = Synthesizer("marginals").fit(mixed_frame)
    with pytest.raises(InvalidParameterError, match="must be a positive int"):
        synth.sample(n)


@pytest.fixture(scope="module")
def fitted() -> Synthesizer:
    from tests.conftest import make_mixed_frame

    return Synthesizer("copula", seed=2).fit(make_mixed_frame(600))


def test_condition_on_unknown_column(fitted: Synthesizer) -> None:
    with pytest.raises(ConditionError, match=re.escape("no such column. Did you mean 'group'?")):
        fitted.sample(5, conditions={"grup": "north"})


def test_condition_on_unseen_value(fitted: Synthesizer) -> None:
    with pytest.raises(ConditionError, match="'west': that value never occurs"):
        fitted.sample(5, conditions=Condition({"group": "west"}))


def test_condition_out_of_range(fitted: Synthesizer) -> None:
    with pytest.raises(ConditionError, match="training values lie in"):
        fitted.sample(5, conditions=Condition({"age": (200, 300)}))


def test_condition_gives_only_matching_rows(fitted: Synthesizer) -> None:
    out = fitted.sample(500, conditions=Condition({"group": "south", "age": (30, 40)}))
    assert len(out) == 500
    assert (out["group"] == "south").all()
    assert out["age"].between(30, 40).all()


def test_class_mix_gives_requested_counts(fitted: Synthesizer) -> None:
    out = fitted.sample(1000, conditions=ClassMix("group", {"rare": 0.5, "north": 0.5}))
    assert out["group"].value_counts().to_dict() == {"rare": 500, "north": 500}
    assert not out.equals(out.sort_values("group").reset_index(drop=True))  # mixed, not stacked


def test_class_mix_must_add_up() -> None:
    with pytest.raises(ConditionError, match=re.escape("must add up to 1. Got 0.9")):
        ClassMix("group", {"a": 0.5, "b": 0.4})


def test_impossible_condition_fails_in_bounded_time(fitted: Synthesizer) -> None:
    # age in [30, 40] and under 18 months of membership is possible, but age exactly 30.5 is not.
    with pytest.raises(SamplingError, match=r"accepted 0 of \d+ candidate rows"):
        fitted.sample(10, conditions=Condition({"age": (30.2, 30.4)}))


def test_sample_is_deterministic_with_conditions(fitted: Synthesizer) -> None:
    cond = Condition({"group": "east"})
    pd.testing.assert_frame_equal(
        fitted.sample(50, conditions=cond), fitted.sample(50, conditions=cond)
    )


def test_generated_columns_are_never_copied() -> None:
    rng = np.random.default_rng(0)
    real = pd.DataFrame(
        {
            "customer_id": np.arange(1000, 1200),
            "email": [f"zz_real_{i}@example.invalid" for i in range(200)],
            "spend": rng.gamma(2.0, 50.0, 200).round(2),
        }
    )
    out = Synthesizer("copula").fit(real).sample(300)
    assert not set(out["customer_id"]) & set(real["customer_id"])
    assert out["customer_id"].is_unique
    assert not set(out["email"]) & set(real["email"])
    assert out["email"].str.contains("@").all()


@pytest.mark.parametrize("model", ["marginals", "copula"])
def test_dates_come_back_in_their_own_storage_format(model: str) -> None:
    rng = np.random.default_rng(0)
    days = pd.Timestamp("2019-01-01") + pd.to_timedelta(rng.integers(0, 700, 300), "D")
    real = pd.DataFrame(
        {
            "yyyymmdd": days.strftime("%Y%m%d").astype("int64"),
            "dmy": days.strftime("%d/%m/%Y"),
            "amount": rng.gamma(2.0, 10.0, 300).round(2),
        }
    )
    out = Synthesizer(model).fit(real).sample(500)
    assert out["yyyymmdd"].dtype == np.int64
    assert pd.to_datetime(out["yyyymmdd"].astype(str), format="%Y%m%d").notna().all()
    assert out["dmy"].str.fullmatch(r"\d{2}/\d{2}/\d{4}").all()
    parsed = pd.to_datetime(out["dmy"], format="%d/%m/%Y")
    assert parsed.min() >= days.min() and parsed.max() <= days.max()


def test_several_conditions_in_one_call(fitted: Synthesizer) -> None:
    conditions = [
        Condition({"group": "rare"}, n=30),
        Condition({"group": "north", "age": (20, 30)}, n=70),
    ]
    out = fitted.sample(100, conditions=conditions)
    assert (out["group"].iloc[:30] == "rare").all()
    assert (out["group"].iloc[30:] == "north").all() and out["age"].iloc[30:].between(20, 30).all()


def test_condition_lists_must_give_consistent_counts(fitted: Synthesizer) -> None:
    with pytest.raises(ConditionError, match=re.escape("ask for 30 rows in all, but sample")):
        fitted.sample(100, conditions=[Condition({"group": "rare"}, n=30)])
    with pytest.raises(ConditionError, match="each give their rows"):
        fitted.sample(100, conditions=[Condition({"group": "rare"})])


def test_auto_picks_a_model_and_says_why(mixed_frame: pd.DataFrame, tmp_path) -> None:
    synth = Synthesizer(seed=1).fit(mixed_frame)
    assert synth.get_params()["model"] == "auto"
    assert synth.model_name_ == "trees"
    assert synth.fit_report_.notes[0] == (
        "model 'auto' chose 'trees': 2 of 6 learned columns are labels (more than 10%)"
    )
    loaded = Synthesizer.load(synth.save(tmp_path / "auto.synth"))
    assert loaded.model_name_ == "trees"
    pd.testing.assert_frame_equal(loaded.sample(100), synth.sample(100))


def test_auto_picks_the_copula_for_numbers() -> None:
    rng = np.random.default_rng(0)
    numbers = pd.DataFrame(rng.normal(size=(200, 4)).round(3), columns=list("abcd"))
    assert Synthesizer().fit(numbers).model_name_ == "copula"


def test_auto_takes_no_model_parameters() -> None:
    with pytest.raises(InvalidParameterError, match=re.escape("model='auto' takes no model")):
        Synthesizer(min_leaf=5)
