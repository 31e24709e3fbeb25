"""Conditional vectors for the conditional GANs, built from the layout's one-hot spans.

Two designs, chosen by the model's ``conditioning`` parameter:

- ``"columns"`` (CGAN, WCGAN): the condition is the label of fixed columns.
  Training pairs each real row with its own label; sampling draws labels
  from the training rows' joint label frequencies, or fixes the asked ones.
- ``"training_by_sampling"`` (CTGAN): the condition picks one discrete column
  at random and one of its labels with log-frequency weights, then a real row
  with that label, so rare labels are trained on as often as they need.

Everything is drawn for a whole batch at once: one column per row, one label
per row by inverse CDF, one row per (column, label) by an offset into rows
sorted by label. No Python loop over rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from synthtab.encoding.layout import Layout
from synthtab.errors import ConditionError

Bounds = Mapping[int, tuple[float, float]]


class ConditionVectors:
    """Which one-hot spans condition the networks, and how their labels are drawn."""

    def __init__(self, layout: Layout, spans: list[int], frequencies: list[np.ndarray]) -> None:
        self.layout = layout
        self.spans = spans
        self.frequencies = [np.asarray(f, dtype=np.float64) for f in frequencies]
        sizes = [layout.spans[i].width for i in spans]
        self.offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        self.width = int(self.offsets[-1])

    @classmethod
    def fit(cls, layout: Layout, values: np.ndarray, columns: list[str] | None) -> ConditionVectors:
        """Conditioning spans (one-hot spans of ``columns``; all one-hot spans if None)."""
        spans = [
            i
            for i, s in enumerate(layout.spans)
            if s.one_hot and s.role == "category" and (columns is None or s.column in columns)
        ]
        counts = [values[:, layout.slice_of(i)].sum(axis=0) for i in spans]
        return cls(layout, spans, [c / max(c.sum(), 1.0) for c in counts])

    def labels(self, values: np.ndarray) -> np.ndarray:
        """Label codes of each row in each conditioning span, shape ``(n, spans)``."""
        codes = [np.argmax(values[:, self.layout.slice_of(i)], axis=1) for i in self.spans]
        return np.stack(codes, axis=1) if codes else np.empty((len(values), 0), np.int64)

    def vectors(self, codes: np.ndarray, active: np.ndarray | None = None) -> np.ndarray:
        """One-hot condition vectors for label ``codes`` (only ``active`` spans set if given)."""
        n = len(codes)
        out = np.zeros((n, self.width), dtype=np.float32)
        for k in range(len(self.spans)):
            rows = np.arange(n) if active is None else np.flatnonzero(active == k)
            out[rows, self.offsets[k] + codes[rows, k]] = 1.0
        return out

    def fixed_codes(self, bounds: Bounds | None) -> dict[int, int]:
        """Conditioning span index -> asked label, read from the engine's encoded bounds."""
        fixed: dict[int, int] = {}
        for feature, (low, high) in (bounds or {}).items():
            for k, span in enumerate(self.spans):
                block = self.layout.slice_of(span)
                if block.start <= feature < block.stop and low > 0.0 and high >= 1.0:
                    fixed[k] = feature - block.start
        return fixed

    def to_state(self) -> dict[str, object]:
        """JSON scalars and arrays."""
        return {"spans": list(self.spans), "frequencies": list(self.frequencies)}

    @classmethod
    def from_state(cls, layout: Layout, state: Mapping[str, Any]) -> ConditionVectors:
        """Inverse of :meth:`to_state`."""
        spans = [int(i) for i in state["spans"]]
        return cls(layout, spans, list(state["frequencies"]))


