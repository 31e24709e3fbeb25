"""Any rule given as a vectorised function; enforced by bounded rejection.

The function's code is never stored in a model file (loading a file must not
run code): after ``Synthesizer.load`` pass it again by name.

>>> import pandas as pd
>>> rule = Predicate(["a", "b"], lambda df: df["a"] + df["b"] < 10, name="small_sum")
>>> rule.is_valid(pd.DataFrame({"a": [1, 8], "b": [2, 5]}))
array([ True, False])
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from synthtab.constraints.base import Constraint, constraint_registry, missing_columns
from synthtab.errors import InvalidParameterError, SynthtabError
from synthtab.schema.spec import TableSchema

RowRule = Callable[[pd.DataFrame], Any]


@constraint_registry.register("predicate", description="a custom vectorised rule")
class Predicate(Constraint):
    """Rows for which ``fn(df[columns])`` is True.

    Parameters
    ----------
    columns: the columns ``fn`` reads.
    fn: a vectorised function of a DataFrame returning one bool per row.
    name: a name for messages and for re-attaching after load.
    """

    kind = "predicate"
    holds_code = True

    @classmethod
    def from_params(cls, params: Mapping[str, Any], predicates: Mapping[str, Any]) -> Predicate:
        """The saved columns and name, with the function passed again under that name."""
        return cls(params["columns"], predicates.get(params["name"]), name=params["name"])

    def __init__(self, columns: Sequence[str], fn: RowRule | None, *, name: str = "") -> None:
        self._columns = (columns,) if isinstance(columns, str) else tuple(columns)
        if fn is not None and not callable(fn):
            raise InvalidParameterError(f"Predicate needs a callable; got {type(fn).__name__}.")
        self.fn = fn
        self.name = name or getattr(fn, "__name__", "predicate")

    @property
    def columns(self) -> tuple[str, ...]:
        return self._columns

    def check_schema(self, schema: TableSchema) -> list[str]:
        return missing_columns(schema, self.columns, repr(self))

    def is_valid(self, df: pd.DataFrame, schema: TableSchema | None = None) -> np.ndarray:
        if self.fn is None:
            raise SynthtabError(
                f"The rule '{self.name}' was loaded from a model file, which never stores "
                "code. Pass it again: Synthesizer.load(path, predicates={"
                f"'{self.name}': fn}})."
            )
        try:
            result = np.asarray(self.fn(df[list(self.columns)]), dtype=bool)
        except Exception as exc:
            raise SynthtabError(f"The rule '{self.name}' failed on a table: {exc!r}") from exc
        if result.shape != (len(df),):
            raise SynthtabError(
                f"The rule '{self.name}' must return one bool per row ({len(df)}); "
                f"got shape {result.shape}. Write it vectorised, e.g. lambda df: df['a'] < df['b']."
            )
        return result

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "columns": list(self.columns), "name": self.name}

    def __repr__(self) -> str:
        return f"Predicate({list(self.columns)!r}, name={self.name!r})"
