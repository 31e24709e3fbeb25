"""The sampling engine: row blocks from their own seeds, conditions by bounded rejection.

Rows are drawn in blocks of :data:`~synthtab.random.BLOCK_ROWS`; block ``k``
always comes from the same seed, so the first ``n`` rows do not depend on how
many rows or batches are asked for. A condition keeps the rows that meet it,
block after block; a model with native conditioning is asked for such rows
directly and its output is still checked. The number of candidate rows is
bounded: when the acceptance rate is too low to finish, a
:class:`~synthtab.errors.SamplingError` says so with the figures.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from synthtab.constraints.base import Constraint
from synthtab.encoding.table import TableEncoder
from synthtab.errors import ConditionError, SamplingError
from synthtab.models.base import Model
from synthtab.progress import ProgressCallback, report
from synthtab.random import BLOCK_ROWS, SeedTree
from synthtab.sampling.conditions import ClassMix, Condition
from synthtab.schema.spec import TableSchema

Conditions = Condition | ClassMix | Mapping[str, Any] | Sequence[Condition] | None
Request = Condition | ClassMix | list[Condition] | None

#: Most candidate rows drawn per requested row before giving up (rates down to 0.1%).
MAX_OVERSAMPLING = 1_000
#: Candidates after which a condition that accepted nothing is declared hopeless.
_HOPELESS_AFTER = 4 * BLOCK_ROWS


def as_request(conditions: Conditions, schema: TableSchema, n: int) -> Request:
    """Normalise what a user passed as ``conditions`` and check it against the schema."""
    if conditions is None:
        return None
    if isinstance(conditions, list | tuple):
        return _condition_list(list(conditions), schema, n)
    if isinstance(conditions, Mapping):
        conditions = Condition(conditions)
    if not isinstance(conditions, Condition | ClassMix):
        raise ConditionError(
            "conditions must be a Condition, a ClassMix or a dict of column to value; "
            f"got {type(conditions).__name__}."
        )
    conditions.check(schema)
    return conditions


def _condition_list(conditions: list[Any], schema: TableSchema, n: int) -> list[Condition]:
    if not conditions or not all(isinstance(c, Condition) and c.n for c in conditions):
        raise ConditionError(
            "A list of conditions must hold Condition objects that each give their rows, "
            "e.g. [Condition({'income': '>50K'}, n=100), Condition({'income': '<=50K'}, n=50)]."
        )
    total = sum(c.n or 0 for c in conditions)
    if total != n:
        raise ConditionError(
            f"The conditions ask for {total} rows in all, but sample was asked for {n}; "
            "make them agree."
        )
    for condition in conditions:
        condition.check(schema)
    return conditions


@dataclass
class SamplingEngine:
    """Draws decoded rows from a fitted model, honouring conditions."""

    model: Model
    encoder: TableEncoder
    constraints: Sequence[Constraint] = ()
    max_oversampling: int = MAX_OVERSAMPLING

    @property
    def schema(self) -> TableSchema:
        """The schema of the rows produced."""
        return self.encoder.schema

    def sample(
        self,
        n: int,
        seeds: SeedTree,
        request: Request = None,
        progress: ProgressCallback | None = None,
    ) -> pd.DataFrame:
        """``n`` rows in the schema's exact dtypes (several conditions: in their order)."""
        if isinstance(request, list):
            parts = [
                self._collect(c.n or 0, seeds.child(f"condition={i}"), c)
                for i, c in enumerate(request)
            ]
            modelled = pd.concat(parts, ignore_index=True)
            report(progress, "sample", n, n)
        elif isinstance(request, ClassMix):
            modelled = self._class_mix(n, seeds, request, progress)
        else:
            modelled = self._collect(n, seeds.child("rows"), request, progress)
        generated = self._generated(n, seeds.child("generated"))
        return self.encoder.assemble(modelled, generated)

    def _class_mix(
        self, n: int, seeds: SeedTree, mix: ClassMix, progress: ProgressCallback | None
    ) -> pd.DataFrame:
        parts = [
            self._collect(count, seeds.child(f"class={label!r}"), Condition({mix.column: label}))
            for label, count in mix.counts(n).items()
            if count > 0
        ]
        mixed = pd.concat(parts, ignore_index=True)
        order = seeds.rng("shuffle").permutation(len(mixed))
        report(progress, "sample", n, n)
        return mixed.iloc[order].reset_index(drop=True)

    def _collect(
        self,
        n: int,
        seeds: SeedTree,
        condition: Condition | None,
        progress: ProgressCallback | None = None,
    ) -> pd.DataFrame:
        kept: list[pd.DataFrame] = []
        accepted = drawn = 0
        for block in self._blocks(seeds, condition):
            drawn += len(block)
            block = block[self._accepted(block, condition)]
            kept.append(block)
            accepted += len(block)
            report(progress, "sample", min(accepted, n), n)
            if accepted >= n:
                break
            self._check_budget(n, accepted, drawn, condition)
        rows = pd.concat(kept, ignore_index=True) if len(kept) > 1 else kept[0]
        return rows.iloc[:n].reset_index(drop=True)

    def _accepted(self, block: pd.DataFrame, condition: Condition | None) -> np.ndarray:
        keep = np.ones(len(block), dtype=bool)
        if condition is not None:
            keep &= condition.mask(block, self.schema)
        for rule in self.constraints:
            keep &= rule.is_valid(block, self.schema)
        return keep

    def _native(self, condition: Condition | None) -> Any:
        """The condition in the model's encoded terms, when it can condition natively."""
        if condition is None or not self.model.capabilities.native_conditioning:
            return None
        return self.encoder.encoded_bounds(condition.canonical_bounds(self.schema))

    def _blocks(self, seeds: SeedTree, condition: Condition | None) -> Iterator[pd.DataFrame]:
        native = self._native(condition)
        block = 0
        while True:
            encoded = self.model.sample(BLOCK_ROWS, rng=seeds.block_rng(block), condition=native)
            yield self.encoder.decode(encoded)
            block += 1

    def _check_budget(self, n: int, accepted: int, drawn: int, condition: Condition | None) -> None:
        budget = max(n, BLOCK_ROWS) * self.max_oversampling
        rate = accepted / drawn
        hopeless = accepted == 0 and drawn >= _HOPELESS_AFTER
        projected = drawn + (n - accepted) / rate if rate > 0 else float("inf")
        if hopeless or drawn >= budget or (drawn >= _HOPELESS_AFTER and projected > budget):
            asked = " and ".join(
                [repr(condition)] * (condition is not None)
                + [f"constraints {list(self.constraints)!r}"] * bool(self.constraints)
            )
            raise SamplingError(
                f"Asked for {n} rows with {asked}; accepted {accepted} of {drawn} "
                f"candidate rows (acceptance rate {rate:.4%}). At this rate more than "
                f"{budget} candidates would be needed, the bound for rejection sampling. "
                "Loosen the condition, ask for fewer rows, or use a model that conditions "
                "natively (see 'synthtab models')."
            )

    def _generated(self, n: int, seeds: SeedTree) -> pd.DataFrame:
        if not self.encoder.generated:
            return pd.DataFrame(index=pd.RangeIndex(n))
        # Whole blocks are generated and then cut, so row k never depends on n.
        parts = [
            self.encoder.generate(BLOCK_ROWS, rng=seeds.block_rng(k), row_offset=start)
            for k, start in enumerate(range(0, n, BLOCK_ROWS))
        ]
        return pd.concat(parts, ignore_index=True).iloc[:n].reset_index(drop=True)
