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

from collections.abc import Callable, Iterator, Mapping, Sequence
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
        blocks = list(self.stream(n, seeds, request, progress))
        return pd.concat(blocks, ignore_index=True) if len(blocks) > 1 else blocks[0]

    def stream(
        self,
        n: int,
        seeds: SeedTree,
        request: Request = None,
        progress: ProgressCallback | None = None,
    ) -> Iterator[pd.DataFrame]:
        """``n`` rows as blocks of :data:`BLOCK_ROWS` rows (the last may be shorter).

        Block ``k`` depends only on the seeds and the request, never on how the
        caller batches the rows, so streamed output equals in-memory output.
        """
        take = self._source(n, seeds, request)
        generated = seeds.child("generated")
        for k, start in enumerate(range(0, n, BLOCK_ROWS)):
            size = min(BLOCK_ROWS, n - start)
            modelled = take(size, k)
            # Whole blocks are generated, then cut, so row k never depends on n.
            fresh = self.encoder.generate(BLOCK_ROWS, rng=generated.block_rng(k), row_offset=start)
            block = self.encoder.assemble(modelled, fresh.iloc[:size].reset_index(drop=True))
            block.index = pd.RangeIndex(start, start + size)
            report(progress, "sample", start + size, n)
            yield block

    def _source(
        self, n: int, seeds: SeedTree, request: Request
    ) -> Callable[[int, int], pd.DataFrame]:
        """A function giving the modelled rows of output block ``k`` (``size`` rows)."""
        if isinstance(request, ClassMix):
            return self._class_mix(n, seeds, request)
        if isinstance(request, list):
            parts = [
                _Accepted(self, seeds.child(f"condition={i}"), c, c.n or 0)
                for i, c in enumerate(request)
            ]
            return lambda size, k: _take_in_turn(parts, size)
        rows = _Accepted(self, seeds.child("rows"), request, n)
        return lambda size, k: rows.take(size)

    def _class_mix(
        self, n: int, seeds: SeedTree, mix: ClassMix
    ) -> Callable[[int, int], pd.DataFrame]:
        totals = mix.counts(n)
        sources = {
            label: _Accepted(
                self, seeds.child(f"class={label!r}"), Condition({mix.column: label}), total
            )
            for label, total in totals.items()
            if total > 0
        }
        shuffles = seeds.child("shuffle")

        def take(size: int, k: int) -> pd.DataFrame:
            parts = [sources[label].take(c) for label, c in mix.counts(size).items() if c > 0]
            mixed = pd.concat(parts, ignore_index=True)
            order = shuffles.block_rng(k).permutation(len(mixed))
            return mixed.iloc[order].reset_index(drop=True)

        return take

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


class _Accepted:
    """The accepted rows of one condition, drawn block by block as they are asked for."""

    def __init__(
        self, engine: SamplingEngine, seeds: SeedTree, condition: Condition | None, total: int
    ) -> None:
        self.engine, self.condition, self.total = engine, condition, total
        self.blocks = engine._blocks(seeds, condition)
        self.buffer: list[pd.DataFrame] = []
        self.buffered = self.accepted = self.drawn = self.given = 0

    def take(self, size: int) -> pd.DataFrame:
        """The next ``size`` accepted rows."""
        while self.buffered < size:
            block = next(self.blocks)
            self.drawn += len(block)
            block = block[self.engine._accepted(block, self.condition)]
            self.accepted += len(block)
            self.buffer.append(block)
            self.buffered += len(block)
            if self.buffered < size:
                self.engine._check_budget(self.total, self.accepted, self.drawn, self.condition)
        rows = pd.concat(self.buffer, ignore_index=True) if len(self.buffer) > 1 else self.buffer[0]
        rows = rows.reset_index(drop=True)
        self.buffer = [rows.iloc[size:]]
        self.buffered = len(rows) - size
        return rows.iloc[:size].reset_index(drop=True)


def _take_in_turn(sources: list[_Accepted], size: int) -> pd.DataFrame:
    """``size`` rows from the sources in order, each giving at most its own total."""
    parts = []
    for source in sources:
        count = min(source.total - source.given, size)
        if count > 0:
            parts.append(source.take(count))
            source.given += count
            size -= count
    return pd.concat(parts, ignore_index=True)
