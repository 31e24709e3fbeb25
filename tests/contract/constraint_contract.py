"""The contract every business rule honours, as a suite any rule's test can inherit.

``TestEveryRegisteredConstraint`` (test_constraint_contract.py) runs it over the
registry; a rule defined outside the package runs the same suite by inheriting
:class:`ConstraintContract` with ``rule`` and ``real`` fixtures (a table whose
rows mostly obey the rule).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthtab.constraints import CanonicalTable, ReversibleConstraint
from synthtab.encoding.columns import from_canonical, to_canonical
from synthtab.schema import infer_schema


def _canonical(df: pd.DataFrame) -> CanonicalTable:
    schema = infer_schema(df)
    return CanonicalTable(
        {c.name: to_canonical(df[c.name], c) for c in schema}, {c.name: c for c in schema}
    )


class ConstraintContract:
    """Inherit and provide ``rule`` and ``real`` fixtures to run the rule contract."""

    def test_real_rows_are_valid_and_checks_are_vectorised(self, rule, real: pd.DataFrame) -> None:
        df = real
        valid = rule.is_valid(df, infer_schema(df))
        assert valid.dtype == bool and valid.shape == (len(df),)
        assert valid.mean() > 0.8

    def test_schema_check_passes_on_fitting_columns(self, rule, real: pd.DataFrame) -> None:
        assert rule.check_schema(infer_schema(real)) == []

    def test_transform_then_inverse_gives_back_the_values(self, rule, real: pd.DataFrame) -> None:
        if not isinstance(rule, ReversibleConstraint):
            pytest.skip("enforced by rejection, no transform")
        df = real
        table = _canonical(df)
        before = {k: v.copy() for k, v in table.values.items()}
        rule.fit_transform(table)
        rule.inverse_transform(table)
        for name, spec in table.specs.items():
            back = from_canonical(table.values[name], spec)
            expected = from_canonical(before[name], spec)
            pd.testing.assert_series_equal(back, expected, check_exact=True)

    def test_any_model_output_maps_to_valid_rows(self, rule, real: pd.DataFrame) -> None:
        if not isinstance(rule, ReversibleConstraint):
            pytest.skip("enforced by rejection, no transform")
        df = real
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
        schema = rule.decoding_schema(schema)  # what the encoder decodes with
        out = pd.DataFrame({c.name: from_canonical(wild.values[c.name], c) for c in schema})
        assert rule.is_valid(out, schema).all()

    def test_state_round_trip(self, rule, real: pd.DataFrame) -> None:
        if not isinstance(rule, ReversibleConstraint):
            pytest.skip("stateless")
        table = rule.fit_transform(_canonical(real))
        copy = type(rule).from_params({k: v for k, v in rule.to_dict().items() if k != "kind"}, {})
        copy.load_state(rule.state_dict())
        assert copy == rule
        wild = CanonicalTable(dict(table.values), dict(table.specs))
        a = rule.inverse_transform(CanonicalTable(dict(wild.values), dict(wild.specs)))
        b = copy.inverse_transform(CanonicalTable(dict(wild.values), dict(wild.specs)))
        for name in a.values:
            np.testing.assert_array_equal(a.values[name], b.values[name])
