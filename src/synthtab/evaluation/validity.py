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


@metric_registry.register(
    "discovered_rules", description="exact rules of the real rows kept by the synthetic rows"
)
class DiscoveredRules(Metric):
    """The exact rules the real table obeys (orders, formulas, label columns that fix
    others; :mod:`synthtab.constraints.discovery`) and the share of synthetic rows that
    keep each; the score is the mean share (no result when the real table shows none)."""

    name, family, direction = "discovered_rules", Family.VALIDITY, Direction.HIGHER

    def compute(self, ctx: EvalContext) -> list[MetricResult]:
        from synthtab.constraints.discovery import discover_rules

        raw = ctx.raw_tables()  # the columns as given: rules name them so
        schema = ctx.schema if ctx.schema is not None else None
        rules = discover_rules(raw.real, schema)
        if not rules:  # nothing to report: the report has no validity section for it
            return []
        kept = [float(rule.is_valid(raw.synthetic, schema).mean()) for rule in rules]
        details = pd.DataFrame({"rule": [repr(r) for r in rules], "synthetic_share": kept})
        broken = int((details["synthetic_share"] < 1.0).sum())
        return [
            self.result(
                float(np.mean(kept)),
                details=details,
                extra=dict(zip(details["rule"], kept, strict=True)),
                note=f"{len(rules)} exact rules in the real rows; {broken} broken by some "
                "synthetic rows (synthetic_share: the rows that keep each)",
            )
        ]
