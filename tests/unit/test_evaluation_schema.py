"""Evaluation reads the schema: generated columns left out and checked for copies,
text dates parsed, wide label columns capped, progress shown, honest verdicts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from faker import Faker

from synthtab import Synthesizer
from synthtab.errors import DataValidationError
from synthtab.evaluation import evaluate
from synthtab.evaluation.prepare import MAX_LABELS, OTHER

N = 600


def _people(n: int = N, seed: int = 0) -> pd.DataFrame:
    fake = Faker()
    fake.seed_instance(seed)
    rng = np.random.default_rng(seed)
    age = rng.integers(18, 80, n)
    return pd.DataFrame(
        {
            "customer_id": [f"C{i:06d}" for i in rng.permutation(n) + seed * n],
            "email": [fake.email() for _ in range(n)],
            "phone": [fake.phone_number() for _ in range(n)],
            "signup": (pd.Timestamp("2024-01-01") - pd.to_timedelta(age * 9, unit="D")).strftime(
                "%d/%m/%Y"
            ),
            "product": [f"item-{k}" for k in rng.zipf(1.3, n) % 400],
            "age": age,
            "buyer": np.where(age + rng.normal(0, 10, n) > 50, "yes", "no"),
        }
    )


@pytest.fixture(scope="module")
def real() -> pd.DataFrame:
    return _people()


@pytest.fixture(scope="module")
def holdout() -> pd.DataFrame:
    return _people(300, seed=1)


@pytest.fixture(scope="module")
def synthetic(real: pd.DataFrame) -> pd.DataFrame:
    return Synthesizer("trees", seed=0).fit(real).sample(N)


def test_generated_columns_are_left_out_and_reported(real, synthetic, holdout) -> None:
    report = evaluate(real, synthetic, target="buyer", holdout=holdout, figures=False)
    excluded = report.context["excluded_columns"]
    assert set(excluded) == {"customer_id", "email", "phone"}
    shapes = report.result("column_shapes").details
    assert not set(excluded) & set(shapes.index)
    assert any("customer_id" in note for note in report.context["notes"])


def test_fresh_identifiers_do_not_make_rows_detectable(real: pd.DataFrame) -> None:
    """The same rows with fresh keys, emails and phones are indistinguishable."""
    fresh = _people(seed=7)[["customer_id", "email", "phone"]]
    twin = real.assign(**{c: fresh[c].to_numpy() for c in fresh.columns})
    report = evaluate(real, twin, figures=False)
    assert report.scores["detection"] < 0.6
    copies = report.result("copied_values").details.set_index("column")
    assert (copies.loc[["customer_id", "email", "phone"], "excess"] < 0.02).all()


def test_text_dates_are_compared_as_dates(real, synthetic) -> None:
    report = evaluate(real, synthetic, figures=False)
    assert report.result("column_shapes").details.loc["signup", "kind"] == "datetime"


def test_wide_label_columns_are_capped(real, synthetic) -> None:
    assert real["product"].nunique() > MAX_LABELS
    report = evaluate(real, synthetic, figures=False)
    assert any(OTHER in note and "product" in note for note in report.context["notes"])


def test_copied_personal_data_is_flagged(real, synthetic, holdout) -> None:
    leaky = synthetic.assign(phone=real["phone"].sample(N, random_state=0).to_numpy())
    report = evaluate(real, leaky, holdout=holdout, figures=False)
    details = report.result("copied_values").details.set_index("column")
    assert bool(details.loc["phone", "flagged"])
    assert details.loc["phone", "copied"] == pytest.approx(1.0)
    assert not bool(details.loc["email", "flagged"])
    assert report.scores["copied_values"] > 0.9
    assert any("Copied values: phone" in note for note in report.context["notes"])


def test_a_generated_target_is_refused(real, synthetic) -> None:
    with pytest.raises(DataValidationError, match="target 'email' is pii"):
        evaluate(real, synthetic, target="email", figures=False)


def test_every_metric_reports_progress(real, synthetic) -> None:
    stages: list[str] = []
    evaluate(real, synthetic, figures=False, progress=lambda s, d, t: stages.append(s))
    assert "read the schema" in stages
    assert {"metric column_shapes", "metric detection", "metric copied_values"} <= set(stages)


def test_utility_near_chance_is_inconclusive_not_excellent() -> None:
    rng = np.random.default_rng(3)

    def noise(n: int) -> pd.DataFrame:
        return pd.DataFrame({"x": rng.normal(size=n), "y": rng.choice(["a", "b"], n)})

    real, holdout = noise(1_500), noise(800)
    synthetic = Synthesizer("marginals", seed=0).fit(real).sample(1_500)
    report = evaluate(real, synthetic, target="y", holdout=holdout, figures=False)
    verdict = report.headline()["utility"][1]
    assert verdict.startswith("Inconclusive")
    assert "ROC AUC" in verdict
