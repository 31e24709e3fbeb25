"""rebalance: the rare classes grow to the asked share, real rows stay, dtypes are exact."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from synthtab import rebalance
from synthtab.errors import DataValidationError, InvalidParameterError


def fraud(n: int = 600, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    is_fraud = rng.random(n) < 0.08
    return pd.DataFrame(
        {
            "amount": np.where(is_fraud, rng.gamma(5, 80, n), rng.gamma(2, 30, n)).round(2),
            "hour": np.where(is_fraud, rng.integers(0, 6, n), rng.integers(6, 24, n)),
            "channel": rng.choice(["web", "shop", "phone"], n),
            "txn_id": np.arange(10_000, 10_000 + n),
            "fraud": np.where(is_fraud, "yes_fraud", "no_fraud"),
        }
    )


@pytest.mark.parametrize("strategy", ["smotenc", "copula", "marginals"])
def test_classes_reach_the_ratio_and_real_rows_stay(strategy: str) -> None:
    real = fraud()
    out = rebalance(real, "fraud", strategy=strategy, ratio=0.5, seed=1)
    counts = out["fraud"].value_counts()
    assert counts["yes_fraud"] == int(np.ceil(0.5 * counts["no_fraud"]))
    pd.testing.assert_frame_equal(out.iloc[: len(real)], real)
    assert out.dtypes.to_dict() == real.dtypes.to_dict()
    assert out["txn_id"].is_unique


def test_smote_rows_look_like_the_minority() -> None:
    real = fraud(2000)
    out = rebalance(real.drop(columns=["channel"]), "fraud", strategy="smote", seed=0)
    new = out.iloc[len(real) :]
    assert (new["fraud"] == "yes_fraud").all()
    assert new["hour"].between(0, 5).mean() > 0.95  # interpolated between fraud rows
    assert (new["amount"] == new["amount"].round(2)).all()


@pytest.mark.parametrize("strategy", ["adasyn", "borderline", "smotenc"])
def test_other_imblearn_samplers(strategy: str) -> None:
    real = fraud(800)
    table = real if strategy == "smotenc" else real.drop(columns=["channel"])
    out = rebalance(table, "fraud", strategy=strategy, seed=0)
    assert (out["fraud"] == "yes_fraud").sum() >= 0.9 * (out["fraud"] == "no_fraud").sum()


def test_same_seed_same_rows() -> None:
    real = fraud()
    pd.testing.assert_frame_equal(
        rebalance(real, "fraud", seed=3), rebalance(real, "fraud", seed=3)
    )


def test_auto_uses_smote_nc_for_label_features() -> None:
    out = rebalance(fraud(), "fraud", seed=0)
    assert set(out["channel"]) <= {"web", "shop", "phone"}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"target": "fruad"}, "no column 'fruad'. Did you mean 'fraud'?"),
        ({"target": "amount"}, "needs a categorical or boolean target; 'amount' is numeric"),
        ({"target": "fraud", "ratio": 0}, "The 'ratio' option must be in (0, 1]. Got 0."),
        ({"target": "fraud", "strategy": "smote"}, "cannot handle the label columns ['channel']"),
    ],
)
def test_bad_requests(kwargs, message: str) -> None:
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        rebalance(fraud(), **kwargs)


def test_missing_values_need_a_model_strategy() -> None:
    real = fraud()
    real.loc[::10, "amount"] = np.nan
    with pytest.raises(DataValidationError, match=re.escape("cannot interpolate missing values")):
        rebalance(real, "fraud", strategy="smotenc")
    out = rebalance(real, "fraud", strategy="copula")
    assert out["amount"].isna().any()


def test_auto_strategy_works_with_missing_values_and_keeps_their_shares():
    rng = np.random.default_rng(0)
    n = 1_000
    df = pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "c": rng.choice(np.array(["a", "b", None], dtype=object), n),
            "y": rng.choice(["no", "yes"], n, p=[0.85, 0.15]),
        }
    )
    df.loc[rng.random(n) < 0.2, "x"] = np.nan
    out = rebalance(df, "y", seed=0)
    assert out["y"].value_counts()["yes"] == out["y"].value_counts()["no"]
    new = out.iloc[len(df) :]
    assert abs(new["x"].isna().mean() - df["x"].isna().mean()) < 0.06
    assert abs(new["c"].isna().mean() - df["c"].isna().mean()) < 0.08
    assert out.iloc[: len(df)].equals(df)
