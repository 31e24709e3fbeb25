"""Constraints: every sampled row obeys them, real violations are reported, files keep them."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from synthtab import (
    FixedCombinations,
    Inequality,
    Negative,
    Positive,
    Predicate,
    Range,
    Synthesizer,
)
from synthtab.errors import (
    ConstraintViolationError,
    DataValidationError,
    InvalidParameterError,
    SamplingError,
    SynthtabError,
)

MODELS = ["copula", "marginals"]


def orders(n: int = 400, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ordered = pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 300, n), "D")
    shipped = ordered + pd.to_timedelta(rng.integers(0, 20, n), "D")
    low = rng.integers(0, 50, n)
    city = rng.choice(["Paris", "Lyon", "Berlin", "Munich"], n)
    country = np.where(np.isin(city, ["Paris", "Lyon"]), "FR", "DE")
    return pd.DataFrame(
        {
            "ordered": ordered.strftime("%d/%m/%Y"),
            "shipped": shipped.strftime("%d/%m/%Y"),
            "min_qty": low,
            "max_qty": low + rng.integers(0, 30, n),
            "price": rng.gamma(2.0, 20.0, n).round(2),
            "refund": -rng.gamma(1.0, 5.0, n).round(2) * (rng.random(n) < 0.3),
            "discount": rng.beta(2, 5, n).round(3),
            "city": city,
            "country": country,
        }
    )


RULES = [
    Inequality("ordered", "shipped"),
    Inequality("min_qty", "max_qty"),
    Positive("price", strict=True),
    Negative("refund"),
    Range("discount", 0.0, 1.0),
    FixedCombinations(["city", "country"]),
]


@pytest.mark.parametrize("model", MODELS)
def test_every_sampled_row_obeys_every_rule(model: str) -> None:
    real = orders()
    synth = Synthesizer(model, seed=1, constraints=RULES).fit(real)
    out = synth.sample(5000)
    for rule in synth.constraints_:
        assert rule.is_valid(out, synth.schema_).all(), rule
    pairs = set(zip(out["city"], out["country"], strict=True))
    assert pairs <= {("Paris", "FR"), ("Lyon", "FR"), ("Berlin", "DE"), ("Munich", "DE")}
    assert out.dtypes.to_dict() == real.dtypes.to_dict()
    assert out["shipped"].str.fullmatch(r"\d{2}/\d{2}/\d{4}").all()


def test_without_rules_the_same_model_breaks_them() -> None:
    real = orders()
    out = Synthesizer("marginals", seed=1, rules=None).fit(real).sample(5000)
    assert (~Inequality("min_qty", "max_qty").is_valid(out)).sum() > 500
    pairs = set(zip(out["city"], out["country"], strict=True))
    assert ("Paris", "DE") in pairs


def test_strict_inequality_on_integers_keeps_a_gap() -> None:
    rng = np.random.default_rng(0)
    low = rng.integers(0, 10, 300)
    real = pd.DataFrame({"low": low, "high": low + rng.integers(1, 5, 300)})
    out = (
        Synthesizer("copula", constraints=[Inequality("low", "high", strict=True)])
        .fit(real)
        .sample(3000)
    )
    assert (out["high"] > out["low"]).all()


def test_inequality_on_datetime_dtype_columns() -> None:
    rng = np.random.default_rng(0)
    start = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 10_000, 300), "h")
    real = pd.DataFrame(
        {"start": start, "end": start + pd.to_timedelta(rng.integers(0, 48, 300), "h")}
    )
    out = Synthesizer("copula", constraints=[Inequality("start", "end")]).fit(real).sample(2000)
    assert (out["end"] >= out["start"]).all() and out["end"].dtype == real["end"].dtype


def test_real_violations_are_reported_with_examples() -> None:
    real = pd.DataFrame({"lo": [1, 2, 9, 4, 8], "hi": [3, 4, 5, 6, 7]})
    with pytest.raises(ConstraintViolationError) as info:
        Synthesizer(constraints=[Inequality("lo", "hi")]).fit(real)
    assert info.value.problems == [
        "2 of 5 rows break Inequality(low='lo', high='hi', strict=False) "
        "(e.g. row 2: lo=9, hi=5; row 4: lo=8, hi=7)",
        "fit with invalid_rows='drop' to drop those rows, or leave the rule out",
    ]


def test_real_violations_can_be_dropped() -> None:
    real = pd.DataFrame({"lo": [1, 2, 9, 4, 8, 3], "hi": [3, 4, 5, 6, 7, 3]})
    synth = Synthesizer(constraints=[Inequality("lo", "hi")], invalid_rows="drop").fit(real)
    assert "dropped 2 real rows that broke a constraint" in synth.fit_report_.notes
    assert (synth.sample(500)["hi"] >= synth.sample(500)["lo"]).all()


def test_schema_problems_are_all_reported_up_front() -> None:
    real = orders()
    rules = [
        Inequality("min_qty", "max_qtty"),
        Range("city", 0, 1),
        FixedCombinations(["ordered", "city"]),
    ]
    with pytest.raises(DataValidationError) as info:
        Synthesizer(constraints=rules).fit(real)
    assert info.value.problems == [
        "Inequality(low='min_qty', high='max_qtty', strict=False) names column 'max_qtty', "
        "which the table does not have. Did you mean 'max_qty'?",
        "Range(column='city', low=0.0, high=1.0) needs number columns; 'city' is categorical.",
        "FixedCombinations(columns=['ordered', 'city']) needs categorical, boolean, numeric or "
        "integer columns; 'ordered' is datetime.",
    ]


def test_two_rules_rewriting_one_column_are_refused() -> None:
    with pytest.raises(DataValidationError, match=re.escape("reparametrised by more than one")):
        Synthesizer(constraints=[Positive("price"), Range("price", 0, 500)]).fit(orders())


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Range("x", 5, 1), "needs finite bounds with low < high"),
        (lambda: FixedCombinations(["a"]), "needs two or more different columns"),
        (lambda: Predicate(["a"], 42), "Predicate needs a callable"),
        (lambda: Synthesizer(constraints=["x > 0"]), "must hold synthtab constraints"),
        (lambda: Synthesizer(invalid_rows="ignore"), "'invalid_rows' option must be one of"),
    ],
)
def test_bad_rule_arguments(make, message: str) -> None:
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        make()


def test_predicate_passing_one_percent_still_completes() -> None:
    rng = np.random.default_rng(0)
    real = pd.DataFrame({"u": rng.random(2000).round(4), "v": rng.random(2000).round(4)})
    rule = Predicate(["u"], lambda df: df["u"] < 0.01, name="rare")
    out = Synthesizer("marginals", constraints=[rule], invalid_rows="drop").fit(real).sample(300)
    assert len(out) == 300 and (out["u"] < 0.01).all()


def test_predicate_passing_nothing_fails_in_bounded_time() -> None:
    rng = np.random.default_rng(0)
    real = pd.DataFrame({"u": rng.random(500), "v": rng.random(500)})
    never = Predicate(["u"], lambda df: df["u"] > 2, name="never")
    synth = Synthesizer("marginals", constraints=[never], invalid_rows="drop")
    with pytest.raises(ConstraintViolationError, match="only 0 real rows obey"):
        synth.fit(real)
    sometimes = Predicate(
        ["u", "v"], lambda df: (df["u"] > 0.999) & (df["v"] < 0.001), name="almost_never"
    )
    fitted = Synthesizer("marginals").fit(real)
    fitted.constraints_ = [sometimes]
    with pytest.raises(SamplingError, match=r"acceptance rate"):
        fitted.sample(1000)


def test_constraints_survive_save_and_load(tmp_path) -> None:
    real = orders()
    rule = Predicate(["price"], lambda df: df["price"] < 150, name="cheap")
    synth = Synthesizer("copula", seed=4, constraints=[*RULES, rule], invalid_rows="drop")
    path = synth.fit(real).save(tmp_path / "m.synth")
    with pytest.raises(SynthtabError, match=re.escape("predicates={'cheap': fn}")):
        Synthesizer.load(path).sample(10)
    loaded = Synthesizer.load(path, predicates={"cheap": rule.fn})
    pd.testing.assert_frame_equal(loaded.sample(400), synth.sample(400))


def test_constraints_reject_generated_columns() -> None:
    real = pd.DataFrame({"row_id": np.arange(50), "x": np.arange(50) * 1.5})
    with pytest.raises(DataValidationError, match="generated afresh"):
        Synthesizer(constraints=[Positive("row_id")]).fit(real)


def test_a_rule_on_a_generated_column_is_refused_in_plain_words():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"id": np.arange(100), "x": rng.normal(size=100)})
    with pytest.raises(DataValidationError) as info:
        Synthesizer("marginals", constraints=[Inequality("id", "x")], seed=0).fit(df)
    assert str(info.value).startswith("The list of constraints has 2 problems:")
    assert "reads ['id'], which are generated afresh" in str(info.value)


@pytest.mark.parametrize("model", ["trees", "copula", "marginals"])
def test_fixed_combinations_keeps_a_label_to_number_dependency(model):
    rng = np.random.default_rng(0)
    plan = rng.choice(np.array(["basic", "pro", "max", None], dtype=object), 800,
                      p=[0.5, 0.3, 0.15, 0.05])
    fee = pd.Series(plan).map({"basic": 9.99, "pro": 19.99, "max": 49.0}).astype(float)
    df = pd.DataFrame({"plan": plan, "fee": fee, "x": rng.normal(size=800)})
    synth = Synthesizer(model, constraints=[FixedCombinations(["plan", "fee"])], seed=0)
    out = synth.fit(df).sample(2_000)
    seen = {("basic", 9.99), ("pro", 19.99), ("max", 49.0), (None, None)}
    pairs = out[["plan", "fee"]].astype(object).where(out[["plan", "fee"]].notna(), None)
    assert set(map(tuple, pairs.to_numpy())) <= seen
    assert abs(out["plan"].isna().mean() - df["plan"].isna().mean()) < 0.03
    assert out["fee"].dtype == np.float64


def test_fixed_combinations_of_numbers_only_is_refused():
    df = pd.DataFrame({"a": np.arange(50.0) % 3, "b": np.arange(50.0) % 5 + 0.5})
    with pytest.raises(DataValidationError, match="needs at least one categorical or boolean"):
        Synthesizer("marginals", constraints=[FixedCombinations(["a", "b"])]).fit(df)


def test_a_missing_low_leaves_the_high_as_present_as_it_was() -> None:
    """A low with gaps made its high missing in the same rows (msleep: bodywt above a
    brainwt missing in a third of the rows came out missing 46% of the time)."""
    rng = np.random.default_rng(0)
    n = 600
    low = rng.gamma(2, 1, n).round(2)
    real = pd.DataFrame({"low": low, "high": (low + rng.gamma(2, 3, n)).round(2)})
    real.loc[rng.random(n) < 0.3, "low"] = np.nan
    for model in ("trees", "copula"):
        out = Synthesizer(model, seed=0, constraints=[Inequality("low", "high")]).fit(real)
        rows = out.sample(3000)
        assert rows["high"].isna().mean() == 0.0, model
        assert abs(rows["low"].isna().mean() - 0.3) < 0.05, model
        both = rows.dropna()
        assert (both["low"] <= both["high"]).all(), model
