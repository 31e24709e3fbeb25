"""One suite over every registered oversampler (SMOTE and friends): what rebalance gives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthtab import rebalance
from synthtab.rebalance import oversampler_registry


def accounts(n: int = 500, seed: int = 0, labels: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    churn = rng.random(n) < 0.12
    frame = pd.DataFrame(
        {
            "account": np.arange(50_000, 50_000 + n),  # a key: generated afresh
            "tenure": np.where(churn, rng.integers(1, 12, n), rng.integers(6, 72, n)),
            "bill": np.where(churn, rng.normal(90, 10, n), rng.normal(60, 15, n)).round(2),
            "opened": pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 700, n), "D"),
            "churn": np.where(churn, "left", "stayed"),
        }
    )
    if labels:
        frame.insert(3, "plan", rng.choice(["basic", "plus", "pro"], n))
    return frame


@pytest.mark.parametrize("name", oversampler_registry.names())
def test_oversampler_grows_the_rare_class_with_valid_rows(name: str) -> None:
    sampler = oversampler_registry.get(name).load()(**oversampler_registry.get(name).preset)
    real = accounts(labels=sampler.handles_labels)
    out = rebalance(real, "churn", strategy=name, ratio=0.8, seed=2)
    counts = out["churn"].value_counts()
    assert counts["left"] >= int(np.ceil(0.8 * counts["stayed"])) * 0.9  # ADASYN is approximate
    pd.testing.assert_frame_equal(out.iloc[: len(real)], real)
    new = out.iloc[len(real) :]
    assert out.dtypes.to_dict() == real.dtypes.to_dict()
    assert (new["churn"] == "left").all()
    assert not new["account"].isin(real["account"]).any() and out["account"].is_unique
    minority = real[real["churn"] == "left"]
    for column in ("tenure", "bill", "opened"):  # interpolated between the class's rows
        assert new[column].between(minority[column].min(), minority[column].max()).all()
    assert (new["bill"] == new["bill"].round(2)).all()
    if sampler.handles_labels:
        assert set(new["plan"]) <= {"basic", "plus", "pro"}
    again = rebalance(real, "churn", strategy=name, ratio=0.8, seed=2)
    pd.testing.assert_frame_equal(out, again)
