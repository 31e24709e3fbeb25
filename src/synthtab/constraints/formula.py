"""A column that is a formula of others: ``charge = 0.17 * minutes``, ``total = a + b + c``,
``due = total - paid``, ``amount = price * quantity``.

The rule holds when the column equals the formula rounded to the column's step (a
charge rounded to cents), in every row where all its columns are present. It is
enforced exactly: the model learns only the rounding residual, and after sampling
the column is computed from its inputs (rounded first as their decoders will round
them) and rounded to the step.

>>> import pandas as pd
>>> rule = Formula("total", ["net", "tax"], [1.0, 1.0], step=0.01)
>>> rows = pd.DataFrame({"net": [10.0, 5.0], "tax": [2.1, 1.0], "total": [12.1, 7.0]})
>>> rule.is_valid(rows)  # 5 + 1 is not 7
array([ True, False])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from synthtab.constraints.base import (
    NUMBER_KINDS,
    CanonicalTable,
    ReversibleConstraint,
    constraint_registry,
    missing_columns,
    numbers_of,
    require_kinds,
    working_spec,
)
from synthtab.encoding.columns import from_canonical, to_canonical
from synthtab.encoding.layout import CanonicalBounds
from synthtab.errors import InvalidParameterError
from synthtab.schema.spec import TableSchema

#: Relative slack for float sums (0.1 + 0.2 is not 0.3 in binary).
RELATIVE_SLACK = 1e-9


#: How the terms ``k * input`` combine.
OPERATORS = ("sum", "product")


@constraint_registry.register(
    "formula",
    description="column = sum (or product) of coefficient x input, to the column's step",
)
class Formula(ReversibleConstraint):
    """``column == round(sum(k * input), step)`` in every row where all are present
    (``operator="product"``: the product of the terms instead of their sum)."""

    kind = "formula"
    reads_decoded_columns = True

    def __init__(
        self,
        column: str,
        inputs: Sequence[str],
        coefficients: Sequence[float] | None = None,
        *,
        step: float = 0.0,
        operator: str = "sum",
    ) -> None:
        names = (inputs,) if isinstance(inputs, str) else tuple(inputs)
        ks = tuple(
            float(k) for k in (coefficients if coefficients is not None else [1.0] * len(names))
        )
        if not names or len(ks) != len(names) or column in names or len(set(names)) != len(names):
            raise InvalidParameterError(
                f"Formula('{column}', ...) needs one or more other, different input columns and "
                f"one coefficient each; got inputs {list(names)} and coefficients {list(ks)}."
            )
        if not all(np.isfinite(ks)) or not np.isfinite(step) or step < 0:
            raise InvalidParameterError(
                f"Formula('{column}', ...) needs finite coefficients and a step >= 0."
            )
        if operator not in OPERATORS:
            raise InvalidParameterError(
                f"Formula('{column}', ...) has operator {operator!r}; choose one of {OPERATORS}."
            )
        self.column, self.inputs, self.coefficients, self.step = column, names, ks, float(step)
        self.operator = operator

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column, *self.inputs)

    @property
    def rewrites(self) -> tuple[str, ...]:
        """Only the computed column is rewritten (as its rounding residual)."""
        return (self.column,)

    def decoding_schema(self, schema: TableSchema) -> TableSchema:
        """The computed column unbounded: its inputs' bounds bound it, and clipping it to
        its real range would break the formula in a row of extreme inputs."""
        spec = schema[self.column].with_changes(minimum=None, maximum=None)
        return schema.replace_column(spec)

    def check_schema(self, schema: TableSchema) -> list[str]:
        problems = missing_columns(schema, self.columns, repr(self))
        return problems + require_kinds(schema, self.columns, NUMBER_KINDS, repr(self), "number")

    def predicted(self, values: Mapping[str, np.ndarray]) -> np.ndarray:
        """The formula's value from the inputs (NaN where one is missing)."""
        terms = [k * values[c] for c, k in zip(self.inputs, self.coefficients, strict=True)]
        return np.prod(terms, axis=0) if self.operator == "product" else np.sum(terms, axis=0)

    def is_valid(self, df: pd.DataFrame, schema: TableSchema | None = None) -> np.ndarray:
        value = numbers_of(df, self.column, schema)
        formula = self.predicted({c: numbers_of(df, c, schema) for c in self.inputs})
        slack = self.step / 2 + RELATIVE_SLACK * np.maximum(1.0, np.abs(formula))
        with np.errstate(invalid="ignore"):
            holds = np.abs(value - formula) <= slack
        return holds | np.isnan(value) | np.isnan(formula)

    def transform(self, table: CanonicalTable) -> CanonicalTable:
        residual = table.values[self.column] - self.predicted(table.values)
        table.replace(self.column, residual, working_spec(self.original(self.column), residual))
        return table

    def inverse_transform(self, table: CanonicalTable) -> CanonicalTable:
        for name in self.inputs:  # from the inputs exactly as they decode: rounded, clipped
            spec = table.specs[name]
            table.replace(name, to_canonical(from_canonical(table.values[name], spec), spec), spec)
        formula = self.predicted(table.values)
        value = np.round(formula / self.step) * self.step if self.step else formula
        value = np.where(np.isnan(table.values[self.column]), np.nan, value)  # its own gaps
        unbounded = self.original(self.column).with_changes(minimum=None, maximum=None)
        table.replace(self.column, value, unbounded)  # see decoding_schema
        return table

    def condition_bounds(self, bounds: CanonicalBounds) -> CanonicalBounds:
        """A range asked of a constant rate's column asks its input for the range over
        the rate (``charge in [30, 31]`` asks ``minutes in [176.4, 182.4]`` at 0.17);
        a sum has no one-column translation and is left to rejection."""
        if self.column not in bounds or len(self.inputs) != 1 or self.coefficients[0] == 0:
            return bounds
        (name,), (rate,) = self.inputs, self.coefficients
        low, high = bounds[self.column]
        ends = sorted(((low - self.step / 2) / rate, (high + self.step / 2) / rate))
        have_low, have_high = bounds.get(name, (-np.inf, np.inf))
        return {**bounds, name: (max(have_low, ends[0]), min(have_high, ends[1]))}

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "column": self.column,
            "inputs": list(self.inputs),
            "coefficients": list(self.coefficients),
            "step": self.step,
            **({"operator": self.operator} if self.operator != "sum" else {}),
        }

    def __repr__(self) -> str:
        terms = [
            c if abs(k) == 1.0 else f"{abs(k):g} * {c}"
            for c, k in zip(self.inputs, self.coefficients, strict=True)
        ]
        negative = [k < 0 for k in self.coefficients]
        if self.operator == "product":
            shown = ("-" if sum(negative) % 2 else "") + " * ".join(terms)
        else:
            shown = ("-" if negative[0] else "") + terms[0]
            rest = zip(terms[1:], negative[1:], strict=True)
            shown += "".join(f" {'-' if neg else '+'} {term}" for term, neg in rest)
        rounding = f", to {self.step:g}" if self.step else ""
        return f"Formula({self.column} = {shown}{rounding})"
