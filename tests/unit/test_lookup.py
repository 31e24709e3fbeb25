"""Lookup: determined columns come from their source, a number source keeps its order."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthtab import Lookup, Synthesizer
from synthtab.errors import ConstraintViolationError
from tests.contract.models import MODELS, fast_params

LEVELS = ["none", "school", "college", "degree", "master", "doctor"]


def education(n: int = 800, seed: int = 0) -> pd.DataFrame:
    """Years of education fix the level (one to one); income grows with the years."""
    rng = np.random.default_rng(seed)
    years = rng.choice([6, 9, 12, 14, 16, 20], n, p=[0.05, 0.2, 0.35, 0.2, 0.15, 0.05])
    level = pd.Series(years).map(dict(zip([6, 9, 12, 14, 16, 20], LEVELS, strict=True)))
    gap = rng.random(n) < 0.1  # a gap is a value of its own: it fixes the level's gap
    return pd.DataFrame(
        {
            "years": pd.Series(years).mask(gap),
            "level": level.mask(gap),
            "income": (years * 2_000 + rng.normal(0, 4_000, n)).round(0),
        }
    )


@pytest.mark.parametrize("model", MODELS)
def test_every_model_looks_up_the_determined_column(model: str) -> None:
    real = education()
    synth = Synthesizer(
        model, seed=0, constraints=[Lookup("years", ["level"])], **fast_params(model)
    ).fit(real)
    out = synth.sample(1_000)
    check = Lookup("years", ["level"]).observe(real)
    assert check.is_valid(out).all(), model
    assert set(out["years"].dropna()) <= set(real["years"].dropna())
    assert out["years"].isna().any() and out["level"].isna().equals(out["years"].isna())
    assert out["years"].dtype == real["years"].dtype


def test_a_number_source_keeps_its_order_for_the_copula() -> None:
    real = education(3_000)
    out = Synthesizer("copula", seed=0, constraints=[Lookup("years", ["level"])]).fit(real)
    fake = out.sample(3_000)
    plain = Synthesizer("copula", seed=0).fit(real).sample(3_000)

    def rank_r(df: pd.DataFrame) -> float:
        return float(df["years"].corr(df["income"], method="spearman"))

    # as strong as without the rule (0.72 of 0.82 real); merged into one label it was 0.04
    assert rank_r(real) > 0.8 and rank_r(fake) == pytest.approx(rank_r(plain), abs=0.05)
    shares = fake["level"].value_counts(normalize=True, dropna=False)
    truth = real["level"].value_counts(normalize=True, dropna=False)
    assert (shares.reindex(truth.index).fillna(0) - truth).abs().max() < 0.04


def test_source_values_never_seen_move_to_the_nearest_seen_one() -> None:
    real = education()
    synth = Synthesizer("copula", seed=0, constraints=[Lookup("years", ["level"])]).fit(real)
    rule = next(r for r in synth.constraints_ if isinstance(r, Lookup))
    keys = rule.combinations_[:, 0]
    rows = rule._rows_of(np.array([12.8, 13.2, 6.0, 25.0, np.nan]), keys)
    assert keys[rows].tolist()[:4] == [12.0, 14.0, 6.0, 20.0]
    assert np.isnan(keys[rows[4]])


def test_real_rows_where_the_source_does_not_determine_are_refused() -> None:
    real = education().assign(level=lambda d: d["level"].sample(frac=1, random_state=1).values)
    with pytest.raises(ConstraintViolationError, match="does not determine"):
        Synthesizer("trees", seed=0, constraints=[Lookup("years", ["level"])]).fit(real)


def test_a_saved_model_looks_up_alike(tmp_path) -> None:
    real = education()
    synth = Synthesizer("trees", seed=3, constraints=[Lookup("years", ["level"])]).fit(real)
    synth.save(tmp_path / "m.synth")
    from synthtab import load

    pd.testing.assert_frame_equal(load(tmp_path / "m.synth").sample(200), synth.sample(200))


@pytest.mark.parametrize("model", ["trees", "copula", "cgan"])
def test_a_condition_on_a_looked_up_column_asks_for_its_source(model: str) -> None:
    real = education(1_000)
    synth = Synthesizer(
        model, seed=0, constraints=[Lookup("years", ["level"])], **fast_params(model)
    ).fit(real)
    rule = next(r for r in synth.constraints_ if isinstance(r, Lookup))
    code = float(synth.schema_["level"].categories.index("doctor"))
    assert rule.condition_bounds({"level": (code, code)})["years"] == (20.0, 20.0)
    out = synth.sample(200, conditions={"level": "doctor"})
    assert (out["level"] == "doctor").all() and (out["years"] == 20).all()
