"""Constraint validity: the share of synthetic rows meeting each given constraint.

A constraint is any object with ``is_valid(df) -> ndarray[bool]``; its ``name``
attribute (or ``repr``) labels it.

>>> from synthtab.evaluation.base import metric_registry
>>> "constraint_validity" in metric_registry
True
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthtab.errors import InvalidParameterError
from synthtab.evaluation.base import (
    Direction,
    EvalContext,
    Family,
    Metric,
    MetricResult,
    metric_registry,
)


def _label(constraint: object) -> str:
    return str(getattr(constraint, "name", None) or repr(constraint))


@metric_registry.register("constraint_validity", description="share of rows per constraint")
class ConstraintValidity(Metric):
    """Mean over constraints of the share of synthetic rows that satisfy it (real as baseline)."""

    name, family, direction = "constraint_validity", Family.VALIDITY, Direction.HIGHER

    def compute(self, ctx: EvalContext) -> list[MetricResult]:
        if not ctx.constraints:
            return []
        rows = []
        raw = ctx.raw_tables()  # rules name the columns as given, text dates included
        for constraint in ctx.constraints:
            if not callable(getattr(constraint, "is_valid", None)):
                raise InvalidParameterError(
                    f"constraints= holds {constraint!r}, which has no is_valid(df) method; "
                    "pass synthtab constraint objects."
                )
            shares = [
                float(np.asarray(constraint.is_valid(f), dtype=bool).mean())
                for f in (raw.synthetic, raw.real)
            ]
            rows.append((_label(constraint), *shares))
        details = pd.DataFrame(rows, columns=["constraint", "synthetic_share", "real_share"])
        extra = details.set_index("constraint")["synthetic_share"].astype(float).to_dict()
        return [
            self.result(
                details["synthetic_share"].mean(),
                details=details,
                extra=extra,
                note="share of rows meeting each constraint (real_share: the training rows)",
            )
        ]
