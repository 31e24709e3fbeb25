"""Constraints at fit time and in model files: checks, real-row violations, state.

>>> import pandas as pd
>>> from synthtab.constraints import Inequality
>>> from synthtab.schema import infer_schema
>>> df = pd.DataFrame({"lo": [1, 2, 9], "hi": [3, 4, 5]})
>>> enforce_on_real_rows(df, [Inequality("lo", "hi")], infer_schema(df), "drop")[1]
1
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from synthtab.constraints.base import Constraint, ReversibleConstraint, constraint_registry
from synthtab.constraints.predicate import RowRule
from synthtab.errors import (
    ConstraintViolationError,
    DataValidationError,
    InvalidParameterError,
)
from synthtab.schema.spec import TableSchema

INVALID_ROW_CHOICES = ("raise", "drop")
_EXAMPLES = 3


def check_constraint_options(constraints: Sequence[Any] | None, invalid_rows: object) -> None:
    """Raise early for objects that are not constraints or a bad ``invalid_rows``."""
    if invalid_rows not in INVALID_ROW_CHOICES:
        raise InvalidParameterError(
            f"The 'invalid_rows' option must be one of 'raise', 'drop'. Got {invalid_rows!r}."
        )
    for rule in constraints or ():
        if not isinstance(rule, Constraint):
            known = ", ".join(entry.load().__name__ for entry in constraint_registry)
            raise InvalidParameterError(
                f"constraints must hold synthtab constraints ({known}); got {rule!r}."
            )


def fresh_constraints(
    constraints: Sequence[Constraint] | None, schema: TableSchema
) -> list[Constraint]:
    """Unfitted copies of ``constraints``, checked together against ``schema``, the rules
    whose inverse reads other decoded columns first (their inverse then runs last)."""
    rules = [copy.deepcopy(rule) for rule in constraints or ()]
    rules.sort(key=lambda r: not getattr(r, "reads_decoded_columns", False))  # stable
    problems = [p for rule in rules for p in rule.check_schema(schema)]
    for rule in rules:
        generated = [c for c in rule.columns if c in schema and schema[c].kind.is_generated]
        if generated:
            problems.append(
                f"{rule!r} reads {generated}, which are generated afresh (identifiers or "
                "personal data), not learned; a rule cannot apply to them."
            )
    rewritten = [c for r in rules if isinstance(r, ReversibleConstraint) for c in r.rewrites]
    twice = sorted({c for c in rewritten if rewritten.count(c) > 1})
    if twice and not problems:  # only rules that apply at all can clash
        problems.append(
            f"columns {twice} are reparametrised by more than one rule; express the rules "
            "another way (e.g. a Predicate for one of them)."
        )
    if problems:
        raise DataValidationError(problems, what="The list of constraints")
    return rules


def enforce_on_real_rows(
    data: pd.DataFrame, rules: Sequence[Constraint], schema: TableSchema, invalid_rows: str
) -> tuple[pd.DataFrame, int]:
    """Check every rule on the real rows; raise with examples, or drop them."""
    if not rules:
        return data, 0
    broken = {repr(rule): ~rule.is_valid(data, schema) for rule in rules}
    bad = np.logical_or.reduce(list(broken.values()))
    if not bad.any():
        return data, 0
    if invalid_rows == "drop":
        kept = data.loc[~bad].reset_index(drop=True)
        if len(kept) < 2:
            raise ConstraintViolationError(
                [f"only {len(kept)} real rows obey the constraints; nothing left to learn"]
            )
        return kept, int(bad.sum())
    problems = [
        _violation(name, mask, data, rule)
        for (name, mask), rule in zip(broken.items(), rules, strict=True)
        if mask.any()
    ]
    raise ConstraintViolationError(
        [*problems, "fit with invalid_rows='drop' to drop those rows, or leave the rule out"],
        what="The real data already break the constraints; the table",
    )


def _violation(name: str, mask: np.ndarray, data: pd.DataFrame, rule: Constraint) -> str:
    rows = data.loc[mask, list(rule.columns)].head(_EXAMPLES)
    examples = "; ".join(
        f"row {index}: " + ", ".join(f"{c}={v!r}" for c, v in row.items())
        for index, row in zip(rows.index, rows.to_dict("records"), strict=True)
    )
    return f"{int(mask.sum())} of {len(data)} rows break {name} (e.g. {examples})"


def constraint_to_state(rule: Constraint) -> dict[str, Any]:
    """A rule's parameters and learned state for a model file (never code)."""
    state = rule.state_dict() if isinstance(rule, ReversibleConstraint) else {}
    return {"rule": rule.to_dict(), "state": state}


def constraint_from_state(item: Mapping[str, Any], predicates: Mapping[str, RowRule]) -> Constraint:
    """Rebuild a rule saved by :func:`constraint_to_state`, by registry name."""
    params = dict(item["rule"])
    cls = constraint_registry.get(params.pop("kind")).load()
    rule = cls.from_params(params, predicates)
    if isinstance(rule, ReversibleConstraint):
        rule.load_state(item["state"])
    return rule
