"""One suite over every registered constraint: round trips and validity of any model output."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthtab.constraints import (
    CanonicalTable,
    FixedCombinations,
    Inequality,
    Negative,
    Positive,
    Predicate,
    Range,
    ReversibleConstraint,
    constraint_registry,
)
from synthtab.encoding.columns import from_canonical, to_canonical
from synthtab.schema import infer_schema


def frame(n: int = 200) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    low = rng.normal(10, 3, n).round(2)
    return pd.DataFrame(
        {
            "low": low,
            "high": (low + rng.gamma(1.0, 2.0, n)).round(2),
            "count": rng.integers(0, 40, n),
            "debt": -rng.integers(0, 40, n),
            "share": rng.random(n).round(3),
            "a": rng.choice(["x", "y"], n),
            "b": rng.choice(["p", "q", "r"], n),
        }
    )


EXAMPLES = {
    "inequality": Inequality("low", "high"),
    "range": Range("share", 0.0, 1.0),
    "positive": Positive("count"),
    "negative": Negative("debt"),
    "fixed_combinations": FixedCombinations(["a", "b"]),
    "predicate": Predicate(["count"], lambda df: df["count"] < 35, name="small"),
}


def test_every_registered_constraint_has_an_example() -> None:
    assert set(EXAMPLES) == set(constraint_registry.names())


@pytest.fixture(params=sorted(EXAMPLES))
def rule(request: pytest.FixtureRequest):
    return EXAMPLES[request.param]


def _canonical(df: pd.DataFrame) -> CanonicalTable:
    schema = infer_schema(df)
    return CanonicalTable(
        {c.name: to_canonical(df[c.name], c) for c in schema}, {c.name: c for c in schema}
    )


def test_real_rows_are_valid_and_checks_are_vectorised(rule) -> None:
    df = frame()
    valid = rule.is_valid(df, infer_schema(df))
    assert valid.dtype == bool and valid.shape == (len(df),)
    assert valid.mean() > 0.8


def test_schema_check_passes_on_fitting_columns(rule) -> None:
    assert rule.check_schema(infer_schema(frame())) == []


def test_transform_then_inverse_gives_back_the_values(rule) -> None:
    if not isinstance(rule, ReversibleConstraint):
        pytest.skip("enforced by rejection, no transform")
    df = frame()
    table = _canonical(df)
    before = {k: v.copy() for k, v in table.values.items()}
    rule.fit_transform(table)
    rule.inverse_transform(table)
    for name, spec in table.specs.items():
        back = from_canonical(table.values[name], spec)
        pd.testing.assert_series_equal(back, from_canonical(before[name], spec), check_exact=True)


def test_any_model_output_maps_to_valid_rows(rule) -> None:
    if not isinstance(rule, ReversibleConstraint):
        pytest.skip("enforced by rejection, no transform")
    df = frame()
    schema = infer_schema(df)
    table = rule.fit_transform(_canonical(df))
    rng = np.random.default_rng(1)
    wild = CanonicalTable({}, dict(table.specs))
    for name, spec in table.specs.items():
        if spec.kind.is_discrete:
            wild.values[name] = rng.integers(-3, len(spec.categories or ()) + 3, 5000)
        else:
            wild.values[name] = rng.normal(0, 50, 5000)
    rule.inverse_transform(wild)
    out = pd.DataFrame({c.name: from_canonical(wild.values[c.name], c) for c in schema})
    assert rule.is_valid(out, schema).all()


def test_state_round_trip(rule) -> None:
    if not isinstance(rule, ReversibleConstraint):
        pytest.skip("stateless")
    table = rule.fit_transform(_canonical(frame()))
    copy = type(rule)(**{k: v for k, v in rule.to_dict().items() if k != "kind"})
    copy.load_state(rule.state_dict())
    assert copy == rule
    wild = CanonicalTable(dict(table.values), dict(table.specs))
    a = rule.inverse_transform(CanonicalTable(dict(wild.values), dict(wild.specs)))
    b = copy.inverse_transform(CanonicalTable(dict(wild.values), dict(wild.specs)))
    for name in a.values:
        np.testing.assert_array_equal(a.values[name], b.values[name])