class LabelSampler:
    """CGAN labels: real rows' own labels while training, joint frequencies when sampling."""

    def __init__(self, vectors: ConditionVectors, combos: np.ndarray, weights: np.ndarray) -> None:
        self.vectors = vectors
        self.combos = combos.astype(np.int64).reshape(-1, len(vectors.spans))
        self.weights = weights / weights.sum()

    @classmethod
    def independent(cls, vectors: ConditionVectors, limit: int = 100_000) -> LabelSampler:
        """Every label combination, weighted by the product of the (released) frequencies."""
        sizes = [len(f) for f in vectors.frequencies]
        if int(np.prod(sizes)) > limit:
            raise ConditionError(
                f"The condition columns have {int(np.prod(sizes)):,} label combinations; "
                f"under differential privacy at most {limit:,} are supported: condition on "
                "fewer columns."
            )
        grids = np.meshgrid(*[np.arange(s) for s in sizes], indexing="ij")
        combos = np.stack([g.ravel() for g in grids], axis=1)
        weights = np.ones(len(combos))
        for k, freq in enumerate(vectors.frequencies):
            weights = weights * freq[combos[:, k]]
        return cls(vectors, combos, weights + 1e-12)

    @classmethod
    def fit(cls, vectors: ConditionVectors, values: np.ndarray) -> LabelSampler:
        """Joint label frequencies of the training rows."""
        combos, counts = np.unique(vectors.labels(values), axis=0, return_counts=True)
        return cls(vectors, combos, counts.astype(np.float64))

    def draw(self, n: int, rng: np.random.Generator, bounds: Bounds | None) -> np.ndarray:
        """Condition vectors for ``n`` rows, the asked labels fixed."""
        fixed = self.vectors.fixed_codes(bounds)
        weights = self.weights.copy()
        for k, code in fixed.items():
            weights = weights * (self.combos[:, k] == code)
        if weights.sum() <= 0:  # an unseen combination: keep the asked labels anyway
            weights = self.weights.copy()
        picks = rng.choice(len(self.combos), size=n, p=weights / weights.sum())
        codes = self.combos[picks].copy()
        for k, code in fixed.items():
            codes[:, k] = code
        return self.vectors.vectors(codes)


class TrainingBySampling:
    """CTGAN's sampler: a column, a label by log-frequency, then a real row with it."""

    def __init__(self, vectors: ConditionVectors, values: np.ndarray) -> None:
        if not vectors.spans:
            raise ConditionError("training-by-sampling needs at least one categorical column")
        self.vectors = vectors
        self.codes = vectors.labels(values)
        sizes = [len(f) for f in vectors.frequencies]
        width = max(sizes)
        log_freq = np.zeros((len(sizes), width))
        self.counts = np.zeros((len(sizes), width), dtype=np.int64)
        for k, freq in enumerate(vectors.frequencies):
            log_freq[k, : len(freq)] = np.log1p(freq * len(values))
            self.counts[k, : len(freq)] = np.bincount(self.codes[:, k], minlength=len(freq))
        self.cumulative = np.cumsum(log_freq / log_freq.sum(axis=1, keepdims=True), axis=1)
        self.starts = np.cumsum(self.counts, axis=1) - self.counts
        self.order = np.argsort(self.codes, axis=0, kind="stable").T  # (spans, rows)

    def draw(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(condition vectors, chosen span per row, real row indices with those labels)."""
        span = rng.integers(len(self.vectors.spans), size=n)
        label = (self.cumulative[span] < rng.random(n)[:, None]).sum(axis=1)
        label = np.minimum(label, self.counts.shape[1] - 1)
        offset = (rng.random(n) * self.counts[span, label]).astype(np.int64)
        rows = self.order[span, self.starts[span, label] + offset]
        codes = np.zeros((n, len(self.vectors.spans)), dtype=np.int64)
        codes[np.arange(n), span] = label
        return self.vectors.vectors(codes, active=span), span, rows


def generation_vectors(
    vectors: ConditionVectors, n: int, rng: np.random.Generator, bounds: Bounds | None
) -> np.ndarray:
    """CTGAN's condition vectors for generation: an asked label, else one by real frequency."""
    fixed = vectors.fixed_codes(bounds)
    if fixed:
        k, code = next(iter(fixed.items()))
        codes = np.zeros((n, len(vectors.spans)), dtype=np.int64)
        codes[:, k] = code
        return vectors.vectors(codes, active=np.full(n, k))
    return frequency_vectors(vectors, n, rng)


def frequency_vectors(vectors: ConditionVectors, n: int, rng: np.random.Generator) -> np.ndarray:
    """A random conditioning span per row and a label by its real frequency."""
    span = rng.integers(len(vectors.spans), size=n)
    codes = np.zeros((n, len(vectors.spans)), dtype=np.int64)
    for k, freq in enumerate(vectors.frequencies):
        rows = np.flatnonzero(span == k)
        codes[rows, k] = np.minimum(
            np.searchsorted(np.cumsum(freq), rng.random(rows.size), side="right"), len(freq) - 1
        )
    return vectors.vectors(codes, active=span)
