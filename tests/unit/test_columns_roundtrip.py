"""Exact round trips of raw columns through their canonical form, and generated columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from synthtab.encoding.columns import from_canonical, generate_column, to_canonical
from synthtab.schema import infer_schema


def round_trip(series: pd.Series, **overrides) -> None:
    spec = infer_schema(series.to_frame(), overrides=overrides or None)[series.name]
    back = from_canonical(to_canonical(series, spec), spec)
    pd.testing.assert_series_equal(back, series, check_exact=True)


CASES = {
    "int64": pd.Series([3, 1, 2, 3], dtype="int64"),
    "int32": pd.Series([3, -1, 2, 3], dtype="int32"),
    "uint8": pd.Series([3, 1, 200, 3], dtype="uint8"),
    "Int64": pd.Series([3, None, 2, 7], dtype="Int64"),
    "float_decimals": pd.Series([1.25, np.nan, 2.5, 3.75]),
    "float_whole": pd.Series([1.0, 2.0, 5.0, 5.0]),
    "Float64": pd.Series([1.5, None, 2.25, 3.0], dtype="Float64"),
    "bool": pd.Series([True, False, True, True]),
    "boolean": pd.Series([True, None, False, True], dtype="boolean"),
    "object": pd.Series(["x", None, "y", "x"], dtype=object),
    "str": pd.Series(["x", None, "y", "x"], dtype="str"),
    "category": pd.Series(pd.Categorical(["b", "a", "b", None], categories=["b", "a", "z"])),
    "datetime_ns": pd.Series(pd.to_datetime(["2020-01-01 10:00", None, "2021-05-03 11:30"])).astype(
        "datetime64[ns]"
    ),
    "datetime_us": pd.Series(pd.to_datetime(["2020-01-01", "2020-01-09", "2021-05-03"])).astype(
        "datetime64[us]"
    ),
    "datetime_tz": pd.Series(
        pd.to_datetime(["2020-01-01 10:00", "2020-07-01 12:00"])
    ).dt.tz_localize("Europe/Paris"),
    "iso_text": pd.Series(["2020-01-31", "2021-12-01", None, "2020-01-31"], dtype=object),
    "dmy_text": pd.Series(["31/01/2020", "01/12/2021", "13/02/2022"]),
    "mdy_text": pd.Series(["01/31/2020", "12/01/2021", "02/13/2022"]),
    "yyyymmdd": pd.Series([20200131, 20211201, 20200131], dtype="int64"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_exact_round_trip(name: str) -> None:
    round_trip(CASES[name].rename(name))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-(10**12), 10**12), min_size=2, max_size=40))
def test_integers_round_trip(values: list[int]) -> None:
    series = pd.Series(values, name="n", dtype="int64")
    if series.nunique() > 1:
        round_trip(series)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1e9, 1e9, allow_nan=False), min_size=2, max_size=40))
def test_floats_round_trip(values: list[float]) -> None:
    series = pd.Series(values, name="x", dtype="float64")
    if series.nunique() > 1:
        round_trip(series, x="numeric")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(min_size=1, max_size=5)), min_size=2, max_size=30))
def test_labels_round_trip(values: list[str | None]) -> None:
    series = pd.Series(values, name="c", dtype=object)
    if series.notna().any() and not (series.nunique() == 1 and series.notna().all()):
        round_trip(series, c="categorical")


def test_model_output_is_rounded_clipped_and_made_missing() -> None:
    df = pd.DataFrame({"n": pd.array([1, 5, None, 3], dtype="Int64"), "x": [0.5, 1.25, 2.0, 3.0]})
    schema = infer_schema(df)
    n = from_canonical(np.array([0.2, 2.6, np.nan, 99.0]), schema["n"])
    assert n.tolist() == [1, 3, pd.NA, 5] and str(n.dtype) == "Int64"
    x = from_canonical(np.array([-4.0, 1.234, 2.999, 7.0]), schema["x"])
    assert x.tolist() == [0.5, 1.23, 3.0, 3.0]


def test_datetimes_are_rounded_to_their_resolution_and_format() -> None:
    df = pd.DataFrame({"d": ["2020-01-31", "2021-12-01", "2021-06-15"]})
    spec = infer_schema(df)["d"]
    seconds = to_canonical(df["d"], spec)
    out = from_canonical(seconds + 3_600 * 5, spec)  # five hours later: same day
    assert out.tolist() == ["2020-01-31", "2021-12-01", "2021-06-15"]


def test_integer_identifiers_continue_above_the_real_keys() -> None:
    spec = infer_schema(pd.DataFrame({"id": np.arange(100, 130)}))["id"]
    first = generate_column(spec, 5, rng=np.random.default_rng(0))
    later = generate_column(spec, 5, rng=np.random.default_rng(0), row_offset=5)
    assert first.tolist() == [130, 131, 132, 133, 134]
    assert later.tolist() == [135, 136, 137, 138, 139] and str(first.dtype) == "int64"


def test_text_identifiers_follow_the_pattern() -> None:
    spec = infer_schema(pd.DataFrame({"ticket": [f"TK-{i:04d}" for i in range(30)]}))["ticket"]
    out = generate_column(spec, 200, rng=np.random.default_rng(1))
    assert out.str.fullmatch(r"[A-Z]{2}-\d{4}").all()


def test_personal_data_is_seeded_and_never_copied() -> None:
    real = pd.DataFrame({"email": [f"zz_real_{i}@example.invalid" for i in range(50)]})
    spec = infer_schema(real)["email"]
    a = generate_column(spec, 300, rng=np.random.default_rng(3))
    b = generate_column(spec, 300, rng=np.random.default_rng(3))
    assert a.equals(b) and a.str.contains("@").all() and a.is_unique
    assert not set(a) & set(real["email"])
    assert not generate_column(spec, 300, rng=np.random.default_rng(4)).equals(a)
