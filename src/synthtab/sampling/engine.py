"""The sampling engine: row blocks from their own seeds, conditions by bounded rejection.

Rows are drawn in blocks of :data:`~synthtab.random.BLOCK_ROWS`; block ``k``
always comes from the same seed, so the first ``n`` rows do not depend on how
many rows or batches are asked for. A condition keeps the rows that meet it,
block after block; a model with native conditioning is asked for such rows
directly and its output is still checked. The number of candidate rows is
bounded: when the acceptance rate is too low to finish, a
:class:`~synthtab.errors.SamplingError` says so with the figures.

Model blocks are drawn and decoded on a few threads at once (numpy, scipy and
pyarrow release the GIL for the heavy parts) and consumed in block order, so
the rows are the same for any number of workers. At most
``2 * workers`` blocks are in flight, and no more than the rows still owed
need at the acceptance rate seen so far, which keeps memory bounded.
"""

from __future__ import annotations

import math
import os
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache, partial
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
#: Most threads drawing blocks by default (more gains little: writing is serial).
MAX_WORKERS = 4


def default_workers() -> int:
    """Threads that draw blocks by default: one per core, at most :data:`MAX_WORKERS`."""
    return max(1, min(os.cpu_count() or 1, MAX_WORKERS))


@contextmanager
def _thread_pool(workers: int, blocks: int) -> Iterator[ThreadPoolExecutor | None]:
    """A pool when there are several workers and blocks (else ``None``); queued blocks
    are dropped on exit.

    For several blocks BLAS runs on one thread meanwhile: its own threads on a
    block's small matrix products spin and fight the block threads for the cores
    (the copula drew 2x slower, and spent 40% more CPU even without block threads).
    """
    if blocks <= 1:
        yield None
        return
    with _blas_controller().limit(limits=1, user_api="blas"):
        if workers <= 1:
            yield None
            return
        pool = ThreadPoolExecutor(workers, thread_name_prefix="synthtab-block")
        try:
            yield pool
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


