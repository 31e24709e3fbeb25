"""Hostile input tables: each gives a clear SynthtabError or a correct result."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthtab import Synthesizer
from synthtab.errors import DataValidationError, InvalidParameterError
from tests.contract.models import MODELS, fast_params

N = 40

BAD_TABLES = {
    "lists": (pd.DataFrame({"k": [[1], [2]] * 20, "x": range(N)}), "column 'k' holds list"),
    "dicts": (pd.DataFrame({"k": [{"a": 1}, {"b": 2}] * 20}), "column 'k' holds dict"),
    "sets": (pd.DataFrame({"k": [{1}, {2}] * 20}), "column 'k' holds set"),
    "mixed_containers": (pd.DataFrame({"k": [[1], {"a": 1}] * 20}), "column 'k' holds dict/list"),
    "list_among_text": (pd.DataFrame({"k": ["a", [1]] * 20}), "column 'k' holds list"),
    "empty": (pd.DataFrame({"x": pd.Series([], dtype=float)}), "no rows"),
    "no_columns": (pd.DataFrame(index=range(5)), "no columns"),
    "one_row": (pd.DataFrame({"x": [1.0]}), "single row"),
    "duplicate_names": (pd.DataFrame([[1, 2]] * N, columns=["a", "a"]), "more than once"),
    "int_names": (pd.DataFrame({0: range(N), 1: range(N)}), "must be strings"),
    "all_missing": (pd.DataFrame({"x": range(N), "m": [None] * N}), "column 'm' is missing"),
    "inf": (pd.DataFrame({"x": [1.0, np.inf] * 20}), "column 'x' holds 20 infinite"),
    "mixed_types": (pd.DataFrame({"x": [1, "a"] * 20}), "column 'x' mixes types"),
    "timedelta": (pd.DataFrame({"d": pd.to_timedelta(range(N), unit="s")}), "column 'd' has dtype"),
}


@pytest.mark.parametrize("name", sorted(BAD_TABLES))
def test_hostile_table_is_refused_clearly(name: str) -> None:
    df, message = BAD_TABLES[name]
    with pytest.raises(DataValidationError, match=message):
        Synthesizer("marginals").fit(df)


def test_datetime_with_tz_and_nat_round_trips() -> None:
    stamps = pd.Series(pd.date_range("2024-01-01", periods=N, freq="h", tz="UTC"))
    stamps[::5] = pd.NaT
    out = Synthesizer("marginals", seed=0).fit(pd.DataFrame({"t": stamps})).sample(30)
    assert str(out["t"].dtype) == str(stamps.dtype)
    assert out["t"].dropna().between(stamps.min(), stamps.max()).all()


@pytest.fixture(scope="module")
def fitted() -> Synthesizer:
    return Synthesizer("marginals", seed=0).fit(pd.DataFrame({"x": np.arange(N) * 1.5}))


@pytest.mark.parametrize("n", [np.int64(5), np.int32(5), np.uint8(5), 5])
def test_sample_accepts_any_integral(fitted: Synthesizer, n: object) -> None:
    assert len(fitted.sample(n)) == 5  # type: ignore[arg-type]


@pytest.mark.parametrize("n", [True, np.bool_(True), 2.0, 0, -3, np.int64(0), "5"])
def test_sample_refuses_non_counts(fitted: Synthesizer, n: object) -> None:
    with pytest.raises(InvalidParameterError, match="must be a positive int"):
        fitted.sample(n)  # type: ignore[arg-type]


def test_sample_refuses_huge_in_memory_output(fitted: Synthesizer) -> None:
    with pytest.raises(InvalidParameterError, match="use sample_to"):
        fitted.sample(10**12)


@pytest.mark.parametrize(
    ("dtype", "values"),
    [
        ("int64", [2**63 - 10, 2**63 - 4000, 2**62]),
        ("int64", [-(2**63) + 10, -(2**62), 0]),
        ("uint64", [2**64 - 10, 2**63 + 5, 2**63 + 4000]),
        ("uint64", [0, 2**64 - 10, 2**40]),
    ],
)
@pytest.mark.parametrize("model", ["marginals", "copula"])
def test_integer_extremes_do_not_wrap(dtype: str, values: list[int], model: str) -> None:
    df = pd.DataFrame({"k": np.array(values * 20, dtype=dtype), "c": ["a", "b", "c"] * 20})
    out = Synthesizer(model, seed=0).fit(df).sample(60)
    assert out["k"].dtype == np.dtype(dtype)
    # float64 holds these only to ~2**11; the bounds hold up to that rounding, no wrap-around
    slack = 4096
    lo, hi = min(values), max(values)
    assert all(lo - slack <= int(v) <= hi + slack for v in out["k"])


@pytest.mark.parametrize("model", MODELS)
def test_a_table_of_keys_only_is_generated_with_nothing_to_learn(model: str) -> None:
    """A unique integer column is a key: generated afresh, so no model has anything to fit
    (the copula and the hybrid crashed with a numpy error here)."""
    keys = pd.DataFrame({"id": np.arange(N) * 3 + 7})
    synth = Synthesizer(model, seed=0, **fast_params(model)).fit(keys)
    out = synth.sample(25)
    assert out["id"].is_unique and not out["id"].isin(keys["id"]).any()
    assert "nothing for" in synth.fit_report_.notes[0]
