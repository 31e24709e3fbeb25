"""The autoregressive event model, on arrays: each event drawn from its entity and the
event before it.

Two chains of trees (the sequential trees of :mod:`synthtab.models.trees`, whose leaves
hold real values drawn with kernel noise): the first event's features from the entity's
features and its number of events; every next event's features from the entity, its
position (step, steps left) and the previous event (its features and, for features
modelled as changes, its last change). A numeric feature whose change from one event to
the next varies less than its spread around the entity's mean (a slow drift: a
country's population, a clock) is drawn as that change and added to the previous
value, so a history moves smoothly instead of jumping between leaf values; the order
column is always drawn as a change (the gap between events, never negative).

Sampling runs one step for all histories at once: a history of 575 events costs 575
vectorised draws, not 575 loops over rows.

>>> rng = np.random.default_rng(0)
>>> lengths = np.full(200, 5)
>>> level = np.repeat(rng.normal(0, 10, 200), 5) + np.tile(np.arange(5.0), 200)
>>> events = np.column_stack([np.tile(np.arange(5.0), 200), level])
>>> model = Autoregression.fit(np.zeros((200, 0)), lengths, events,
...                            discrete=np.array([False, False]), order=[0, 1],
...                            time_feature=0, grid=np.zeros(2), min_leaf=10, smoothing=1.0,
...                            max_events=10_000, rng=rng)
>>> model.delta.tolist()
[True, True]
>>> out = model.generate(np.zeros((3, 0)), np.array([2, 4, 1]), rng=rng)
>>> out.shape
(7, 2)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from synthtab.encoding.base import State
from synthtab.models.trees import TreeLeafParams, TreeStep, grow_step
from synthtab.random import integer_seed

#: The histories to continue: last events, second-last events, lengths, running totals.
History = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


@dataclass
class StepChain:
    """Targets drawn one after another, each from a tree on the context and the targets
    drawn before it."""

    width: int  # context columns
    steps: list[TreeStep]

    @classmethod
    def fit(
        cls,
        context: np.ndarray,
        targets: np.ndarray,
        *,
        order: Sequence[int],
        discrete: np.ndarray,
        params: TreeLeafParams,
        rng: np.random.Generator,
    ) -> StepChain:
        """Grow one tree per target column, in ``order``."""
        from joblib import Parallel, delayed

        width = context.shape[1]
        x = np.hstack([context, targets])
        columns = [width + j for j in order]
        seeds = [integer_seed(rng) for _ in columns]
        jobs = (
            delayed(grow_step)(
                x,
                [*range(width), *columns[:k]],
                columns[k],
                discrete=bool(discrete[order[k]]),
                params=params,
                seed=seeds[k],
                robust=True,
            )
            for k in range(len(columns))
        )
        return cls(width, list(Parallel(n_jobs=-1, prefer="threads")(jobs)))

    def draw(
        self, context: np.ndarray, rng: np.random.Generator, grid: np.ndarray | None = None
    ) -> np.ndarray:
        """Targets for each row of ``context``; ``grid``: per target, the spacing its
        values take (whole numbers, a datetime's unit; 0 for none), applied as each is
        drawn, so that the trees after it read values like those they were grown on (a
        gap of 0.3 hours where every real gap is whole hours lands in the wrong leaf)."""
        x = np.zeros((context.shape[0], self.width + len(self.steps)))
        x[:, : self.width] = context
        for step in self.steps:
            values = step.draw(x, rng)
            spacing = 0.0 if grid is None else grid[step.target - self.width]
            x[:, step.target] = np.round(values / spacing) * spacing if spacing > 0 else values
        return x[:, self.width :]

    def to_state(self) -> State:
        return {"width": self.width, "steps": [s.to_state() for s in self.steps]}

    @classmethod
    def from_state(cls, state: State) -> StepChain:
        return cls(int(state["width"]), [TreeStep.from_state(s) for s in state["steps"]])


@dataclass
class Autoregression:
    """The first event from its entity; each next one from its entity and the last one."""

    first: StepChain
    next: StepChain
    delta: np.ndarray  # per event feature: drawn as a change from the previous event
    low: np.ndarray  # per event feature: the smallest real value
    high: np.ndarray
    time: int  # the order column's feature
    numeric_mask: np.ndarray  # per event feature: a number (not a label code)
    grid: np.ndarray  # per event feature: the spacing of its values (0 for none)

    @classmethod
    def fit(
        cls,
        entities: np.ndarray,
        lengths: np.ndarray,
        events: np.ndarray,
        *,
        discrete: np.ndarray,
        order: Sequence[int],
        time_feature: int,
        grid: np.ndarray,
        min_leaf: int,
        smoothing: float,
        max_events: int,
        rng: np.random.Generator,
    ) -> Autoregression:
        """Learn from ``events`` (sorted by entity, ``lengths`` each) and the entities'
        features (one row per entity); the next-event trees from at most ``max_events``
        transitions, drawn at random."""
        params = TreeLeafParams(min_leaf=min_leaf, smoothing=smoothing)
        offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        owner = np.repeat(np.arange(len(lengths)), lengths)
        step = np.arange(len(events)) - offsets[owner]
        delta = drifting(events, owner, step, discrete)
        delta[time_feature] = True
        first = StepChain.fit(
            _first_context(entities, lengths),
            events[offsets],
            order=order,
            discrete=discrete,
            params=params,
            rng=rng,
        )
        later = np.flatnonzero(step >= 1)
        if len(later) > max_events:  # the trees' cost grows with the rows, their fit slowly
            later = np.sort(rng.choice(later, max_events, replace=False))
        prev = events[later - 1]
        before = np.where((step[later] >= 2)[:, None], events[np.maximum(later - 2, 0)], prev)
        targets = np.where(delta, events[later] - prev, events[later])
        numeric = ~discrete
        totals = _running_totals(events[:, numeric], offsets, lengths)
        context = _next_context(
            entities[owner[later]],
            lengths[owner[later]],
            step[later],
            prev,
            (prev - before)[:, delta],
            totals[later - 1] / step[later][:, None],
        )
        following = StepChain.fit(
            context, targets, order=order, discrete=discrete, params=params, rng=rng
        )
        return cls(
            first,
            following,
            delta,
            events.min(axis=0),
            events.max(axis=0),
            time_feature,
            numeric,
            np.asarray(grid, dtype=np.float64),
        )

    def generate(
        self,
        entities: np.ndarray,
        lengths: np.ndarray,
        *,
        rng: np.random.Generator,
        history: History | None = None,
    ) -> np.ndarray:
        """Events for entities with these features and lengths, sorted by entity.

        ``history``: the histories to continue (see :meth:`history`); ``lengths`` are
        then their new totals, and only the events after the given ones are returned.
        """
        lengths = np.asarray(lengths, dtype=np.int64)
        done = np.zeros(len(lengths), np.int64) if history is None else history[2]
        new = lengths - done
        offsets = np.concatenate([[0], np.cumsum(new)[:-1]]).astype(np.int64)
        out = np.zeros((int(new.sum()), len(self.delta)))
        numeric = self.numeric
        if history is None:
            if not len(out):
                return out
            prev = self.first.draw(_first_context(entities, lengths), rng, self.grid)
            change = np.zeros((len(lengths), int(self.delta.sum())))
            totals = prev[:, numeric].copy()
            out[offsets[new > 0]] = prev[new > 0]
        else:
            prev, before, totals = history[0].copy(), history[1], history[3].copy()
            change = (prev - before)[:, self.delta]
        for t in range(int(done.min(initial=0)) + (history is None), int(lengths.max(initial=0))):
            alive = np.flatnonzero((lengths > t) & (done <= t))
            if not len(alive):
                continue
            context = _next_context(
                entities[alive],
                lengths[alive],
                np.full(len(alive), t),
                prev[alive],
                change[alive],
                totals[alive] / t,
            )
            drawn = self.next.draw(context, rng, self.grid)
            level = np.where(self.delta, prev[alive] + drawn, drawn)
            kept = self.delta.copy()
            kept[self.time] = False  # time runs on; fitted into the window at the end
            level[:, kept] = np.clip(level[:, kept], self.low[kept], self.high[kept])
            change[alive] = level[:, self.delta] - prev[alive][:, self.delta]
            prev[alive] = level
            totals[alive] += level[:, numeric]
            out[offsets[alive] + t - done[alive]] = level
        if history is None:
            self._within_window(out, offsets, new)
        return out

    @property
    def numeric(self) -> np.ndarray:
        """The features whose running mean over the history so far is a feature too."""
        return self.numeric_mask

    def history(self, events: np.ndarray, lengths: np.ndarray) -> History:
        """What :meth:`generate` needs to continue the histories in ``events`` (sorted
        by entity, ``lengths`` each): their last and second-last events, lengths and
        running totals."""
        offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        last = offsets + lengths - 1
        before = np.where(lengths >= 2, last - 1, last)
        totals = _running_totals(events[:, self.numeric], offsets, lengths)[last]
        return events[last], events[before], np.asarray(lengths, np.int64), totals

    def _within_window(self, out: np.ndarray, offsets: np.ndarray, lengths: np.ndarray) -> None:
        """Histories that would run past the last real time are compressed towards their
        start to end there (clipping would pile their last events onto one instant)."""
        time = out[:, self.time]
        start = time[offsets]
        end = time[offsets + lengths - 1]
        over = end > self.high[self.time]
        if not over.any():
            return
        span = np.where(over, end - start, 1.0)
        room = np.maximum(self.high[self.time] - start, 0.0)
        factor = np.where(over & (span > 0), room / np.where(span > 0, span, 1.0), 1.0)
        owner_factor, owner_start = np.repeat(factor, lengths), np.repeat(start, lengths)
        out[:, self.time] = owner_start + (time - owner_start) * owner_factor

    def to_state(self) -> State:
        return {
            "first": self.first.to_state(),
            "next": self.next.to_state(),
            "delta": self.delta,
            "low": self.low,
            "high": self.high,
            "time": self.time,
            "numeric": self.numeric_mask,
            "grid": self.grid,
        }

    @classmethod
    def from_state(cls, state: State) -> Autoregression:
        arrays: dict[str, Any] = {k: np.asarray(state[k]) for k in ("delta", "low", "high")}
        return cls(
            StepChain.from_state(state["first"]),
            StepChain.from_state(state["next"]),
            arrays["delta"].astype(bool),
            arrays["low"].astype(np.float64),
            arrays["high"].astype(np.float64),
            int(state["time"]),
            np.asarray(state["numeric"]).astype(bool),
            np.asarray(state["grid"], dtype=np.float64),
        )


def drifting(
    events: np.ndarray, owner: np.ndarray, step: np.ndarray, discrete: np.ndarray
) -> np.ndarray:
    """Numeric features whose change between consecutive events has a smaller spread than
    their deviation from the entity's mean: they drift rather than scatter."""
    later = np.flatnonzero(step >= 1)
    out = np.zeros(events.shape[1], dtype=bool)
    if not len(later):
        return out
    counts = np.bincount(owner, minlength=owner.max() + 1)[:, None]
    sums = np.zeros((counts.shape[0], events.shape[1]))
    np.add.at(sums, owner, events)
    around = events - (sums / counts)[owner]
    change = events[later] - events[later - 1]
    spread = np.sqrt(np.mean(around[later] ** 2, axis=0))
    moves = np.sqrt(np.mean(change**2, axis=0))
    return (~discrete) & (moves < spread)


def _running_totals(values: np.ndarray, offsets: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Per event, the sum of its entity's values up to and including it."""
    total = np.cumsum(values, axis=0)
    before = np.vstack([np.zeros((1, values.shape[1])), total])[offsets]
    return total - np.repeat(before, lengths, axis=0)


def _first_context(entities: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    return np.column_stack([entities, lengths]).astype(np.float64)


def _next_context(
    entities: np.ndarray,
    lengths: np.ndarray,
    step: np.ndarray,
    prev: np.ndarray,
    change: np.ndarray,
    mean: np.ndarray,
) -> np.ndarray:
    """Entity features, length, step, steps left, the previous event, its change, and
    the mean of each number over the history so far (a level to return to)."""
    return np.column_stack([entities, lengths, step, lengths - step, prev, change, mean]).astype(
        np.float64
    )