@lru_cache(maxsize=1)
def _blas_controller() -> Any:
    """threadpoolctl's view of the loaded BLAS libraries (finding them takes ~25 ms)."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


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
    workers: int | None = None

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
        generated = seeds.child("generated")
        workers, blocks = self.workers or default_workers(), math.ceil(n / BLOCK_ROWS)
        with _thread_pool(workers, blocks) as pool:
            take = self._source(n, seeds, request, pool)
            for k, start in enumerate(range(0, n, BLOCK_ROWS)):
                size = min(BLOCK_ROWS, n - start)
                block = self._output_block(take(size, k), generated, k, start)
                block.index = pd.RangeIndex(start, start + size)
                report(progress, "sample", start + size, n)
                yield block

    def block_range(self, n: int, seeds: SeedTree, first: int, stop: int) -> Iterator[pd.DataFrame]:
        """Output blocks ``first .. stop-1`` of an unconditioned draw of ``n`` rows, alone.

        They equal the same blocks of :meth:`stream`, so machines can draw parts of
        one output apart. That needs every drawn row accepted: a rule that rejects
        rows makes a block depend on the blocks before it, and raises
        :class:`SamplingError`.
        """
        rows, generated = seeds.child("rows"), seeds.child("generated")
        for k in range(first, min(stop, math.ceil(n / BLOCK_ROWS))):
            start = k * BLOCK_ROWS
            size = min(BLOCK_ROWS, n - start)
            modelled, drawn = self.draw_block(rows, None, None, k)
            if len(modelled) < drawn:
                raise SamplingError(
                    f"Constraints {list(self.constraints)!r} rejected {drawn - len(modelled)} "
                    f"of {drawn} rows of block {k}; rows drawn apart must all be accepted. "
                    "Sample in one process (without a Dask client) instead."
                )
            block = self._output_block(modelled.iloc[:size], generated, k, start)
            block.index = pd.RangeIndex(start, start + size)
            yield block

    def _output_block(
        self, modelled: pd.DataFrame, generated: SeedTree, k: int, start: int
    ) -> pd.DataFrame:
        """Modelled rows of output block ``k`` with its generated columns, in schema order."""
        names = self.schema.names
        if not self.encoder.generated:
            return modelled if list(modelled.columns) == names else modelled[names]
        # generation is prefix-stable: only the rows used are made, and row i of a
        # block never depends on how many rows are asked for
        fresh = self.encoder.generate(len(modelled), rng=generated.block_rng(k), row_offset=start)
        return self.encoder.assemble(modelled, fresh)

    def _source(
        self, n: int, seeds: SeedTree, request: Request, pool: ThreadPoolExecutor | None
    ) -> Callable[[int, int], pd.DataFrame]:
        """A function giving the modelled rows of output block ``k`` (``size`` rows)."""
        if isinstance(request, ClassMix):
            return self._class_mix(n, seeds, request, pool)
        if isinstance(request, list):
            parts = [
                _Accepted(self, seeds.child(f"condition={i}"), c, c.n or 0, pool)
                for i, c in enumerate(request)
            ]
            return lambda size, k: _take_in_turn(parts, size)
        rows = _Accepted(self, seeds.child("rows"), request, n, pool)
        return lambda size, k: rows.take(size)

    def _class_mix(
        self, n: int, seeds: SeedTree, mix: ClassMix, pool: ThreadPoolExecutor | None
    ) -> Callable[[int, int], pd.DataFrame]:
        totals = mix.counts(n)
        sources = {
            label: _Accepted(
                self, seeds.child(f"class={label!r}"), Condition({mix.column: label}), total, pool
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

    def draw_block(
        self,
        seeds: SeedTree,
        condition: Condition | None,
        native: Any,
        k: int,
        rows: int = BLOCK_ROWS,
    ) -> tuple[pd.DataFrame, int]:
        """The accepted rows of model block ``k`` and how many were drawn (thread-safe).

        The model always draws a whole block (its rows must not depend on how many
        are used), but only the first ``rows`` are decoded: with nothing to reject,
        the rows past the end of the output are never needed, and decoding them
        would cost a block of long text for ten rows.
        """
        encoded = self.model.sample(BLOCK_ROWS, rng=seeds.block_rng(k), condition=native)
        block = self.encoder.decode(encoded[:rows])
        keep = self._accepted(block, condition)
        if keep.all():
            return block, len(block)
        return block[keep].reset_index(drop=True), len(block)

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
        self,
        engine: SamplingEngine,
        seeds: SeedTree,
        condition: Condition | None,
        total: int,
        pool: ThreadPoolExecutor | None = None,
    ) -> None:
        self.engine, self.condition, self.total, self.pool = engine, condition, total, pool
        self.draw = partial(engine.draw_block, seeds, condition, engine._native(condition))
        self.pending: deque[Future[tuple[pd.DataFrame, int]]] = deque()
        self.limit = 2 * (engine.workers or default_workers())
        self.buffer: list[pd.DataFrame] = []
        self.buffered = self.accepted = self.drawn = self.given = self.next_block = 0

    def take(self, size: int) -> pd.DataFrame:
        """The next ``size`` accepted rows."""
        while self.buffered < size:
            block, drawn = self._next_block()
            self.drawn += drawn
            self.accepted += len(block)
            self.buffer.append(block)
            self.buffered += len(block)
            if self.buffered < size:
                self.engine._check_budget(self.total, self.accepted, self.drawn, self.condition)
        if len(self.buffer) == 1 and self.buffered == size:  # the common case: one whole block
            rows, self.buffer, self.buffered = self.buffer[0], [], 0
            return rows
        rows = pd.concat(self.buffer, ignore_index=True) if len(self.buffer) > 1 else self.buffer[0]
        rows = rows.reset_index(drop=True)
        self.buffer = [rows.iloc[size:]]
        self.buffered = len(rows) - size
        return rows.iloc[:size].reset_index(drop=True)

    def _next_block(self) -> tuple[pd.DataFrame, int]:
        """The next model block, from the threads when there is a pool."""
        if self.pool is not None:
            while len(self.pending) < self._wanted():
                k = self.next_block
                self.pending.append(self.pool.submit(self.draw, k, self._rows_used(k)))
                self.next_block += 1
        if self.pending:
            return self.pending.popleft().result()
        self.next_block += 1
        return self.draw(self.next_block - 1, self._rows_used(self.next_block - 1))

    def _rows_used(self, k: int) -> int:
        """Rows of block ``k`` the output can use: all of them when rows may be rejected."""
        if self.condition is not None or self.engine.constraints:
            return BLOCK_ROWS
        return max(1, min(BLOCK_ROWS, self.total - k * BLOCK_ROWS))

    def _wanted(self) -> int:
        """Blocks worth having in flight: those the owed rows need at the rate seen so far."""
        owed = self.total - self.accepted
        rate = self.accepted / self.drawn if self.drawn else 1.0
        if rate <= 0:
            return self.limit
        needed = math.ceil(owed / (rate * BLOCK_ROWS))
        return max(1, min(self.limit, needed))


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
