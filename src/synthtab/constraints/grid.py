"""A number on a fixed grid: prices in steps of 5, hours in quarters (``offset + k * step``).

The model learns the column in units of the step; after sampling each value is rounded
to the nearest unit, so every value lies on the grid (and decodes to the column's own
rounding).

>>> import pandas as pd
>>> Grid("price", 5.0).is_valid(pd.DataFrame({"price": [10.0, 12.0, None]}))
array([ True, False,  True])
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from synthtab.constraints.base import CanonicalTable, constraint_registry, numbers_of, working_spec
from synthtab.constraints.rules import OneNumberRule
from synthtab.errors import InvalidParameterError
from synthtab.schema.spec import TableSchema

#: How far from a grid point a value may be and still be on it (in units of the step).
ON_GRID = 1e-6


@constraint_registry.register("grid", description="column = offset + whole multiple of step")
class Grid(OneNumberRule):
    """``column`` is ``offset + k * step`` for a whole ``k`` in every row (gaps pass)."""

    kind = "grid"

    def __init__(self, column: str, step: float, *, offset: float = 0.0) -> None:
        if not np.isfinite(step) or step <= 0 or not np.isfinite(offset):
            raise InvalidParameterError(
                f"Grid('{column}', {step!r}) needs a finite step > 0 and a finite offset."
            )
        self.column, self.step, self.offset = column, float(step), float(offset)

    def units(self, values: Any) -> Any:
        """Values in steps from the offset."""
        return (values - self.offset) / self.step

    def is_valid(self, df: pd.DataFrame, schema: TableSchema | None = None) -> np.ndarray:
        units = self.units(numbers_of(df, self.column, schema))
        with np.errstate(invalid="ignore"):
            return np.isnan(units) | (np.abs(units - np.round(units)) <= ON_GRID)

    def transform(self, table: CanonicalTable) -> CanonicalTable:
        units = self.units(table.values[self.column])
        table.replace(self.column, units, working_spec(self.original(self.column), units))
        return table

    def inverse_transform(self, table: CanonicalTable) -> CanonicalTable:
        spec = self.original(self.column)
        units = np.round(table.values[self.column])
        if spec.minimum is not None and spec.maximum is not None:  # grid points in range
            low, high = (
                np.ceil(self.units(spec.minimum) - ON_GRID),
                np.floor(self.units(spec.maximum) + ON_GRID),
            )
            units = np.clip(units, low, high)
        table.replace(self.column, self.offset + units * self.step, spec)
        return table

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "column": self.column, "step": self.step, "offset": self.offset}
