"""A private fit's inputs: the DP schema, an encoder fitted on public values, clipped rows.

The :class:`~synthtab.synthesizer.Synthesizer` calls :func:`check_private_constraints`
when it is built (a rule that cannot honour DP is refused before any
data is read) and :func:`prepare_private` in ``fit``:

1. the budget is split: ``preprocessing_share`` of epsilon for the category
   sets and the numeric bounds still to be learned (half each), half of delta
   for the category sets; the model gets the rest;
2. the private schema is released (:mod:`synthtab.privacy.schema`);
3. the encoder is fitted on :func:`~synthtab.privacy.schema.public_frame`, never
   on real rows, so its state holds only private or public facts;
4. the real rows are encoded, a missing number's filler is set to a constant
   (the encoder's filler copies another row's value, which would let one row
   weigh in several), and every feature is clipped into public bounds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from synthtab.constraints.base import Constraint, ReversibleConstraint
from synthtab.encoding.layout import EncodedTable
from synthtab.encoding.table import EncodingOptions, TableEncoder
from synthtab.errors import PrivacyBudgetError
from synthtab.privacy.budget import MODEL, ModelBudget
from synthtab.privacy.config import DPConfig
from synthtab.privacy.ledger import PrivacyLedger
from synthtab.privacy.schema import (
    BOUNDS,
    CATEGORIES,
    declared_columns,
    private_parts,
    private_schema,
    public_frame,
)
from synthtab.schema.spec import TableSchema


@dataclass
class PrivateInputs:
    """What a private fit trains on."""

    schema: TableSchema
    encoder: TableEncoder
    table: EncodedTable
    budget: ModelBudget


def check_private_constraints(constraints: Sequence[Constraint] | None) -> None:
    """Refuse, before any data is read, a rule that cannot honour DP."""
    rewriting = [type(c).__name__ for c in constraints or () if isinstance(c, ReversibleConstraint)]
    if rewriting:
        raise PrivacyBudgetError(
            f"The constraints {rewriting} rewrite columns with statistics fitted on the real "
            "rows, outside the privacy budget. Drop them or fit without privacy; Predicate "
            "rules (checked by rejection) are allowed."
        )


def split_budget(
    config: DPConfig, delta: float, *, categories: bool, bounds: bool
) -> dict[str, tuple[float, float]]:
    """Allowances per part; parts with nothing to learn get nothing.

    >>> split_budget(DPConfig(1.0), 1e-6, categories=True, bounds=True)
    {'categories': (0.1, 5e-07), 'bounds': (0.1, 0.0), 'model': (0.8, 5e-07)}
    """
    pre = [part for part, on in ((CATEGORIES, categories), (BOUNDS, bounds)) if on]
    pre_eps = config.epsilon * config.preprocessing_share if pre else 0.0
    out = {part: (pre_eps / len(pre), 0.0) for part in pre}
    if categories:
        out[CATEGORIES] = (out[CATEGORIES][0], delta / 2)
    out[MODEL] = (config.epsilon - pre_eps, delta / 2 if categories else delta)
    return out


def prepare_private(
    schema: TableSchema,
    data: pd.DataFrame,
    *,
    options: EncodingOptions,
    constraints: Sequence[Constraint],
    config: DPConfig,
    overrides: Mapping[str, Any] | None,
    rng: np.random.Generator,
) -> PrivateInputs:
    """Release the schema, fit the encoder on public values and encode the rows, clipped."""
    delta = config.resolve_delta(len(data))
    ledger = PrivacyLedger(epsilon=config.epsilon, delta=delta)
    declared = declared_columns(schema, overrides)
    discrete, continuous = private_parts(schema, declared)
    ledger.allocate(split_budget(config, delta, categories=bool(discrete), bounds=bool(continuous)))
    schema, data = private_schema(schema, data, ledger, declared=declared, rng=rng)
    public = public_frame(schema)
    encoder = TableEncoder(schema, options, constraints).fit(public, rng=rng)
    reference = encoder.encode(public, rng=rng).values
    bounds = np.column_stack([reference.min(axis=0), reference.max(axis=0)])
    values = encoder.encode(data, rng=rng).values
    _neutral_fill(values, data, encoder, filler=reference[0])
    table = EncodedTable(np.clip(values, bounds[:, 0], bounds[:, 1]), encoder.layout)
    return PrivateInputs(schema, encoder, table, ModelBudget(ledger, bounds, n_rows=len(data)))


def _neutral_fill(
    values: np.ndarray, data: pd.DataFrame, encoder: TableEncoder, *, filler: np.ndarray
) -> None:
    """Give missing numbers the encoded lower bound (``filler``) instead of a copied value."""
    layout = encoder.layout
    for col in encoder.columns_ or []:
        if col.missing is None:
            continue
        missing = data[col.spec.name].isna().to_numpy()
        indicator = len(col.missing.spans(col.spec.name))  # the missing indicator comes first
        for index in layout.indices_of(col.spec.name)[indicator:]:
            part = layout.slice_of(index)
            values[np.ix_(missing, np.arange(part.start, part.stop))] = filler[part]
